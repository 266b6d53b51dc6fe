import { ne } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  alertDetailSchema,
  alertQuerySchema,
  alertSchema,
  alertSummarySchema,
  type ConnectionFreshness,
  deviceDetailSchema,
  deviceQuerySchema,
  deviceSchema,
  deviceSummarySchema,
  incidentDetailSchema,
  incidentQuerySchema,
  incidentSchema,
  pageSchema,
  type SyncState,
  softwareQuerySchema,
  softwareSchema,
  summaryQuerySchema,
  syncFreshnessSchema,
  syncStateSchema,
  vulnerabilityQuerySchema,
  vulnerabilitySchema,
} from "../../../shared/data-contract";
import type { Database } from "../../db/client";
import { integrations } from "../../db/schema";
import type { SyncJobs } from "../../jobs/sync";
import { AppError, parseInput } from "../../lib/app-error";
import type { SyncEngine } from "../../sync/engine";
import { noticesOf } from "../../sync/health";
import {
  alertDetail,
  alertSummary,
  deviceDetail,
  deviceSummary,
  incidentDetail,
  listAlerts,
  listDevices,
  listIncidents,
  listSoftware,
  listsDevices,
  listVulnerabilities,
} from "./queries";

/**
 * Synced data (issue 8): the sync state of a connection (with why data is missing, when it is) and Sync now; the
 * alert, incident, device, vulnerability and software lists and details; the Data section's summaries. Everything
 * here reads Patchbay's database only; no request waits on a partner. Viewers may read all of it.
 */

const idParams = z.object({ id: z.string() });
const isUuid = (value: string) => z.uuid().safeParse(value).success;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function dataRoutes(
  db: Database,
  engine: SyncEngine,
  jobs: () => SyncJobs | null,
  mutationLimit: { max: number; timeWindow: number },
) {
  const read = { auth: "viewer" as const };
  const write = { auth: "admin" as const, rateLimit: mutationLimit };

  async function stateOf(id: string): Promise<SyncState> {
    const row = isUuid(id) ? await engine.loadIntegration(id) : undefined;
    if (!row) throw new AppError(404, "not_found", "No integration with that id.");
    const sources = await engine.sourceViews(row);
    const now = new Date();
    return {
      sources: sources.map(({ id: source, label, intervalMinutes, stream: s }) => ({
        source,
        label,
        intervalMinutes,
        state: s?.state ?? "idle",
        records: s?.records ?? 0,
        malformed: s?.malformed ?? 0,
        lastRunAt: iso(s?.lastRunAt),
        lastSuccessAt: iso(s?.lastSuccessAt),
        lastDataAt: iso(s?.lastDataAt),
        nextRunAt: iso(s?.nextRunAt),
        firstSyncDone: (s?.firstCompletedAt ?? null) !== null,
        progress: s?.progress ?? null,
        lastError: s?.lastError ?? null,
      })),
      notices:
        row.status === "disconnected"
          ? []
          : noticesOf(sources, { listsDevices: await listsDevices(db, row.id) }, now),
    };
  }

  /**
   * Every live connection's freshness in two queries (connections, then all their streams), so the Integrations
   * page asks once instead of once per card.
   */
  async function freshness(): Promise<ConnectionFreshness[]> {
    const rows = await db.select().from(integrations).where(ne(integrations.status, "disconnected"));
    const streams = await engine.streams(rows.map((row) => row.id));
    return Promise.all(
      rows.map(async (row) => {
        const sources = await engine.sourceViews(row, streams);
        const times = sources.flatMap((s) => (s.stream?.lastDataAt ? [s.stream.lastDataAt.getTime()] : []));
        return {
          integrationId: row.id,
          sources: sources.length,
          lastDataAt: times.length > 0 ? new Date(Math.max(...times)).toISOString() : null,
          firstSyncDone: sources.every((s) => (s.stream?.firstCompletedAt ?? null) !== null),
          running: sources.some((s) => s.stream?.state === "running"),
          failing: sources.filter((s) => s.stream?.state === "failed").length,
        };
      }),
    );
  }

  /** A detail route: 404 for an id that is not a UUID or names nothing. */
  const detail =
    <T>(what: string, load: (id: string) => Promise<T | undefined>) =>
    async (request: { params: { id: string } }) => {
      const found = isUuid(request.params.id) ? await load(request.params.id) : undefined;
      if (found === undefined) throw new AppError(404, "not_found", `No ${what} with that id.`);
      return found;
    };

  return async function routes(fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      "/api/integrations/:id/sync",
      { config: read, schema: { params: idParams, response: { 200: syncStateSchema } } },
      async (request) => stateOf(request.params.id),
    );

    app.get(
      "/api/sync/freshness",
      { config: read, schema: { response: { 200: syncFreshnessSchema } } },
      async () => ({ integrations: await freshness() }),
    );

    app.post(
      "/api/integrations/:id/sync",
      { config: write, schema: { params: idParams, response: { 202: syncStateSchema } } },
      async (request, reply) => {
        const row = isUuid(request.params.id) ? await engine.loadIntegration(request.params.id) : undefined;
        if (!row) throw new AppError(404, "not_found", "No integration with that id.");
        if (row.status === "disconnected") {
          throw new AppError(409, "conflict", `“${row.name}” is disconnected; connect it again to sync.`);
        }
        await engine.syncNow(row.id);
        await jobs()?.kick(row.id);
        return reply.status(202).send(await stateOf(row.id));
      },
    );

    app.get(
      "/api/alerts",
      { config: read, schema: { response: { 200: pageSchema(alertSchema) } } },
      async (request) => listAlerts(db, parseInput(alertQuerySchema, request.query, "query")),
    );
    app.get(
      "/api/alerts/summary",
      { config: read, schema: { response: { 200: alertSummarySchema } } },
      async (request) => alertSummary(db, parseInput(summaryQuerySchema, request.query, "query")),
    );
    app.get(
      "/api/alerts/:id",
      { config: read, schema: { params: idParams, response: { 200: alertDetailSchema } } },
      detail("alert", (id) => alertDetail(db, id)),
    );

    app.get(
      "/api/incidents",
      { config: read, schema: { response: { 200: pageSchema(incidentSchema) } } },
      async (request) => listIncidents(db, parseInput(incidentQuerySchema, request.query, "query")),
    );
    app.get(
      "/api/incidents/:id",
      { config: read, schema: { params: idParams, response: { 200: incidentDetailSchema } } },
      detail("incident", (id) => incidentDetail(db, id)),
    );

    app.get(
      "/api/devices",
      { config: read, schema: { response: { 200: pageSchema(deviceSchema) } } },
      async (request) => listDevices(db, parseInput(deviceQuerySchema, request.query, "query")),
    );
    app.get(
      "/api/devices/summary",
      { config: read, schema: { response: { 200: deviceSummarySchema } } },
      async (request) => deviceSummary(db, parseInput(summaryQuerySchema, request.query, "query")),
    );
    app.get(
      "/api/devices/:id",
      { config: read, schema: { params: idParams, response: { 200: deviceDetailSchema } } },
      detail("device", (id) => deviceDetail(db, id)),
    );

    app.get(
      "/api/vulnerabilities",
      { config: read, schema: { response: { 200: pageSchema(vulnerabilitySchema) } } },
      async (request) =>
        listVulnerabilities(db, parseInput(vulnerabilityQuerySchema, request.query, "query")),
    );
    app.get(
      "/api/software",
      { config: read, schema: { response: { 200: pageSchema(softwareSchema) } } },
      async (request) => listSoftware(db, parseInput(softwareQuerySchema, request.query, "query")),
    );
  };
}
