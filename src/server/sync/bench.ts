// `npm run bench` (second part): sync ingest against the simulator over HTTPS, reported as ratios measured in the
// same run, never as absolute times (a shared 2-core machine makes those meaningless).
//
// - Ingest: a real Patchbay process (sync-process.ts: the app, its database, the engine, Microsoft's rate limits)
//   syncs N alerts and N/5 devices. The baseline upserts the very same records, in the same page size, straight
//   into the same database with the same statement (storeBatch): the cost of storing them and nothing else. The
//   sync's rate is reported against it twice: over the whole sync, and over the time it was not waiting for rate
//   budget (that part is Microsoft's limit setting the pace, which no code can shorten).
// - Memory: the sync process's peak RSS at 100,000 alerts against 10,000 (pages stream through; nothing should
//   grow with the number of records), with the heap capped at 256 MiB (PATCHBAY_BENCH_NODE_OPTIONS overrides it;
//   "" runs V8 uncapped, whose peak then follows its allocation rate, not live data).
//
// - Pace: the time set by Microsoft's limit, not by Patchbay. With pages of 10,000 the sizes above need fewer calls
//   than a minute's limit, so nothing paces them but the writes; a third run syncs a tenant in pages of 200, which
//   costs more calls than a minute allows, and compares its time with the least the limit permits for those calls.
//   Every run reports its calls and how many Microsoft answered 429 (the budget should leave none).
//
// `--short` (what `npm test` runs so the benchmark cannot rot) uses 2,000 and 6,000 alerts, skips the pace run and judges nothing.
// PATCHBAY_BENCH_DATABASE_URL runs it on PostgreSQL (each size in a database of its own) instead of PGlite.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { alertSeverities } from "../../shared/data-contract";
import { generateBulk } from "../../simulator/bulk-data";
import { SIM_SEED } from "../../simulator/seed";
import { startSimulator } from "../../simulator/server";
import { freshBenchDatabase } from "../bench-database";
import { openDatabase } from "../db/client";
import { alerts, devices, integrations, rateBudgets } from "../db/schema";
import { MINUTE_WINDOW_S } from "./budget";
import { storeBatch } from "./store";

const short = process.argv.includes("--short");
const sizes = short ? [2_000, 6_000] : [10_000, 100_000];
const root = fileURLToPath(new URL("../../..", import.meta.url));
const seed = SIM_SEED.bulkSync;
const pgServer = process.env.PATCHBAY_BENCH_DATABASE_URL;

const doneSchema = z.object({
  event: z.literal("done"),
  pages: z.number(),
  syncMs: z.number(),
  waitedMs: z.number(),
  maxRssKiB: z.number(),
  peakHeapUsedMiB: z.number(),
  peakExternalMiB: z.number(),
});

function runSyncProcess(env: NodeJS.ProcessEnv): Promise<z.infer<typeof doneSchema>> {
  const child: ChildProcess = spawn(
    join(root, "node_modules/.bin/tsx"),
    ["src/server/sync/sync-process.ts"],
    {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let done: z.infer<typeof doneSchema> | undefined;
  createInterface({ input: child.stdout ?? process.stdin }).on("line", (line) => {
    const parsed = doneSchema.safeParse(JSON.parse(line));
    if (parsed.success) done = parsed.data;
  });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 && done ? resolve(done) : reject(new Error(`the sync process failed (${code}): ${stderr}`)),
    ),
  );
}

/**
 * Upsert the synced records again, as a second connection's, a page at a time with the sync's own statement; only
 * the writes are timed. Resolves to the milliseconds they took.
 */
async function directUpsert(database: { databaseUrl?: string; dataDir: string }, pageSize: number) {
  const { db, close } = await openDatabase(database);
  try {
    const [source] = await db.select().from(integrations);
    if (!source) throw new Error("no synced connection");
    const copy = {
      ...source,
      id: randomUUID(),
      identityKey: `${source.identityKey}|baseline`,
      status: "disconnected",
    };
    await db.insert(integrations).values(copy);
    let writeNs = 0n;
    const pass = new Date().toISOString();
    const timed = async (write: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await write();
      writeNs += process.hrtime.bigint() - started;
    };
    for (let after = NO_ID; ; ) {
      const rows = await db
        .select()
        .from(alerts)
        .where(and(eq(alerts.integrationId, source.id), gt(alerts.id, after)))
        .orderBy(asc(alerts.id))
        .limit(pageSize);
      const last = rows.at(-1);
      if (!last) break;
      after = last.id;
      const records = rows.map(({ id: _id, integrationId: _i, partner: _p, syncedAt: _s, ...record }) => ({
        ...record,
        severity: alertSeverities.find((s) => s === record.severity) ?? "unknown",
      }));
      await timed(() =>
        db.transaction((tx) => storeBatch(tx, copy, { table: "alerts", records }, pass, new Date())),
      );
    }
    for (let after = NO_ID; ; ) {
      const rows = await db
        .select()
        .from(devices)
        .where(and(eq(devices.integrationId, source.id), gt(devices.id, after)))
        .orderBy(asc(devices.id))
        .limit(pageSize);
      const last = rows.at(-1);
      if (!last) break;
      after = last.id;
      const records = rows.map(
        ({
          id: _id,
          integrationId: _i,
          partner: _p,
          syncedAt: _s,
          seenPass: _sp,
          removedAt: _r,
          ...record
        }) => record,
      );
      await timed(() =>
        db.transaction((tx) => storeBatch(tx, copy, { table: "devices", records }, pass, new Date())),
      );
    }
    return Number(writeNs) / 1e6;
  } finally {
    await close();
  }
}

const NO_ID = "00000000-0000-0000-0000-000000000000";

const certDir = await mkdtemp(join(tmpdir(), "patchbay-bench-sim-"));
const simulator = await startSimulator({ certDir, port: 0, decoyPort: 0 });

/**
 * Microsoft's limit for the Defender for Endpoint API as Patchbay's sync may spend it: 100 a minute less the 10 kept
 * for verification, as the Defender adapter declares them (src/server/partners/defender/sync.ts; benchmarks reach
 * partners only through the registry, and building one for a single number is not worth it).
 */
const SYNC_CALLS_PER_MINUTE = 90;

interface SyncRun {
  done: z.infer<typeof doneSchema>;
  baselineMs: number;
  /** Calls to the Defender API (token requests are not counted against its limit). */
  calls: number;
  /** 429s Microsoft answered (each is recorded in the budget's row). */
  throttled: number;
}

/** One simulated tenant synced by a Patchbay process to the end, and the same records upserted straight after. */
async function syncTenant(count: number, pageSize: number): Promise<SyncRun> {
  // Each run starts with Microsoft's rate-limit windows empty, as a new tenant would (reset also drops volume).
  simulator.reset();
  generateBulk(seed.tenantId, { alerts: count, machines: Math.round(count / 5), days: 30 });
  const dataDir = await mkdtemp(join(tmpdir(), "patchbay-bench-sync-"));
  const databaseUrl = pgServer ? await freshBenchDatabase(pgServer) : undefined;
  const admin = { email: "bench@patchbay.test", password: randomBytes(18).toString("base64url") };
  try {
    const done = await runSyncProcess({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_EXTRA_CA_CERTS: simulator.certPath,
      // A bounded heap, as a deployment runs it: without a cap V8 grows its heap with the allocation rate rather than
      // with what is live, and a peak-RSS ratio would read that slack as memory growing with the data.
      NODE_OPTIONS: process.env.PATCHBAY_BENCH_NODE_OPTIONS ?? "--max-old-space-size=256",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
      PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
      PATCHBAY_EXTRA_DEFENDER_HOSTS: simulator.hostPort,
      PATCHBAY_ENTRA_AUTHORITY: simulator.origin,
      PATCHBAY_SECURITY_API_ORIGIN: simulator.origin,
      PATCHBAY_GRAPH_ORIGIN: simulator.origin,
      PATCHBAY_SYNC_PAGE_SIZE: String(pageSize),
      PATCHBAY_ADMIN_EMAIL: admin.email,
      PATCHBAY_ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: "silent",
      PATCHBAY_SYNC_CHILD: JSON.stringify({
        baseUrl: simulator.origin,
        tenantId: seed.tenantId,
        appId: seed.appId,
        appSecret: seed.appSecret,
        pagesPerRun: 20,
      }),
    });
    const calls = simulator
      .requests()
      .filter((r) => r.listener === "main" && r.path.startsWith("/api/")).length;
    const database = databaseUrl ? { databaseUrl, dataDir } : { dataDir };
    const throttled = await throttledCalls(database);
    const baselineMs = await directUpsert(database, pageSize);
    return { done, baselineMs, calls, throttled };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function throttledCalls(database: { databaseUrl?: string; dataDir: string }): Promise<number> {
  const { db, close } = await openDatabase(database);
  try {
    return (await db.select({ throttled: rateBudgets.throttled }).from(rateBudgets)).reduce(
      (sum, row) => sum + row.throttled,
      0,
    );
  } finally {
    await close();
  }
}

const lines: string[] = [];
const peaks: number[] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  const pageSize = Number(process.env.PATCHBAY_BENCH_PAGE_SIZE ?? 10_000);
  for (const count of sizes) {
    const { done, baselineMs, calls, throttled } = await syncTenant(count, pageSize);
    const working = done.syncMs - done.waitedMs;
    peaks.push(done.maxRssKiB);
    lines.push(
      `sync of ${count.toLocaleString("en-US")} alerts + ${Math.round(count / 5).toLocaleString("en-US")} devices: ` +
        `ingest ${(baselineMs / done.syncMs).toFixed(2)}× the direct upsert overall (goal ≥ 0.7×), ` +
        `${(baselineMs / working).toFixed(2)}× while not waiting for Microsoft's rate limit ` +
        `(${Math.round((100 * done.waitedMs) / done.syncMs)}% of the sync was that wait); ` +
        `${calls} API calls, ${throttled} answered 429; ` +
        `peak RSS ${Math.round(done.maxRssKiB / 1024)} MiB (JS heap in use ${done.peakHeapUsedMiB} MiB, outside it ${done.peakExternalMiB} MiB)`,
    );
  }
  const [small = 0, large = 0] = peaks;
  lines.push(
    `peak memory at ${sizes[1]?.toLocaleString("en-US")} alerts: ${(large / small).toFixed(2)}× that at ${sizes[0]?.toLocaleString("en-US")} (goal ≤ 1.2×)`,
  );
  if (!short) {
    // Pages of 200 (Microsoft's maximum is 10,000) make the same kind of tenant cost more calls than a minute's
    // limit: the sync then cannot finish sooner than the limit allows, and should finish about then. In the sliding
    // minute, N calls need at least floor((N - 1) / 90) full windows (61 s with the margin for the call's latency).
    const { done, calls, throttled } = await syncTenant(12_000, 200);
    const floorMs = Math.floor((calls - 1) / SYNC_CALLS_PER_MINUTE) * MINUTE_WINDOW_S * 1000;
    lines.push(
      `paced by the limit (12,000 alerts + 2,400 devices in pages of 200): ${calls} API calls, ${throttled} answered 429; ` +
        `the sync took ${seconds(done.syncMs)}, ${seconds(done.waitedMs)} of it waiting for budget; ` +
        `${SYNC_CALLS_PER_MINUTE} calls a minute allow it no sooner than ${seconds(floorMs)}: ` +
        `${(done.syncMs / Math.max(1, floorMs)).toFixed(2)}× that (goal: close to 1×, no 429)`,
    );
  }
} finally {
  await simulator.close();
  await rm(certDir, { recursive: true, force: true });
}
process.stdout.write(`${lines.join("\n")}\n`);
