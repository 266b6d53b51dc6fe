import { and, asc, desc, eq, gt, ilike, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  type AlertQuery,
  alertDetailSchema,
  alertQuerySchema,
  alertSchema,
  alertSeverities,
  type DeviceQuery,
  deviceQuerySchema,
  deviceSchema,
  pageSchema,
  type SyncSourceState,
  syncStateSchema,
} from "../../../shared/data-contract";
import { partnerIdSchema } from "../../../shared/partners/ids";
import type { Database } from "../../db/client";
import { alerts, devices, type SyncStreamRow } from "../../db/schema";
import type { SyncJobs } from "../../jobs/sync";
import { AppError, parseInput } from "../../lib/app-error";
import type { SyncEngine } from "../../sync/engine";

/**
 * Synced data (issue 8): the sync state of a connection and Sync now; the alert and device lists, paged with an
 * opaque keyset cursor (stable under inserts, unlike offsets) and filtered on the normalised columns. Everything
 * here reads Patchbay's database only; no request waits on a partner.
 */

const idParams = z.object({ id: z.string() });
const isUuid = (value: string) => z.uuid().safeParse(value).success;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** `a|b` as base64url, and back; anything else is a 400 naming `cursor`. */
function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(parts.join("|"), "utf8").toString("base64url");
}

function decodeCursor(cursor: string, count: number): string[] {
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (parts.length !== count || parts.some((p) => p === "")) {
    throw new AppError(400, "validation_failed", "Check cursor: it is not one this server issued.", {
      cursor: "cursor is not one this server issued; start again without it.",
    });
  }
  return parts;
}

/** `%`, `_` and `\` match themselves in a search. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const severityOf = (value: string) => alertSeverities.find((s) => s === value) ?? "unknown";

function toAlert(row: typeof alerts.$inferSelect) {
  return {
    id: row.id,
    integrationId: row.integrationId,
    partner: partnerIdSchema.parse(row.partner),
    externalId: row.externalId,
    title: row.title,
    severity: severityOf(row.severity),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deviceName: row.deviceName,
  };
}

function toDevice(row: typeof devices.$inferSelect) {
  return {
    id: row.id,
    integrationId: row.integrationId,
    partner: partnerIdSchema.parse(row.partner),
    externalId: row.externalId,
    name: row.name,
    healthStatus: row.healthStatus,
    osPlatform: row.osPlatform,
    onboardingStatus: row.onboardingStatus,
    riskScore: row.riskScore,
    exposureLevel: row.exposureLevel,
    lastSeenAt: iso(row.lastSeenAt),
    removedAt: iso(row.removedAt),
  };
}

async function listAlerts(db: Database, query: AlertQuery) {
  const where: SQL[] = [];
  if (query.severity) where.push(eq(alerts.severity, query.severity));
  if (query.status) where.push(eq(alerts.status, query.status));
  if (query.partner) where.push(eq(alerts.partner, query.partner));
  if (query.integrationId) where.push(eq(alerts.integrationId, query.integrationId));
  if (query.from) where.push(sql`${alerts.createdAt} >= ${new Date(query.from)}`);
  if (query.to) where.push(lt(alerts.createdAt, new Date(query.to)));
  if (query.q) {
    const pattern = likePattern(query.q);
    const match = or(
      ilike(alerts.title, pattern),
      ilike(alerts.deviceName, pattern),
      eq(alerts.externalId, query.q),
    );
    if (match) where.push(match);
  }
  if (query.cursor) {
    const [at = "", id = ""] = decodeCursor(query.cursor, 2);
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !isUuid(id)) decodeCursor("", 2);
    const after = or(lt(alerts.createdAt, date), and(eq(alerts.createdAt, date), lt(alerts.id, id)));
    if (after) where.push(after);
  }
  const rows = await db
    .select()
    .from(alerts)
    .where(and(...where))
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toAlert),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}

async function listDevices(db: Database, query: DeviceQuery) {
  const where: SQL[] = [];
  if (query.removed !== "true") where.push(isNull(devices.removedAt));
  if (query.health) where.push(eq(devices.healthStatus, query.health));
  if (query.os) where.push(eq(devices.osPlatform, query.os));
  if (query.partner) where.push(eq(devices.partner, query.partner));
  if (query.integrationId) where.push(eq(devices.integrationId, query.integrationId));
  if (query.q) where.push(ilike(devices.name, likePattern(query.q)));
  if (query.cursor) {
    const [name = "", id = ""] = decodeCursor(query.cursor, 2);
    if (!isUuid(id)) decodeCursor("", 2);
    const after = or(gt(devices.name, name), and(eq(devices.name, name), gt(devices.id, id)));
    if (after) where.push(after);
  }
  const rows = await db
    .select()
    .from(devices)
    .where(and(...where))
    .orderBy(asc(devices.name), asc(devices.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toDevice),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}

export function dataRoutes(
  db: Database,
  engine: SyncEngine,
  jobs: () => SyncJobs | null,
  mutationLimit: { max: number; timeWindow: number },
) {
  const read = { auth: "viewer" as const };
  const write = { auth: "admin" as const, rateLimit: mutationLimit };

  async function stateOf(id: string): Promise<{ sources: SyncSourceState[] }> {
    const row = isUuid(id) ? await engine.loadIntegration(id) : undefined;
    if (!row) throw new AppError(404, "not_found", "No integration with that id.");
    const streams = new Map<string, SyncStreamRow>((await engine.streams([id])).map((s) => [s.source, s]));
    return {
      sources: engine.sourceInfo(row).map((source) => {
        const s = streams.get(source.id);
        return {
          source: source.id,
          label: source.label,
          intervalMinutes: source.intervalMinutes,
          state: s?.state ?? "idle",
          records: s?.records ?? 0,
          malformed: s?.malformed ?? 0,
          lastRunAt: iso(s?.lastRunAt ?? null),
          lastSuccessAt: iso(s?.lastSuccessAt ?? null),
          lastDataAt: iso(s?.lastDataAt ?? null),
          nextRunAt: iso(s?.nextRunAt ?? null),
          firstSyncDone: (s?.firstCompletedAt ?? null) !== null,
          progress: s?.progress ?? null,
          lastError: s?.lastError ?? null,
        };
      }),
    };
  }

  return async function routes(fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      "/api/integrations/:id/sync",
      { config: read, schema: { params: idParams, response: { 200: syncStateSchema } } },
      async (request) => stateOf(request.params.id),
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
      "/api/alerts/:id",
      { config: read, schema: { params: idParams, response: { 200: alertDetailSchema } } },
      async (request) => {
        const [row] = isUuid(request.params.id)
          ? await db.select().from(alerts).where(eq(alerts.id, request.params.id))
          : [];
        if (!row) throw new AppError(404, "not_found", "No alert with that id.");
        return { ...toAlert(row), raw: row.raw };
      },
    );

    app.get(
      "/api/devices",
      { config: read, schema: { response: { 200: pageSchema(deviceSchema) } } },
      async (request) => listDevices(db, parseInput(deviceQuerySchema, request.query, "query")),
    );
  };
}
