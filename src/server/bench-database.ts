import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A new, empty database on a PostgreSQL server, for a benchmark run that must not inherit another's rows (the
 * benchmarks' PATCHBAY_BENCH_DATABASE_URL). Resolves to its URL.
 */
export async function freshBenchDatabase(server: string): Promise<string> {
  const name = `patchbay_bench_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
