// `npm run bench` (first part): the connections list under load, as a new user would measure it, every figure a
// ratio against a baseline measured in the same run (absolute numbers on a shared 2-core machine mean little):
//
// - Throughput and p99 of GET /api/integrations, signed in, with 50 concurrent clients (autocannon), against a bare
//   Fastify route answering the very same bytes: what Patchbay's session check, query and serialisation cost.
//   Goals: ≥ 0.5× the bare route's requests per second, p99 ≤ 3× its p99.
// - The list's first page of 10 with 10,000 connections against the whole list of 10 (paging: a page reads only its
//   own rows). Goal ≤ 1.5×.
//
// The servers run in a process of their own (bench-list-server.ts) so the load generator never shares their thread.
// `--short` (what `npm test` runs, so the benchmark cannot rot unnoticed again) uses short runs and 200 connections
// instead of 10,000, and judges nothing: it proves the benchmark still runs end to end and prints its table.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { z } from "zod";
import { startSimulator } from "../simulator/server";
import { freshBenchDatabase } from "./bench-database";

const short = process.argv.includes("--short");
const root = fileURLToPath(new URL("../..", import.meta.url));
const seconds = short ? 2 : 10;
const many = short ? 200 : 10_000;

/** PATCHBAY_BENCH_DATABASE_URL runs the servers on PostgreSQL (a database of their own each time) instead of PGlite. */
const pgServer = process.env.PATCHBAY_BENCH_DATABASE_URL;
const readySchema = z.object({ appUrl: z.url(), bareUrl: z.url(), cookie: z.string(), bytes: z.number() });
type Servers = z.infer<typeof readySchema> & { stop(): Promise<void> };

async function startServers(
  connections: number,
  simulator: { origin: string; hostPort: string; certPath: string },
) {
  const child = spawn(join(root, "node_modules/.bin/tsx"), ["src/server/bench-list-server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_EXTRA_CA_CERTS: simulator.certPath,
      PATCHBAY_BENCH_CONNECTIONS: String(connections),
      PATCHBAY_BENCH_SIMULATOR: simulator.origin,
      PATCHBAY_BENCH_SIMULATOR_HOST: simulator.hostPort,
      ...(pgServer ? { DATABASE_URL: await freshBenchDatabase(pgServer) } : {}),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = await new Promise<z.infer<typeof readySchema>>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`the bench servers stopped (${code}): ${stderr}`)));
    createInterface({ input: child.stdout ?? process.stdin }).once("line", (line) =>
      resolve(readySchema.parse(JSON.parse(line))),
    );
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.stdin?.end();
      }),
  } satisfies Servers;
}

async function load(url: string, cookie: string, connections: number, duration: number) {
  // A short warm-up first: JIT, the database's caches and the session lookup's.
  await autocannon({ url, connections, duration: 1, headers: { cookie } });
  const result = await autocannon({ url, connections, duration, headers: { cookie } });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return { rps: result.requests.average, p99: result.latency.p99, mean: result.latency.mean };
}

const lines: string[] = [];
const certDir = await mkdtemp(join(tmpdir(), "patchbay-bench-sim-"));
const simulator = await startSimulator({ certDir, port: 0, decoyPort: 0 });
try {
  const few = await startServers(10, simulator);
  let fewList: Awaited<ReturnType<typeof load>>;
  try {
    const list = `${few.appUrl}/api/integrations`;
    const bare = await load(`${few.bareUrl}/api/integrations`, few.cookie, 50, seconds);
    fewList = await load(list, few.cookie, 50, seconds);
    lines.push(
      `GET /api/integrations (10 connections, ${(few.bytes / 1024).toFixed(1)} KiB), 50 concurrent clients: ` +
        `${(fewList.rps / bare.rps).toFixed(2)}× the requests per second of a bare Fastify route serving the same bytes ` +
        `(goal ≥ 0.5×; ${Math.round(fewList.rps)} vs ${Math.round(bare.rps)}/s), ` +
        `p99 ${(fewList.p99 / Math.max(1, bare.p99)).toFixed(2)}× its p99 (goal ≤ 3×; ${fewList.p99} vs ${bare.p99} ms)`,
    );
  } finally {
    await few.stop();
  }
  const lots = await startServers(many, simulator);
  try {
    // The same page as the 10-connection list: ten connections' worth of bytes, found among 10,000.
    const manyList = await load(`${lots.appUrl}/api/integrations?limit=10`, lots.cookie, 50, seconds);
    lines.push(
      `GET /api/integrations, first page, ${many.toLocaleString("en-US")} connections against 10: ` +
        `${(manyList.mean / Math.max(0.01, fewList.mean)).toFixed(2)}× the mean latency (goal ≤ 1.5×; ` +
        `${manyList.mean.toFixed(1)} vs ${fewList.mean.toFixed(1)} ms), ` +
        `${(manyList.rps / fewList.rps).toFixed(2)}× the requests per second`,
    );
  } finally {
    await lots.stop();
  }
} finally {
  await simulator.close();
  await rm(certDir, { recursive: true, force: true });
}
process.stdout.write(`${lines.join("\n")}\n`);
