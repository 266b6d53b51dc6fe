import { timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../../db/client";
import { integrations, rateBudgets, syncStreams } from "../../db/schema";
import type { PartnerAdapter } from "../../partners/adapter";
import type { PartnerRegistry } from "../../partners/registry";
import { budgetLeft } from "../../sync/budget";

/**
 * Patchbay's Prometheus metrics (prom-client), served at `/metrics`: request durations by route, verification
 * outcomes by partner and code, and, read from the database at scrape time (so every instance reports the same
 * truth), per sync source its lag, records, malformed records and failure, each API budget's calls left, and the
 * job queues' depth. Labels carry ids and codes, never a secret.
 */

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() ?? "");
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export interface Metrics {
  registry: Registry;
  /** The partner registry with every verification counted by outcome. */
  observe(partners: PartnerRegistry): PartnerRegistry;
}

export interface MetricsDeps {
  db: Database;
  partners: () => PartnerRegistry;
  /** The job queues' depth (pg-boss), when this instance runs jobs. */
  queueDepth?: (() => Promise<Array<{ queue: string; depth: number }>>) | undefined;
  /** PATCHBAY_METRICS_TOKEN: when set, a scrape must present it as a bearer token. */
  token?: string | undefined;
}

export function createMetrics(app: FastifyInstance, deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "patchbay_" });

  const requests = new Histogram({
    name: "patchbay_http_request_duration_seconds",
    help: "HTTP request durations, by route (the router's pattern, never a raw path), method and status.",
    labelNames: ["route", "method", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    requests.observe(
      {
        route: request.routeOptions.url ?? "(unmatched)",
        method: request.method,
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const verifications = new Counter({
    name: "patchbay_verifications_total",
    help: "Verifications run against partners, by partner, resulting status and error code (“none” when it passed).",
    labelNames: ["partner", "status", "code"],
    registers: [registry],
  });

  const stream = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ["integration", "partner", "source"], registers: [registry] });
  const lag = stream(
    "patchbay_sync_lag_seconds",
    "Seconds since a sync source last completed a run successfully.",
  );
  const records = stream(
    "patchbay_sync_records",
    "Records a sync source has stored (new or changed) since it began.",
  );
  const malformed = stream("patchbay_sync_malformed_records", "Records a sync source refused as malformed.");
  const failing = new Gauge({
    name: "patchbay_sync_failing",
    help: "1 while a sync source's last run failed, labelled with the failure's code.",
    labelNames: ["integration", "partner", "source", "code"],
    registers: [registry],
  });
  const budgetCalls = new Gauge({
    name: "patchbay_rate_budget_calls_left",
    help: "Calls the sync may still make now within a partner API's published limits (tenant + app + API).",
    labelNames: ["partner", "api", "key"],
    registers: [registry],
  });
  const budgetBlocked = new Gauge({
    name: "patchbay_rate_budget_blocked_seconds",
    help: "Seconds a partner's 429 (Retry-After) still blocks an API budget.",
    labelNames: ["partner", "api", "key"],
    registers: [registry],
  });
  const queue = new Gauge({
    name: "patchbay_job_queue_depth",
    help: "Jobs waiting in each queue (pg-boss).",
    labelNames: ["queue"],
    registers: [registry],
  });

  // One read of the database per scrape, before the registry serialises.
  const refresh = async () => {
    const now = Date.now();
    const streams = await deps.db
      .select({
        integration: syncStreams.integrationId,
        partner: integrations.partner,
        source: syncStreams.source,
        records: syncStreams.records,
        malformed: syncStreams.malformed,
        state: syncStreams.state,
        lastError: syncStreams.lastError,
        lastSuccessAt: syncStreams.lastSuccessAt,
        createdAt: syncStreams.createdAt,
      })
      .from(syncStreams)
      .innerJoin(integrations, eq(integrations.id, syncStreams.integrationId))
      .where(eq(integrations.status, "connected"));
    for (const gauge of [lag, records, malformed, failing]) gauge.reset();
    for (const s of streams) {
      const labels = { integration: s.integration, partner: s.partner, source: s.source };
      lag.set(labels, (now - (s.lastSuccessAt ?? s.createdAt).getTime()) / 1000);
      records.set(labels, s.records);
      malformed.set(labels, s.malformed);
      if (s.state === "failed") failing.set({ ...labels, code: s.lastError?.code ?? "unknown" }, 1);
    }
    budgetCalls.reset();
    budgetBlocked.reset();
    const partners = deps.partners();
    for (const row of await deps.db.select().from(rateBudgets)) {
      // The key is partner|identity…|api (src/server/sync/engine.ts).
      const parts = row.key.split("|");
      const partnerId = parts[0] ?? "";
      const api = parts.at(-1) ?? "";
      let adapter: PartnerAdapter;
      try {
        adapter = partners.get(partnerId);
      } catch {
        continue;
      }
      const limits = adapter.sources.find((s) => s.api === api)?.limits;
      if (!limits) continue;
      const left = budgetLeft(limits, row, now);
      const labels = { partner: partnerId, api, key: row.key };
      budgetCalls.set(labels, left.calls);
      budgetBlocked.set(labels, left.blockedSeconds);
    }
    queue.reset();
    for (const { queue: name, depth } of (await deps.queueDepth?.()) ?? []) queue.set({ queue: name }, depth);
  };

  app.get("/metrics", { config: { auth: "public" } }, async (request, reply) => {
    if (deps.token !== undefined && !bearerMatches(request.headers.authorization, deps.token)) {
      return reply.status(401).send({
        error: {
          code: "unauthorized",
          message: "This Patchbay asks for its metrics token (PATCHBAY_METRICS_TOKEN) as a bearer token.",
        },
      });
    }
    await refresh();
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  return {
    registry,
    observe(partners) {
      const counted = new WeakMap<PartnerAdapter, PartnerAdapter>();
      const wrap = (adapter: PartnerAdapter): PartnerAdapter => {
        const known = counted.get(adapter);
        if (known) return known;
        const wrapped: PartnerAdapter = {
          ...adapter,
          async verify(config, secret, name, options) {
            const report = await adapter.verify(config, secret, name, options);
            verifications.inc({
              partner: adapter.id,
              status: report.status,
              code: report.error?.code ?? "none",
            });
            return report;
          },
        };
        counted.set(adapter, wrapped);
        return wrapped;
      };
      return {
        get: (id) => wrap(partners.get(id)),
        forBody: (body) => wrap(partners.forBody(body)),
      };
    },
  };
}
