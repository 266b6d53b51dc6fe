import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { lockDataDir, prepareDataDir, restrictTree } from "./data-dir";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** Raw SQL for pg-boss, on whichever database is in use. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

export interface DatabaseHandle {
  db: Database;
  kind: "pglite" | "postgres";
  executeSql: ExecuteSql;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * PostgreSQL when `databaseUrl` is set, otherwise embedded PGlite in `dataDir` (`memory://` keeps it in memory,
 * for tests). On disk, `dataDir` is made owner-only and locked to this process first (a DataDirError otherwise);
 * `close` releases the lock. Committed migrations are applied before anything else touches the database.
 */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  onPoolError?: (error: Error) => void;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl !== undefined) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 10_000,
      query_timeout: 30_000,
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process.
    pool.on("error", (error) => options.onPoolError?.(error));
    const db = drizzlePg(pool, { schema });
    // Instances starting together must not apply the same migration twice.
    const lock = await pool.connect();
    try {
      await lock.query("select pg_advisory_lock(hashtext('patchbay-migrations'))");
      await migratePg(db, { migrationsFolder });
    } finally {
      await lock.query("select pg_advisory_unlock(hashtext('patchbay-migrations'))").catch(() => undefined);
      lock.release();
    }
    return {
      db,
      kind: "postgres",
      executeSql: async (text, values) => ({ rows: (await pool.query(text, values)).rows }),
      close: () => pool.end(),
    };
  }
  if (options.dataDir === "memory://") return openPglite(await PGlite.create({}));
  // On disk: DATA_DIR owner-only and locked to this process before the database opens (data-dir.ts says why).
  const dataDir = await prepareDataDir(options.dataDir);
  const lock = await lockDataDir(dataDir);
  let client: PGlite | undefined;
  try {
    const pgliteDir = join(dataDir, "pglite");
    await mkdir(pgliteDir, { recursive: true, mode: 0o700 });
    client = await PGlite.create({ dataDir: pgliteDir });
    const handle = await openPglite(client);
    // PGlite chmods the files it creates to PostgreSQL's modes (0666, 0644), past the umask.
    await restrictTree(dataDir);
    const opened = client;
    return {
      ...handle,
      close: async () => {
        try {
          await opened.close();
          await restrictTree(dataDir);
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await client?.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
}

async function openPglite(client: PGlite): Promise<DatabaseHandle> {
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  // PGlite's `query` takes one statement with parameters; pg-boss also sends parameterless multi-statement scripts,
  // which only `exec` runs.
  const executeSql: ExecuteSql = async (text, values) => {
    if (values !== undefined && values.length > 0) return { rows: (await client.query(text, values)).rows };
    const results = await client.exec(text);
    return { rows: results.at(-1)?.rows ?? [] };
  };
  return { db, kind: "pglite", executeSql, close: () => client.close() };
}
