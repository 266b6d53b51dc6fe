import { z } from "zod";
import { verificationErrorCodeSchema } from "./errors";
import { partnerIdSchema } from "./partners/ids";
import { storedConfigSchema } from "./partners/registry";

/** The HTTP contract of Patchbay's `/api` (DESIGN §4). Server responses and client parsing share these schemas. */

export const integrationStatusSchema = z.enum(["connected", "degraded", "error", "disconnected", "checking"]);
export type IntegrationStatus = z.infer<typeof integrationStatusSchema>;

export const stepIdSchema = z.enum(["input", "cloud", "token", "permissions", "api", "expiry"]);
export type StepId = z.infer<typeof stepIdSchema>;

/** Support detail for a failure: raw provider text and correlation ids. Never a secret or a token. */
export const failureDetailSchema = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));
export type FailureDetail = z.infer<typeof failureDetailSchema>;

export const integrationErrorSchema = z.object({
  code: verificationErrorCodeSchema,
  message: z.string(),
  remediation: z.string(),
  detail: failureDetailSchema.optional(),
});
export type IntegrationError = z.infer<typeof integrationErrorSchema>;

export const verificationStepSchema = z.object({
  id: stepIdSchema,
  label: z.string(),
  status: z.enum(["ok", "failed", "skipped"]),
  message: z.string(),
  code: verificationErrorCodeSchema.optional(),
  remediation: z.string().optional(),
  detail: failureDetailSchema.optional(),
  durationMs: z.number().int().nonnegative(),
});
export type VerificationStep = z.infer<typeof verificationStepSchema>;

/** A permission with the API (Entra resource) it belongs to, as the Entra portal names both. */
export const permissionRefSchema = z.object({ name: z.string(), api: z.string() });
export type PermissionRef = z.infer<typeof permissionRefSchema>;

export const permissionsSchema = z.object({
  /** What the enabled features need. */
  required: z.array(permissionRefSchema),
  granted: z.array(permissionRefSchema),
  missing: z.array(permissionRefSchema),
  /** Granted to the app but needed by no enabled feature: remove them to limit what this secret can do. */
  unused: z.array(permissionRefSchema).default([]),
});
export type Permissions = z.infer<typeof permissionsSchema>;

export const featureStatuses = ["working", "permission_missing", "not_licensed", "failed"] as const;
export const featureStatusSchema = z.enum(featureStatuses);
export type FeatureStatus = z.infer<typeof featureStatusSchema>;

/** How one enabled feature fared in a verification. */
export const featureResultSchema = z.object({
  id: z.string(),
  /** The API it calls, as the Entra portal names it. */
  api: z.string(),
  status: featureStatusSchema,
  /** Its permissions the app lacks. */
  missing: z.array(z.string()),
  code: verificationErrorCodeSchema.optional(),
  message: z.string(),
});
export type FeatureResult = z.infer<typeof featureResultSchema>;

/** What verification learnt of the secret's expiry (Microsoft Graph's passwordCredentials, matched by hint). */
export const secretExpirySchema = z.object({
  expiresAt: z.iso.datetime().nullable(),
  /** unique: one credential matched; ambiguous: several did, the earliest is shown; none: no credential matched. */
  match: z.enum(["unique", "ambiguous", "none"]),
  message: z.string(),
});
export type SecretExpiry = z.infer<typeof secretExpirySchema>;

export const verificationReportSchema = z.object({
  /** True when the connection works well enough to store (status connected or degraded). */
  ok: z.boolean(),
  status: z.enum(["connected", "degraded", "error"]),
  checkedAt: z.iso.datetime(),
  durationMs: z.number().int().nonnegative(),
  /** The partner's cloud the credentials belong to, once verification learnt it (e.g. "gcc-high"). */
  cloud: z.string().nullable(),
  steps: z.array(verificationStepSchema),
  permissions: permissionsSchema,
  error: integrationErrorSchema.optional(),
  warnings: z.array(z.object({ field: z.string(), message: z.string() })),
  /** One result per enabled feature. */
  features: z.array(featureResultSchema).default([]),
  /** Present when the secret-expiry feature is enabled and its read ran. */
  secretExpiry: secretExpirySchema.optional(),
});
export type VerificationReport = z.infer<typeof verificationReportSchema>;

/**
 * A connection's non-secret settings, as stored and shown: the partner's own fields (its catalog entry's fields
 * without the secret) plus `cloud` and `features`.
 */
export const integrationConfigSchema = storedConfigSchema;
export type IntegrationConfig = z.infer<typeof integrationConfigSchema>;

/** A config's text value by field name (a catalog field), or undefined: how partner-agnostic code reads config. */
export function configText(config: IntegrationConfig, field: string): string | undefined {
  const value: unknown = Object.entries(config).find(([key]) => key === field)?.[1];
  return typeof value === "string" ? value : undefined;
}

export const integrationSchema = z.object({
  id: z.uuid(),
  partner: partnerIdSchema,
  name: z.string(),
  status: integrationStatusSchema,
  config: integrationConfigSchema,
  secret: z.object({
    configured: z.boolean(),
    fingerprint: z.string().nullable(),
    updatedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable().optional(),
    /** Where expiresAt comes from: read from the partner (Microsoft Graph), typed by an admin, or unknown. */
    expirySource: z.enum(["graph", "admin"]).nullable().default(null),
  }),
  /** How each enabled feature fared in the last verification. */
  features: z.array(featureResultSchema).default([]),
  permissions: permissionsSchema,
  lastCheckedAt: z.iso.datetime().nullable(),
  lastSuccessAt: z.iso.datetime().nullable(),
  error: integrationErrorSchema.nullable().optional(),
  /** The steps of the most recent verification, so the detail view can show them after a reload. */
  lastReport: verificationReportSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  disconnectedAt: z.iso.datetime().nullable(),
});
export type Integration = z.infer<typeof integrationSchema>;

export const integrationListSchema = z.object({
  integrations: z.array(integrationSchema),
  /** The next page's cursor (GET /api/integrations?cursor=…), null on the last page. */
  nextCursor: z.string().nullable(),
});
export type IntegrationList = z.infer<typeof integrationListSchema>;

export const integrationEventKinds = [
  "connected",
  "tested",
  "updated",
  "secret_replaced",
  "checked",
  "status_changed",
  "secret_expiring",
  "disconnected",
  "data_erased",
] as const;
export const integrationEventSchema = z.object({
  id: z.string(),
  integrationId: z.uuid(),
  at: z.iso.datetime(),
  kind: z.enum(integrationEventKinds),
  actor: z.string(),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type IntegrationEvent = z.infer<typeof integrationEventSchema>;
export const integrationEventListSchema = z.object({ events: z.array(integrationEventSchema) });

export const healthSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  database: z.enum(["pglite", "postgres"]),
});
export type Health = z.infer<typeof healthSchema>;
