import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import { sql } from "drizzle-orm";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { DestinationStream } from "pino";
import { partnersResponseSchema } from "../shared/catalog";
import { healthSchema } from "../shared/contract";
import { partnerCatalog } from "../shared/partners/registry";
import { databaseDataKeyStore, fileDataKeyStore } from "./crypto/data-keys";
import { createSecretBox, deriveKey, loadMasterKey, MasterKeyError } from "./crypto/secret-box";
import { createSecretVault } from "./crypto/secret-vault";
import { type DatabaseHandle, openDatabase } from "./db/client";
import type { Env } from "./env";
import { startQueue, stopQueue } from "./jobs/queue";
import { type RecheckJobs, startRecheckJobs } from "./jobs/recheck";
import { startSyncJobs } from "./jobs/sync";
import { AppError } from "./lib/app-error";
import { safeErrorSerializer } from "./lib/safe-error-log";
import { auditRoutes } from "./modules/audit/routes";
import guardPlugin from "./modules/auth/guard";
import { authRoutes } from "./modules/auth/routes";
import { createAuthService } from "./modules/auth/service";
import { createIntegrationRepository } from "./modules/integrations/repository";
import { integrationRoutes } from "./modules/integrations/routes";
import { createIntegrationService } from "./modules/integrations/service";
import { createMetrics } from "./modules/metrics/metrics";
import { eraseSyncedData } from "./modules/synced/erase";
import { dataRoutes } from "./modules/synced/routes";
import { createPartnerRegistry } from "./partners/registry";
import errorsPlugin from "./plugins/errors";
import securityPlugin from "./plugins/security";
import staticPlugin from "./plugins/static";
import { createSyncEngine, type SyncEngine } from "./sync/engine";

export interface BuildAppOptions {
  env: Env;
  /** Where log lines go (tests capture them); stdout when omitted. */
  logStream?: DestinationStream;
  /** Mutating requests allowed per client address and minute. */
  mutationsPerMinute?: number;
  /** Serve dist/ (the built dashboard). */
  serveClient?: boolean;
  /** Serve the dashboard from this directory instead of dist/ (tests). */
  clientDir?: string;
  /** How often re-check workers poll for jobs (tests shorten it). */
  jobPollingSeconds?: number;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The scheduled re-check jobs, or null when PATCHBAY_RECHECK_MINUTES is 0. */
    recheckJobs: RecheckJobs | null;
    /** The sync engine (tests drive it directly; the jobs run it otherwise). */
    syncEngine: SyncEngine;
    /** The one-time token of the first-admin setup link, while no user exists (main.ts prints the link). */
    setupToken: string | null;
  }
}

const version: string = (() => {
  const parsed: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const value = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "version") : undefined;
  return typeof value === "string" ? value : "0.0.0";
})();

/** Every partner's secret fields (Defender's appSecret, …), as their catalog entries name them. */
const partnerSecretFields = [
  ...new Set(
    partnerCatalog()
      .flatMap((partner) => partner.fields)
      .filter((field) => field.kind === "secret")
      .map((field) => field.name),
  ),
];

/** Paths pino must never print, whatever a future log call passes it. */
export const redactedPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  ...partnerSecretFields.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]),
  "clientSecret",
  "*.clientSecret",
  "client_secret",
  "*.client_secret",
  "accessToken",
  "*.accessToken",
  "access_token",
  "*.access_token",
  "password",
  "*.password",
  "secret",
  "*.secret",
  'req.headers["x-csrf-token"]',
];

/** JSON nested deeper than this is refused before any code walks it. */
const MAX_JSON_DEPTH = 16;

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || typeof value !== "object" || value === null) return depth;
  let deepest = depth;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
  return deepest;
}

/** Headers are a few KiB sent at once; a client gets this long for them (or the request timeout, if shorter). */
const HEADERS_TIMEOUT_MS = 10_000;
/** Idle keep-alive connections close after this: longer than the usual proxy's 60 s, so the proxy closes first. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** Margin a connection may stay silent beyond the verification deadline (database work after the verification). */
const SILENCE_MARGIN_MS = 30_000;

/**
 * What one connection may hold, so a client that sends headers and then drips its body (or sends nothing) is cut
 * off instead of being kept forever (Fastify's own defaults are "no limit").
 */
export function serverTimeouts(
  env: Pick<Env, "PATCHBAY_REQUEST_TIMEOUT_MS" | "PATCHBAY_VERIFY_DEADLINE_MS">,
) {
  const requestTimeout = env.PATCHBAY_REQUEST_TIMEOUT_MS;
  return {
    // The whole request, headers and body, must arrive within this: otherwise Fastify answers 408 and closes.
    requestTimeout,
    // A socket silent in both directions this long is destroyed (e.g. a client that stops reading the response).
    // The longest legitimate silence is Patchbay verifying with Microsoft, so it outlasts the verification deadline.
    connectionTimeout: env.PATCHBAY_VERIFY_DEADLINE_MS + SILENCE_MARGIN_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
      // Node enforces the two deadlines above only when it sweeps its connections, every 30 s by default; sweep
      // every second (or faster for short timeouts) so a deadline holds to within a second.
      connectionsCheckingInterval: Math.min(1_000, Math.floor(requestTimeout / 4)),
    },
  };
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const app = Fastify({
    ...serverTimeouts(env),
    logger: {
      level: env.LOG_LEVEL,
      redact: { paths: redactedPaths, censor: "[redacted]" },
      serializers: { err: safeErrorSerializer },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: 64 * 1024,
    genReqId: () => randomUUID(),
    trustProxy: env.PATCHBAY_TRUST_PROXY ?? false,
    routerOptions: { ignoreTrailingSlash: true },
    // Answered before routing, so no plugin's hooks run: the headers every API answer carries are set here.
    frameworkErrors: (_error, request, reply: FastifyReply) => {
      reply
        .code(400)
        .header("x-request-id", request.id)
        .header("cache-control", "no-store")
        .send({ error: { code: "bad_request", message: "The request URL is malformed." } });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.removeContentTypeParser("text/plain");
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    parseJson(request, typeof body === "string" ? body : body.toString("utf8"), (error, value) => {
      if (error) return done(error, undefined);
      if (depthOf(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        return done(
          new AppError(400, "bad_request", `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`),
          undefined,
        );
      }
      return done(null, value);
    });
  });

  await app.register(errorsPlugin);
  await app.register(cookie);
  await app.register(securityPlugin);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        429,
        "rate_limited",
        `Too many changes from this address: Patchbay allows ${context.max} a minute. Try again in ${context.after}.`,
      ),
  });

  // Resources are released in reverse order if any later step of start-up fails.
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    onPoolError: (error) =>
      app.log.error({ err: error }, "database connection lost; the pool will reconnect"),
  }).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  const jobs: Array<{ stop(): Promise<void> }> = [];
  app.addHook("onClose", async () => {
    for (const started of jobs) await started.stop();
    await database.close();
  });
  try {
    await wire(app, options, database, (started) => {
      jobs.push(started);
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

async function wire(
  app: FastifyInstance,
  options: BuildAppOptions,
  database: DatabaseHandle,
  onJobsStarted: (jobs: { stop(): Promise<void> }) => void,
) {
  const { env } = options;
  const repo = createIntegrationRepository(database.db);
  // Per-secret data keys live outside the embedded database's files and WAL; on PostgreSQL (and in memory) in it.
  const keyStore =
    database.kind === "pglite" && env.DATA_DIR !== "memory://"
      ? fileDataKeyStore(env.DATA_DIR)
      : databaseDataKeyStore(database.db);
  const masterKey = await loadMasterKey({
    fromEnv: env.PATCHBAY_MASTER_KEY,
    dataDir: env.DATA_DIR,
    beforeCreating: async (path) => {
      const { total } = await repo.sealedSecrets("");
      if (total === 0 && !(await keyStore.any())) return;
      throw new MasterKeyError(
        `${path} is missing, but this database holds ${total} stored App Secret${total === 1 ? "" : "s"} encrypted with the key that was there, so Patchbay will not make a new one over them. Restore master.key from your backup (or set PATCHBAY_MASTER_KEY to the original key) and start again. If the key is lost for good, set PATCHBAY_MASTER_KEY to a new key (openssl rand -base64 32): Patchbay then starts and marks each stored secret unreadable until it is replaced.`,
      );
    },
  });
  const box = createSecretBox(masterKey);
  const vault = createSecretVault(box, keyStore);
  const sealed = await repo.sealedSecrets(box.keyId);
  if (sealed.underOtherKey > 0) {
    app.log.warn(
      { count: sealed.underOtherKey, keyId: box.keyId },
      `${sealed.underOtherKey} stored App Secret(s) were encrypted with another master key than this server's (${box.keyId}): they cannot be opened. Restore the original master key, or replace those secrets.`,
    );
  }
  const swept = await vault.sweep(sealed.dataKeyIds);
  if (swept > 0) app.log.info({ count: swept }, "destroyed data keys no stored secret refers to");
  const auth = createAuthService(database.db, {
    csrfKey: deriveKey(masterKey, "patchbay csrf v1"),
    sessionIdleMinutes: env.PATCHBAY_SESSION_IDLE_MINUTES,
    sessionMaxHours: env.PATCHBAY_SESSION_MAX_HOURS,
  });
  await app.register(guardPlugin, { auth, publicOrigin: env.PATCHBAY_PUBLIC_URL ?? null });
  app.decorate(
    "setupToken",
    await auth.prepareFirstAdmin(
      env.PATCHBAY_ADMIN_EMAIL && env.PATCHBAY_ADMIN_PASSWORD
        ? { email: env.PATCHBAY_ADMIN_EMAIL, password: env.PATCHBAY_ADMIN_PASSWORD }
        : null,
    ),
  );
  const extraHosts = env.PATCHBAY_EXTRA_DEFENDER_HOSTS;
  let queueDepth: (() => Promise<Array<{ queue: string; depth: number }>>) | undefined;
  const metrics = createMetrics(app, {
    db: database.db,
    partners: () => partners,
    queueDepth: () => queueDepth?.() ?? Promise.resolve([]),
    token: env.PATCHBAY_METRICS_TOKEN,
  });
  const extraSentinelOneHosts = env.PATCHBAY_EXTRA_SENTINELONE_HOSTS;
  const partners = metrics.observe(
    createPartnerRegistry({
      extraHosts,
      extraSentinelOneHosts,
      entraAuthority: env.PATCHBAY_ENTRA_AUTHORITY,
      graphOrigin: env.PATCHBAY_GRAPH_ORIGIN,
      securityApiOrigin: env.PATCHBAY_SECURITY_API_ORIGIN,
      callTimeoutMs: env.PATCHBAY_HTTP_TIMEOUT_MS,
      deadlineMs: env.PATCHBAY_VERIFY_DEADLINE_MS,
      pageSize: env.PATCHBAY_SYNC_PAGE_SIZE,
      // A page of 10,000 alerts with their evidence is tens of MB: give it longer than a probe.
      syncCallTimeoutMs: env.PATCHBAY_HTTP_TIMEOUT_MS * 6,
      falconOrigins: env.PATCHBAY_FALCON_ORIGINS,
    }),
  );
  const service = createIntegrationService({
    repo,
    vault,
    secretWarnDays: env.PATCHBAY_SECRET_WARN_DAYS,
    partners,
  });
  const syncEngine = createSyncEngine({
    db: database.db,
    vault,
    partners,
    log: app.log,
    leaseSeconds: env.PATCHBAY_SYNC_LEASE_SECONDS,
    budgetWaitMs: Math.min(90_000, (env.PATCHBAY_SYNC_LEASE_SECONDS * 1000) / 2),
    retentionDays: env.PATCHBAY_RETENTION_DAYS,
    intervals: {
      incremental: env.PATCHBAY_SYNC_EVENTS_MINUTES,
      inventory: env.PATCHBAY_SYNC_INVENTORY_MINUTES,
    },
  });
  app.decorate("syncEngine", syncEngine);

  const runsJobs = env.PATCHBAY_RECHECK_MINUTES > 0 || env.PATCHBAY_SYNC === "on";
  const boss = runsJobs ? await startQueue(database.executeSql, app.log) : null;
  if (boss) {
    onJobsStarted({ stop: () => stopQueue(boss) });
    queueDepth = async () =>
      Promise.all(
        (await boss.getQueues()).map(async (q) => ({
          queue: q.name,
          depth: await boss.getQueueSize(q.name),
        })),
      );
  }
  const jobs =
    boss && env.PATCHBAY_RECHECK_MINUTES > 0
      ? await startRecheckJobs({
          boss,
          service,
          intervalMinutes: env.PATCHBAY_RECHECK_MINUTES,
          maintenance: async () => {
            await auth.prune();
            await vault.sweep((await repo.sealedSecrets(box.keyId)).dataKeyIds);
          },
          log: app.log,
          ...(options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {}),
        })
      : null;
  app.decorate("recheckJobs", jobs);
  const syncJobs =
    boss && env.PATCHBAY_SYNC === "on"
      ? await startSyncJobs({
          boss,
          engine: syncEngine,
          log: app.log,
          ...(options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {}),
        })
      : null;

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    "/api/health",
    { config: { auth: "public" }, schema: { response: { 200: healthSchema } } },
    async () => ({
      status: "ok" as const,
      version,
      database: database.kind,
    }),
  );
  // Liveness: the process answers. Readiness: it can serve (its database answers) and is not shutting down, so a
  // load balancer stops sending it requests while it drains.
  let draining = false;
  app.addHook("preClose", async () => {
    draining = true;
  });
  app.get("/api/health/live", { config: { auth: "public" } }, async () => ({ status: "ok" }));
  app.get("/api/health/ready", { config: { auth: "public" } }, async (_request, reply) => {
    if (draining) return reply.status(503).send({ status: "draining" });
    try {
      await database.db.execute(sql`select 1`);
      return { status: "ready" };
    } catch {
      return reply.status(503).send({ status: "database_unavailable" });
    }
  });
  const catalog = { partners: partnerCatalog({ extraHosts, extraSentinelOneHosts }) };
  typed.get(
    "/api/partners",
    { config: { auth: "viewer" }, schema: { response: { 200: partnersResponseSchema } } },
    async () => catalog,
  );
  const mutationLimit = { max: options.mutationsPerMinute ?? 60, timeWindow: 60_000 };
  await app.register(authRoutes(auth, { sessionMaxHours: env.PATCHBAY_SESSION_MAX_HOURS, mutationLimit }));
  await app.register(auditRoutes(database.db));
  await app.register(
    integrationRoutes(service, mutationLimit, {
      erase: (id, actor) => eraseSyncedData(database.db, syncEngine, id, actor),
      start: (id) => {
        syncJobs?.kick(id).catch((error: unknown) => app.log.error({ err: error }, "could not start a sync"));
      },
    }),
  );
  await app.register(dataRoutes(database.db, syncEngine, () => syncJobs, mutationLimit));
  if (options.serveClient ?? true)
    await app.register(staticPlugin, options.clientDir ? { root: options.clientDir } : {});
}
