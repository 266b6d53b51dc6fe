import { z } from "zod";
import { integrationStatusSchema } from "./contract";
import { partnerIdSchema } from "./partners/ids";

/**
 * The HTTP contract of synced data (issue 8): sync state per source; the alert, incident, device, vulnerability and
 * software lists (keyset-paged, filtered, sorted on the server); summaries for the Data section's charts.
 */

export const syncSourceStateSchema = z.object({
  source: z.string(),
  label: z.string(),
  state: z.enum(["idle", "running", "failed"]),
  /** Records stored (new or changed) since the source began. */
  records: z.number().int().nonnegative(),
  malformed: z.number().int().nonnegative(),
  intervalMinutes: z.number().int().positive(),
  lastRunAt: z.iso.datetime().nullable(),
  lastSuccessAt: z.iso.datetime().nullable(),
  /** When a page last brought new or changed records. */
  lastDataAt: z.iso.datetime().nullable(),
  nextRunAt: z.iso.datetime().nullable(),
  /** The first full sync has completed. */
  firstSyncDone: z.boolean(),
  /** Records read so far in the pass under way (null when none is). */
  progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nullable() }).nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), remediation: z.string() }).nullable(),
});
export type SyncSourceState = z.infer<typeof syncSourceStateSchema>;

/** Why a verified connection shows no data, or less than it should (the seed guide's "No Data Syncing" terms). */
export const syncNoticeCodes = [
  "first_sync_running",
  "no_devices_onboarded",
  "subscription_inactive",
  "wrong_region",
  "throttled",
  "lagging",
  "failing",
] as const;

export const syncNoticeSchema = z.object({
  code: z.enum(syncNoticeCodes),
  /** The source it is about, or null for the connection as a whole. */
  source: z.string().nullable(),
  message: z.string(),
  remediation: z.string(),
});
export type SyncNotice = z.infer<typeof syncNoticeSchema>;

export const syncStateSchema = z.object({
  sources: z.array(syncSourceStateSchema),
  /** Most important first; empty when data flows as it should. */
  notices: z.array(syncNoticeSchema),
});
export type SyncState = z.infer<typeof syncStateSchema>;

/**
 * `GET /api/sync/freshness`: every connection that is not disconnected, with where its data stands in brief, for
 * the Integrations page's cards (one request for all of them; `GET /api/integrations/:id/sync` has the detail).
 */
export const connectionFreshnessSchema = z.object({
  integrationId: z.uuid(),
  /** How many sources sync for it: 0 when none of its enabled features brings data in (its sync is off). */
  sources: z.number().int().nonnegative(),
  /** The newest of its sources' lastDataAt: when data last arrived from any of them. */
  lastDataAt: z.iso.datetime().nullable(),
  /** Every source has completed its first pass. */
  firstSyncDone: z.boolean(),
  /** A source is syncing now. */
  running: z.boolean(),
  /** Sources whose latest run failed (the connection's page says why). */
  failing: z.number().int().nonnegative(),
});
export type ConnectionFreshness = z.infer<typeof connectionFreshnessSchema>;

export const syncFreshnessSchema = z.object({ integrations: z.array(connectionFreshnessSchema) });
export type SyncFreshness = z.infer<typeof syncFreshnessSchema>;

/**
 * Alert and incident severities across partners: Defender rates up to High; CrowdStrike Falcon and SentinelOne also
 * rate Critical, which must not fold into High for a reader who sorts by it.
 */
export const alertSeverities = ["informational", "low", "medium", "high", "critical", "unknown"] as const;
/** Vulnerabilities are rated on CVSS's scale. */
export const vulnerabilitySeverities = ["low", "medium", "high", "critical", "unknown"] as const;

export const alertSchema = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  partner: partnerIdSchema,
  externalId: z.string(),
  title: z.string(),
  severity: z.enum(alertSeverities),
  status: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  deviceName: z.string().nullable(),
  category: z.string().nullable(),
  /** The record in the partner's own console (e.g. the Microsoft Defender portal), when it has one. */
  portalUrl: z.url().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

/** One piece of an alert's evidence, normalised: a file, process, user, IP, URL… with what identifies it. */
export const evidenceSchema = z.object({
  kind: z.string(),
  name: z.string(),
  /** A second detail worth showing (a hash, a path, a verdict), when there is one. */
  detail: z.string().nullable(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const alertDetailSchema = alertSchema.extend({
  description: z.string().nullable(),
  evidence: z.array(evidenceSchema),
  /** The record as the partner sent it (cleaned of control characters). */
  raw: z.unknown(),
});
export type AlertDetail = z.infer<typeof alertDetailSchema>;

export const incidentSchema = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  partner: partnerIdSchema,
  externalId: z.string(),
  title: z.string(),
  severity: z.enum(alertSeverities),
  status: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  assignedTo: z.string().nullable(),
  alertCount: z.number().int().nonnegative(),
  portalUrl: z.url().nullable(),
});
export type Incident = z.infer<typeof incidentSchema>;
export const incidentDetailSchema = incidentSchema.extend({ raw: z.unknown() });

export const deviceSchema = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  partner: partnerIdSchema,
  externalId: z.string(),
  name: z.string(),
  healthStatus: z.string(),
  osPlatform: z.string(),
  onboardingStatus: z.string().nullable(),
  riskScore: z.string().nullable(),
  exposureLevel: z.string().nullable(),
  lastSeenAt: z.iso.datetime().nullable(),
  removedAt: z.iso.datetime().nullable(),
  portalUrl: z.url().nullable(),
});
export type Device = z.infer<typeof deviceSchema>;
export const deviceDetailSchema = deviceSchema.extend({ raw: z.unknown() });
export type DeviceDetail = z.infer<typeof deviceDetailSchema>;

export const vulnerabilitySchema = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  partner: partnerIdSchema,
  /** The CVE id, e.g. CVE-2024-7256. */
  externalId: z.string(),
  title: z.string(),
  severity: z.enum(vulnerabilitySeverities),
  cvssScore: z.number().nullable(),
  exposedDevices: z.number().int().nonnegative(),
  publicExploit: z.boolean(),
  publishedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime().nullable(),
  removedAt: z.iso.datetime().nullable(),
});
export type Vulnerability = z.infer<typeof vulnerabilitySchema>;

export const softwareSchema = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  partner: partnerIdSchema,
  externalId: z.string(),
  name: z.string(),
  vendor: z.string().nullable(),
  weaknesses: z.number().int().nonnegative(),
  exposedDevices: z.number().int().nonnegative(),
  publicExploit: z.boolean(),
  removedAt: z.iso.datetime().nullable(),
});
export type Software = z.infer<typeof softwareSchema>;

/** Alerts created per day and severity over the last `days` days (UTC days, oldest first, every day present). */
export const alertSummarySchema = z.object({
  days: z.array(
    z.object({
      date: z.iso.date(),
      informational: z.number().int().nonnegative(),
      low: z.number().int().nonnegative(),
      medium: z.number().int().nonnegative(),
      high: z.number().int().nonnegative(),
      critical: z.number().int().nonnegative(),
      unknown: z.number().int().nonnegative(),
    }),
  ),
});
export type AlertSummary = z.infer<typeof alertSummarySchema>;

const countsSchema = z.array(z.object({ value: z.string(), count: z.number().int().nonnegative() }));

/** Devices currently listed, counted by health, onboarding status, risk and exposure (largest first). */
export const deviceSummarySchema = z.object({
  total: z.number().int().nonnegative(),
  health: countsSchema,
  onboarding: countsSchema,
  risk: countsSchema,
  exposure: countsSchema,
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

const limit = z.coerce
  .number({ error: "limit must be a whole number from 1 to 500." })
  .int("limit must be a whole number from 1 to 500.")
  .min(1, "limit must be a whole number from 1 to 500.")
  .max(500, "limit must be a whole number from 1 to 500.")
  .default(50);

const text = (name: string) =>
  z.string().trim().max(200, `${name} must be at most 200 characters.`).optional();

// A cursor carries the last row's sort value (a title may be 500 characters, JSON-escaped, base64url-encoded).
const cursor = z.string().max(4_096, "cursor is not one this server issued.").optional();
const order = z.enum(["asc", "desc"], { error: "order must be asc or desc." }).optional();
const integrationId = z.uuid({ error: "integrationId must be a connection's id (a UUID)." }).optional();
const from = z.iso.datetime({ error: "from must be a date-time like 2026-12-01T00:00:00Z." }).optional();
const to = z.iso.datetime({ error: "to must be a date-time like 2026-12-31T00:00:00Z." }).optional();
const severity = z
  .enum(alertSeverities, { error: `severity must be one of: ${alertSeverities.join(", ")}.` })
  .optional();

export const alertSorts = ["createdAt", "updatedAt", "severity", "title"] as const;
export const deviceSorts = ["name", "lastSeenAt", "healthStatus", "osPlatform"] as const;
const sortOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `sort must be one of: ${values.join(", ")}.` }).optional();

export const alertQuerySchema = z.object({
  limit,
  cursor,
  /** Default createdAt, newest first; a cursor is only valid with the sort and order that issued it. */
  sort: sortOf(alertSorts),
  order,
  severity,
  status: text("status"),
  partner: partnerIdSchema.optional(),
  integrationId,
  /** Searches title and device name (and matches the partner's id exactly). */
  q: text("q"),
  /** Created at or after. */
  from,
  /** Created before. */
  to,
});
export type AlertQuery = z.infer<typeof alertQuerySchema>;

export const integrationSorts = ["createdAt", "name"] as const;

/**
 * GET /api/integrations: the connections, paged like every list (default 100 a page, so a console with a handful
 * sees them all in one answer). Default sort createdAt, newest first.
 */
export const integrationListQuerySchema = z.object({
  limit: limit.unwrap().default(100),
  cursor,
  sort: sortOf(integrationSorts),
  order,
  status: z
    .enum(integrationStatusSchema.exclude(["checking"]).options, {
      error: "status must be one of: connected, degraded, error, disconnected.",
    })
    .optional(),
  partner: partnerIdSchema.optional(),
  /** Searches the connection's name, and matches its id exactly. */
  q: text("q"),
});
export type IntegrationListQuery = z.infer<typeof integrationListQuerySchema>;

export const incidentQuerySchema = z.object({
  limit,
  cursor,
  severity,
  status: text("status"),
  partner: partnerIdSchema.optional(),
  integrationId,
  q: text("q"),
  from,
  to,
});
export type IncidentQuery = z.infer<typeof incidentQuerySchema>;

const removed = z.enum(["true", "false"], { error: "removed must be true or false." }).optional();

export const deviceQuerySchema = z.object({
  limit,
  cursor,
  /** Default name, A to Z. */
  sort: sortOf(deviceSorts),
  order,
  health: text("health"),
  os: text("os"),
  partner: partnerIdSchema.optional(),
  integrationId,
  q: text("q"),
  /** Include devices the partner no longer lists. */
  removed,
});
export type DeviceQuery = z.infer<typeof deviceQuerySchema>;

export const vulnerabilityQuerySchema = z.object({
  limit,
  cursor,
  severity: z
    .enum(vulnerabilitySeverities, {
      error: `severity must be one of: ${vulnerabilitySeverities.join(", ")}.`,
    })
    .optional(),
  partner: partnerIdSchema.optional(),
  integrationId,
  q: text("q"),
  removed,
});
export type VulnerabilityQuery = z.infer<typeof vulnerabilityQuerySchema>;

export const softwareQuerySchema = z.object({
  limit,
  cursor,
  partner: partnerIdSchema.optional(),
  integrationId,
  q: text("q"),
  removed,
});
export type SoftwareQuery = z.infer<typeof softwareQuerySchema>;

export const summaryQuerySchema = z.object({ partner: partnerIdSchema.optional(), integrationId });
export type SummaryQuery = z.infer<typeof summaryQuerySchema>;

/** `DELETE /api/integrations/:id?deleteData=true` also erases what the connection synced. */
export const disconnectQuerySchema = z.object({
  deleteData: z.enum(["true", "false"], { error: "deleteData must be true or false." }).optional(),
});
