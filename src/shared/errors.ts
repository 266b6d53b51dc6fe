import { z } from "zod";

/**
 * Stable, machine-readable reasons a verification (or a re-check) failed. Clients and scripts may branch on
 * these; their wording lives in the messages, never in the codes.
 */
export const verificationErrorCodes = [
  "invalid_secret",
  "secret_expired",
  "app_not_found",
  "tenant_not_found",
  "wrong_cloud",
  "defender_not_provisioned",
  "conditional_access",
  "consent_missing",
  "permission_missing",
  "endpoint_unreachable",
  "tls_error",
  "wrong_endpoint",
  "rate_limited",
  "upstream_error",
  "timeout",
  "secret_unreadable",
  "not_licensed",
  "secret_expiring",
  /** CrowdStrike refuses the token request from this address: IP-based allowlisting is on for the API client. */
  "ip_not_allowed",
  /** Verification passes but a sync source has failed or lagged past 3 of its intervals (issue 8). */
  "sync_stalled",
] as const;
export const verificationErrorCodeSchema = z.enum(verificationErrorCodes);
export type VerificationErrorCode = z.infer<typeof verificationErrorCodeSchema>;

/** Codes of the HTTP error envelope (DESIGN §4). */
export const apiErrorCodes = [
  "validation_failed",
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "verification_failed",
  "rate_limited",
  "internal_error",
] as const;
export const apiErrorCodeSchema = z.enum(apiErrorCodes);
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

export const apiErrorSchema = z.object({
  error: z.object({
    code: apiErrorCodeSchema,
    message: z.string(),
    /** Per-input messages, keyed by the input's name (`baseUrl`, `tenantId`, …). */
    fields: z.record(z.string(), z.string()).optional(),
    /** Extra machine-readable context (a verification report, a conflicting integration id, …). */
    detail: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
