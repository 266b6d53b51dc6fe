// A Patchbay server process that connects one simulated tenant (once) and syncs its alerts and devices to the end,
// a page per run, printing a JSON line per committed page and one when it is done. The crash test kills it with
// SIGKILL mid-sync and starts it again on the same database; the benchmark runs it at two volumes and compares
// their peak memory. It is the real app (buildApp), its real database and the real engine: nothing is stubbed.
//
// Input: the app's usual environment (DATA_DIR or DATABASE_URL, PATCHBAY_MASTER_KEY, the simulator seams, the admin)
// and PATCHBAY_SYNC_CHILD = {"baseUrl","tenantId","appId","appSecret","crashAfterPages"?,"pagesPerRun"?}. With crashAfterPages, the
// process SIGKILLs itself a moment after that many pages brought records: in the middle of the next page's fetch
// or write, with no chance to clean up, as a crash would.
import { z } from "zod";
import { sessionSchema } from "../../shared/auth";
import { integrationListSchema, integrationSchema } from "../../shared/contract";
import { buildApp } from "../app";
import { parseEnv } from "../env";

const input = z
  .object({
    baseUrl: z.url(),
    tenantId: z.uuid(),
    appId: z.uuid(),
    appSecret: z.string().min(1),
    crashAfterPages: z.number().int().positive().optional(),
    /** Pages per engine run: 1 shows each page (the crash test); the jobs run 20 (the benchmark). */
    pagesPerRun: z.number().int().positive().default(1),
  })
  .parse(JSON.parse(process.env.PATCHBAY_SYNC_CHILD ?? "null"));
const env = parseEnv({ ...process.env, PATCHBAY_SYNC: "off", PATCHBAY_RECHECK_MINUTES: "0" });
const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const started = process.hrtime.bigint();
// Peaks of the V8 heap and of memory outside it, sampled: they say what a peak RSS is made of.
const peak = { heapUsed: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  peak.external = Math.max(peak.external, m.external);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
}, 50);
sampler.unref();
const app = await buildApp({ env, serveClient: false });
const signedIn = await app.inject({
  method: "POST",
  url: "/api/session",
  payload: { email: env.PATCHBAY_ADMIN_EMAIL, password: env.PATCHBAY_ADMIN_PASSWORD },
});
const cookie = signedIn.cookies.find((c) => c.name.endsWith("patchbay_session"));
if (signedIn.statusCode !== 200 || !cookie) throw new Error(`sign-in answered ${signedIn.statusCode}`);
const headers = {
  cookie: `${cookie.name}=${cookie.value}`,
  "x-csrf-token": sessionSchema.parse(signedIn.json()).csrfToken,
};

// Connect on the first start; a restart finds the connection the killed process made.
const listed = integrationListSchema.parse(
  (await app.inject({ method: "GET", url: "/api/integrations", headers })).json(),
).integrations;
let id = listed.find((i) => i.status !== "disconnected")?.id;
if (id === undefined) {
  const connected = await app.inject({
    method: "POST",
    url: "/api/integrations",
    headers,
    payload: { partner: "defender", ...input, features: ["alerts", "devices"] },
  });
  if (connected.statusCode !== 201) throw new Error(`connect answered ${connected.statusCode}`);
  id = integrationSchema.parse(connected.json()).id;
}
line({ event: "connected", id });

await app.syncEngine.ensureStreams(id);
let pages = 0;
let withData = 0;
let waitedMs = 0;
const syncStarted = process.hrtime.bigint();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) + 250));
/** Failures a job would simply retry when the stream is next due. */
const transient = new Set(["budget_exhausted", "rate_limited"]);

for (const source of ["alerts", "devices"]) {
  for (;;) {
    const outcome = await app.syncEngine.runStream(id, source, { maxPages: input.pagesPerRun });
    if (outcome.kind === "ran") waitedMs += outcome.waitedMs;
    const [stream] = (await app.syncEngine.streams([id])).filter((s) => s.source === source);
    if (outcome.kind === "skipped" || outcome.failed) {
      if (!stream) throw new Error(`${source}: no stream`);
      if (outcome.kind === "ran" && !transient.has(stream.lastError?.code ?? "")) {
        throw new Error(`${source} failed: ${JSON.stringify(stream.lastError)}`);
      }
      // Held by a run that died with its process (until its lease lapses), or waiting for rate budget: wait, as
      // the next job would. A stream that completed its pass and is not due is done.
      const lapses = stream.leaseUntil?.getTime() ?? 0;
      const due = stream.nextRunAt?.getTime() ?? 0;
      const passComplete =
        stream.state === "idle" && stream.cursor === null && stream.firstCompletedAt !== null;
      if (lapses > Date.now() || (!passComplete && due > Date.now())) {
        line({ event: "waiting", source, ms: Math.max(lapses, due) - Date.now() });
        await sleep(Math.max(lapses, due) - Date.now());
        continue;
      }
      if (passComplete) {
        line({ event: "skipped", source });
        break;
      }
      continue;
    }
    pages += 1;
    line({ event: "page", source, stored: outcome.stored, done: outcome.done });
    if (outcome.stored > 0) withData += 1;
    if (withData === input.crashAfterPages) {
      line({ event: "crashing" });
      setTimeout(() => process.kill(process.pid, "SIGKILL"), 150);
    }
    if (outcome.done) break;
  }
}
line({
  event: "done",
  pages,
  elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
  /** The sync alone (not starting the app or connecting), and how much of it was waiting for rate budget. */
  syncMs: Number(process.hrtime.bigint() - syncStarted) / 1e6,
  waitedMs,
  // Peak resident memory of this process (KiB on Linux).
  maxRssKiB: process.resourceUsage().maxRSS,
  peakHeapUsedMiB: Math.round(peak.heapUsed / 2 ** 20),
  peakExternalMiB: Math.round(peak.external / 2 ** 20),
});
await app.close();
