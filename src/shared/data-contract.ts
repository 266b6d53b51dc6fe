import { z } from "zod";
import { partnerIdSchema } from "./partners/ids";

/** The HTTP contract of synced data (issue 8): sync state per source, and the alert and device lists. */

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

export const syncStateSchema = z.object({ sources: z.array(syncSourceStateSchema) });
export type SyncState = z.infer<typeof syncStateSchema>;

export const alertSeverities = ["informational", "low", "medium", "high", "unknown"] as const;

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
});
export type Alert = z.infer<typeof alertSchema>;
export const alertDetailSchema = alertSchema.extend({ raw: z.unknown() });

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
});
export type Device = z.infer<typeof deviceSchema>;

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

export const alertQuerySchema = z.object({
  limit,
  cursor: z.string().max(500, "cursor is not one this server issued.").optional(),
  severity: z
    .enum(alertSeverities, { error: `severity must be one of: ${alertSeverities.join(", ")}.` })
    .optional(),
  status: text("status"),
  partner: partnerIdSchema.optional(),
  integrationId: z.uuid({ error: "integrationId must be a connection's id (a UUID)." }).optional(),
  q: text("q"),
  from: z.iso.datetime({ error: "from must be a date-time like 2026-12-01T00:00:00Z." }).optional(),
  to: z.iso.datetime({ error: "to must be a date-time like 2026-12-31T00:00:00Z." }).optional(),
});
export type AlertQuery = z.infer<typeof alertQuerySchema>;

export const deviceQuerySchema = z.object({
  limit,
  cursor: z.string().max(500, "cursor is not one this server issued.").optional(),
  health: text("health"),
  os: text("os"),
  partner: partnerIdSchema.optional(),
  integrationId: z.uuid({ error: "integrationId must be a connection's id (a UUID)." }).optional(),
  q: text("q"),
  /** Include devices the partner no longer lists. */
  removed: z.enum(["true", "false"]).optional(),
});
export type DeviceQuery = z.infer<typeof deviceQuerySchema>;
