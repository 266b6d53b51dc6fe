import { type AnyColumn, and, count, eq, ilike, isNull, or, sql } from "drizzle-orm";
import {
  type AlertQuery,
  type AlertSummary,
  alertSeverities,
  type DeviceQuery,
  type DeviceSummary,
  type IncidentQuery,
  type SoftwareQuery,
  type SummaryQuery,
  type VulnerabilityQuery,
  vulnerabilitySeverities,
} from "../../../shared/data-contract";
import { partnerIdSchema } from "../../../shared/partners/ids";
import type { Database } from "../../db/client";
import { alerts, devices, incidents, software, vulnerabilities } from "../../db/schema";
import { keyset, likePattern, pageOf, type Sort } from "../../lib/keyset";

/**
 * The synced-data lists: filtered on the normalised columns, sorted on the server, paged with an opaque keyset
 * cursor (stable under inserts, unlike offsets; a page costs the same at row 10 as at row 1,000,000). A cursor
 * carries the sort it was issued for, so reusing it with another sort is a 400, never a wrong page.
 */

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const severityOf = (value: string) => alertSeverities.find((s) => s === value) ?? "unknown";

const common = (
  table: { partner: AnyColumn; integrationId: AnyColumn },
  q: { partner?: string | undefined; integrationId?: string | undefined },
) => [
  q.partner ? eq(table.partner, q.partner) : undefined,
  q.integrationId ? eq(table.integrationId, q.integrationId) : undefined,
];

// --- Alerts ---------------------------------------------------------------------------------------------------

type AlertRow = typeof alerts.$inferSelect;

export function toAlert(row: AlertRow) {
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
    category: row.category,
    portalUrl: row.portalUrl,
  };
}

const severityRanks = { unknown: 0, informational: 1, low: 2, medium: 3, high: 4, critical: 5 } as const;
/** Must agree with severityRanks (a cursor carries a row's rank). */
const severityRank = sql`(case ${alerts.severity} when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 when 'informational' then 1 else 0 end)`;
const alertSorts: Record<NonNullable<AlertQuery["sort"]>, Sort<AlertRow>> = {
  createdAt: {
    name: "createdAt",
    expr: alerts.createdAt,
    cast: "timestamptz",
    value: (r) => r.createdAt.toISOString(),
  },
  updatedAt: {
    name: "updatedAt",
    expr: alerts.updatedAt,
    cast: "timestamptz",
    value: (r) => r.updatedAt.toISOString(),
  },
  severity: {
    name: "severity",
    expr: severityRank,
    cast: "integer",
    value: (r) => String(severityRanks[severityOf(r.severity)]),
  },
  title: { name: "title", expr: alerts.title, cast: "text", value: (r) => r.title },
};

export async function listAlerts(db: Database, query: AlertQuery) {
  const sort = alertSorts[query.sort ?? "createdAt"];
  const order = query.order ?? (query.sort === "title" ? "asc" : "desc");
  const { orderBy, after } = keyset(sort, order, alerts.id, query.cursor);
  const q = query.q;
  const rows = await db
    .select()
    .from(alerts)
    .where(
      and(
        ...common(alerts, query),
        query.severity ? eq(alerts.severity, query.severity) : undefined,
        query.status ? eq(alerts.status, query.status) : undefined,
        query.from ? sql`${alerts.createdAt} >= ${new Date(query.from)}` : undefined,
        query.to ? sql`${alerts.createdAt} < ${new Date(query.to)}` : undefined,
        q
          ? or(
              ilike(alerts.title, likePattern(q)),
              ilike(alerts.deviceName, likePattern(q)),
              eq(alerts.externalId, q),
            )
          : undefined,
        after,
      ),
    )
    .orderBy(...orderBy)
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, sort, order, toAlert);
}

export async function alertDetail(db: Database, id: string) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  if (!row) return undefined;
  return { ...toAlert(row), description: row.description, evidence: row.evidence, raw: row.raw };
}

const DAY_MS = 86_400_000;

/** Alerts created per UTC day and severity over the last `days` days, every day present (zeros included). */
export async function alertSummary(db: Database, query: SummaryQuery, now = new Date(), days = 14) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const start = new Date(today - (days - 1) * DAY_MS);
  const day = sql<string>`to_char(${alerts.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, severity: alerts.severity, n: count() })
    .from(alerts)
    .where(and(...common(alerts, query), sql`${alerts.createdAt} >= ${start}`))
    .groupBy(day, alerts.severity);
  const out: AlertSummary["days"] = Array.from({ length: days }, (_, i) => ({
    date: new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10),
    informational: 0,
    low: 0,
    medium: 0,
    high: 0,
    critical: 0,
    unknown: 0,
  }));
  const byDate = new Map(out.map((d) => [d.date, d]));
  for (const row of rows) {
    const entry = byDate.get(row.day);
    if (entry) entry[severityOf(row.severity)] += row.n;
  }
  return { days: out };
}

// --- Incidents ------------------------------------------------------------------------------------------------

type IncidentRow = typeof incidents.$inferSelect;

export function toIncident(row: IncidentRow) {
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
    assignedTo: row.assignedTo,
    alertCount: row.alertCount,
    portalUrl: row.portalUrl,
  };
}

const incidentsByCreated: Sort<IncidentRow> = {
  name: "createdAt",
  expr: incidents.createdAt,
  cast: "timestamptz",
  value: (r) => r.createdAt.toISOString(),
};

export async function listIncidents(db: Database, query: IncidentQuery) {
  const { orderBy, after } = keyset(incidentsByCreated, "desc", incidents.id, query.cursor);
  const q = query.q;
  const rows = await db
    .select()
    .from(incidents)
    .where(
      and(
        ...common(incidents, query),
        query.severity ? eq(incidents.severity, query.severity) : undefined,
        query.status ? eq(incidents.status, query.status) : undefined,
        query.from ? sql`${incidents.createdAt} >= ${new Date(query.from)}` : undefined,
        query.to ? sql`${incidents.createdAt} < ${new Date(query.to)}` : undefined,
        q ? or(ilike(incidents.title, likePattern(q)), eq(incidents.externalId, q)) : undefined,
        after,
      ),
    )
    .orderBy(...orderBy)
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, incidentsByCreated, "desc", toIncident);
}

export async function incidentDetail(db: Database, id: string) {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  return row ? { ...toIncident(row), raw: row.raw } : undefined;
}

// --- Devices --------------------------------------------------------------------------------------------------

type DeviceRow = typeof devices.$inferSelect;

export function toDevice(row: DeviceRow) {
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
    portalUrl: row.portalUrl,
  };
}

const EPOCH = "1970-01-01T00:00:00.000Z";
const deviceSorts: Record<NonNullable<DeviceQuery["sort"]>, Sort<DeviceRow>> = {
  name: { name: "name", expr: devices.name, cast: "text", value: (r) => r.name },
  // Never seen sorts as the oldest.
  lastSeenAt: {
    name: "lastSeenAt",
    expr: sql`coalesce(${devices.lastSeenAt}, timestamptz '${sql.raw(EPOCH)}')`,
    cast: "timestamptz",
    value: (r) => iso(r.lastSeenAt) ?? EPOCH,
  },
  healthStatus: {
    name: "healthStatus",
    expr: devices.healthStatus,
    cast: "text",
    value: (r) => r.healthStatus,
  },
  osPlatform: { name: "osPlatform", expr: devices.osPlatform, cast: "text", value: (r) => r.osPlatform },
};

export async function listDevices(db: Database, query: DeviceQuery) {
  const sort = deviceSorts[query.sort ?? "name"];
  const order = query.order ?? (query.sort === "lastSeenAt" ? "desc" : "asc");
  const { orderBy, after } = keyset(sort, order, devices.id, query.cursor);
  const rows = await db
    .select()
    .from(devices)
    .where(
      and(
        ...common(devices, query),
        query.removed === "true" ? undefined : isNull(devices.removedAt),
        query.health ? eq(devices.healthStatus, query.health) : undefined,
        query.os ? eq(devices.osPlatform, query.os) : undefined,
        query.q ? or(ilike(devices.name, likePattern(query.q)), eq(devices.externalId, query.q)) : undefined,
        after,
      ),
    )
    .orderBy(...orderBy)
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, sort, order, toDevice);
}

export async function deviceDetail(db: Database, id: string) {
  const [row] = await db.select().from(devices).where(eq(devices.id, id));
  return row ? { ...toDevice(row), raw: row.raw } : undefined;
}

/** Devices still listed, counted by health, onboarding, risk and exposure (largest first; null as "Unknown"). */
export async function deviceSummary(db: Database, query: SummaryQuery) {
  const where = and(...common(devices, query), isNull(devices.removedAt));
  const countBy = async (column: AnyColumn) => {
    const value = sql<string>`coalesce(${column}, 'Unknown')`;
    const rows = await db.select({ value, count: count() }).from(devices).where(where).groupBy(value);
    return rows.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  };
  const [total] = await db.select({ n: count() }).from(devices).where(where);
  return {
    total: total?.n ?? 0,
    health: await countBy(devices.healthStatus),
    onboarding: await countBy(devices.onboardingStatus),
    risk: await countBy(devices.riskScore),
    exposure: await countBy(devices.exposureLevel),
  } satisfies DeviceSummary;
}

/** Whether a connection lists any device now (for "no devices onboarded"): one row looked up, not a count. */
export async function listsDevices(db: Database, integrationId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.integrationId, integrationId), isNull(devices.removedAt)))
    .limit(1);
  return row !== undefined;
}

// --- Vulnerabilities and software -----------------------------------------------------------------------------

type VulnerabilityRow = typeof vulnerabilities.$inferSelect;

export function toVulnerability(row: VulnerabilityRow) {
  return {
    id: row.id,
    integrationId: row.integrationId,
    partner: partnerIdSchema.parse(row.partner),
    externalId: row.externalId,
    title: row.title,
    severity: vulnerabilitySeverities.find((v) => v === row.severity) ?? "unknown",
    cvssScore: row.cvssScore,
    exposedDevices: row.exposedDevices,
    publicExploit: row.publicExploit,
    publishedAt: iso(row.publishedAt),
    updatedAt: iso(row.updatedAt),
    removedAt: iso(row.removedAt),
  };
}

/** Most exposed first: what to patch. */
const vulnerabilitiesByExposure: Sort<VulnerabilityRow> = {
  name: "exposedDevices",
  expr: vulnerabilities.exposedDevices,
  cast: "integer",
  value: (r) => String(r.exposedDevices),
};

export async function listVulnerabilities(db: Database, query: VulnerabilityQuery) {
  const { orderBy, after } = keyset(vulnerabilitiesByExposure, "desc", vulnerabilities.id, query.cursor);
  const q = query.q;
  const rows = await db
    .select()
    .from(vulnerabilities)
    .where(
      and(
        ...common(vulnerabilities, query),
        query.removed === "true" ? undefined : isNull(vulnerabilities.removedAt),
        query.severity ? eq(vulnerabilities.severity, query.severity) : undefined,
        q
          ? or(
              ilike(vulnerabilities.externalId, likePattern(q)),
              ilike(vulnerabilities.title, likePattern(q)),
            )
          : undefined,
        after,
      ),
    )
    .orderBy(...orderBy)
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, vulnerabilitiesByExposure, "desc", toVulnerability);
}

type SoftwareRow = typeof software.$inferSelect;

export function toSoftware(row: SoftwareRow) {
  return {
    id: row.id,
    integrationId: row.integrationId,
    partner: partnerIdSchema.parse(row.partner),
    externalId: row.externalId,
    name: row.name,
    vendor: row.vendor,
    weaknesses: row.weaknesses,
    exposedDevices: row.exposedDevices,
    publicExploit: row.publicExploit,
    removedAt: iso(row.removedAt),
  };
}

const softwareByExposure: Sort<SoftwareRow> = {
  name: "exposedDevices",
  expr: software.exposedDevices,
  cast: "integer",
  value: (r) => String(r.exposedDevices),
};

export async function listSoftware(db: Database, query: SoftwareQuery) {
  const { orderBy, after } = keyset(softwareByExposure, "desc", software.id, query.cursor);
  const q = query.q;
  const rows = await db
    .select()
    .from(software)
    .where(
      and(
        ...common(software, query),
        query.removed === "true" ? undefined : isNull(software.removedAt),
        q ? or(ilike(software.name, likePattern(q)), ilike(software.vendor, likePattern(q))) : undefined,
        after,
      ),
    )
    .orderBy(...orderBy)
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, softwareByExposure, "desc", toSoftware);
}
