import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { z } from "zod";
import {
  type Alert,
  alertSchema,
  deviceSchema,
  pageSchema,
  syncStateSchema,
} from "../../shared/data-contract";
import { SIM_SEED } from "../../simulator/seed";
import { freshPostgresDatabase, signIn, simulatorRequestCount } from "../../test/test-app";
import { buildApp } from "../app";
import { parseEnv } from "../env";

vi.setConfig({ testTimeout: 240_000 });

/**
 * The acceptance "kill -9 mid-sync, restart: the sync resumes from the last committed page and the counts match
 * the simulator's", with a real process: src/server/sync/sync-process.ts (the real app and engine) is killed with
 * SIGKILL after a few committed pages and started again on the same database (PostgreSQL in the PostgreSQL pass,
 * PGlite on disk otherwise).
 */

const simulator = inject("simulator");
const seed = SIM_SEED.bulkResume;
const ALERTS = 3_000;
const MACHINES = 400;
const MALFORMED = Math.ceil((ALERTS - 17) / 1000); // one alert in 1,000 has no creation time
const DUPLICATED = Math.ceil((ALERTS - 23) / 1000); // one in 1,000 is listed twice
const root = fileURLToPath(new URL("../../..", import.meta.url));
const admin = { email: "crash@patchbay.test", password: randomBytes(12).toString("base64url") };

const event = z.discriminatedUnion("event", [
  z.object({ event: z.literal("connected"), id: z.uuid() }),
  z.object({ event: z.literal("page"), source: z.string(), stored: z.number(), done: z.boolean() }),
  z.object({ event: z.literal("skipped"), source: z.string() }),
  z.object({ event: z.literal("crashing") }),
  z.object({ event: z.literal("waiting"), source: z.string(), ms: z.number() }),
  z
    .object({ event: z.literal("done"), pages: z.number(), elapsedMs: z.number(), maxRssKiB: z.number() })
    .passthrough(),
]);
type Event = z.infer<typeof event>;

let dataDir: string | null = null;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Run the sync process to its end (or its crash); its JSON lines, exit code and signal. */
function runSyncProcess(env: NodeJS.ProcessEnv) {
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
  const events: Event[] = [];
  createInterface({ input: child.stdout ?? process.stdin }).on("line", (text) => {
    const parsed = event.safeParse(JSON.parse(text));
    if (!parsed.success) return;
    events.push(parsed.data);
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; events: Event[]; stderr: string }>(
    (resolve) => child.on("exit", (code, signal) => resolve({ code, signal, events, stderr })),
  );
}

describe("crash and resume", () => {
  it("resumes from the last committed page after kill -9: nothing lost, nothing counted twice", async () => {
    const put = await fetch(`${simulator.origin}/__simulator/data/${seed.tenantId}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ alerts: ALERTS, machines: MACHINES, days: 20 }),
    });
    expect(put.status).toBe(200);

    const databaseUrl = await freshPostgresDatabase();
    if (!databaseUrl) dataDir = await mkdtemp(join(tmpdir(), "patchbay-crash-"));
    const appEnv = {
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir ?? "" }),
      PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
      PATCHBAY_EXTRA_DEFENDER_HOSTS: simulator.hostPort,
      PATCHBAY_ENTRA_AUTHORITY: simulator.origin,
      PATCHBAY_SECURITY_API_ORIGIN: simulator.origin,
      PATCHBAY_GRAPH_ORIGIN: simulator.origin,
      PATCHBAY_SYNC_PAGE_SIZE: "300",
      // The dead process's lease on its stream lapses after this; the restart waits for it, as a job would.
      PATCHBAY_SYNC_LEASE_SECONDS: "10",
      PATCHBAY_ADMIN_EMAIL: admin.email,
      PATCHBAY_ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: "warn",
    };
    const childInput = {
      baseUrl: simulator.origin,
      tenantId: seed.tenantId,
      appId: seed.appId,
      appSecret: seed.appSecret,
    };
    const processEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_EXTRA_CA_CERTS: simulator.certPath,
      ...appEnv,
      PATCHBAY_SYNC_CHILD: JSON.stringify(childInput),
    };
    const callsBefore = await simulatorRequestCount(seed.tenantId, "/api/alerts");

    // First life: SIGKILLed in the middle of the page after its third that brought records.
    const first = await runSyncProcess({
      ...processEnv,
      PATCHBAY_SYNC_CHILD: JSON.stringify({ ...childInput, crashAfterPages: 3 }),
    });
    expect(first.events, first.stderr).toContainEqual({ event: "crashing" });
    expect(first.events.some((e) => e.event === "done")).toBe(false);
    // tsx reports its server child's death by SIGKILL as its own.
    expect(first.signal ?? first.code, first.stderr).not.toBe(0);
    const alertPages = first.events.filter((e) => e.event === "page" && e.source === "alerts").length;
    const storedBeforeKill = first.events.reduce((n, e) => n + (e.event === "page" ? e.stored : 0), 0);
    expect(storedBeforeKill).toBeGreaterThan(0);

    // Second life: same database; it picks up where the committed cursor says.
    const second = await runSyncProcess(processEnv);
    expect(second.code, second.stderr).toBe(0);
    expect(second.events.at(-1)).toMatchObject({ event: "done" });
    const pagesAfter = second.events.filter((e) => e.event === "page" && e.source === "alerts").length;
    // It resumed where the committed cursor said (the stream's progress carried over), reading only what was left.
    expect(second.events.some((e) => e.event === "page" && e.source === "alerts")).toBe(true);

    // Each page was fetched once, but for the one in flight when the process died, and one it may have committed
    // without living to print its line: no restart from the beginning.
    const calls = (await simulatorRequestCount(seed.tenantId, "/api/alerts")) - callsBefore;
    expect(calls).toBeLessThanOrEqual(alertPages + pagesAfter + 2);

    // Read what was stored through the API of a third process on the same database.
    const app = await buildApp({
      env: parseEnv({ ...appEnv, PATCHBAY_SYNC: "off", PATCHBAY_RECHECK_MINUTES: "0", LOG_LEVEL: "silent" }),
      serveClient: false,
    });
    try {
      const headers = await signIn(app, admin.email, admin.password);
      const items: Alert[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/alerts?limit=500${cursor ? `&cursor=${cursor}` : ""}`;
        const page = pageSchema(alertSchema).parse(
          (await app.inject({ method: "GET", url, headers })).json(),
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(items).toHaveLength(ALERTS - MALFORMED);
      expect(new Set(items.map((a) => a.externalId)).size).toBe(items.length);

      const [integration] = items;
      const state = syncStateSchema.parse(
        (
          await app.inject({
            method: "GET",
            url: `/api/integrations/${integration?.integrationId}/sync`,
            headers,
          })
        ).json(),
      );
      // The stream's count of stored records adds up to the rows: no page was counted twice across the crash.
      // (An alert listed twice, its copy a minute older, counts twice when the copies fall in different windows.)
      const alerts = state.sources.find((s) => s.source === "alerts");
      expect(alerts).toMatchObject({ firstSyncDone: true });
      // Malformed records are counted each time they are read (a window re-read after an overflowing page).
      expect(alerts?.malformed).toBeGreaterThanOrEqual(MALFORMED);
      expect(alerts?.records).toBeGreaterThanOrEqual(ALERTS - MALFORMED);
      expect(alerts?.records).toBeLessThanOrEqual(ALERTS - MALFORMED + DUPLICATED);
      const devices = pageSchema(deviceSchema).parse(
        (await app.inject({ method: "GET", url: "/api/devices?limit=500", headers })).json(),
      );
      expect(devices.items).toHaveLength(MACHINES);
    } finally {
      await app.close();
    }
  });
});
