import { z } from "zod";
import {
  type Integration,
  type IntegrationError,
  type IntegrationEvent,
  integrationConfigSchema,
  integrationErrorSchema,
  integrationEventSchema,
  permissionsSchema,
  type VerificationReport,
  verificationReportSchema,
} from "../../../shared/contract";
import { partnerIdSchema } from "../../../shared/partners/ids";
import { SecretBoxError } from "../../crypto/secret-box";
import { type SecretVault, storedSecretOf } from "../../crypto/secret-vault";
import type { IntegrationEventRow, IntegrationRow } from "../../db/schema";
import { AppError } from "../../lib/app-error";
import type { PartnerRegistry } from "../../partners/registry";
import type { Actor, AuditEntry } from "../audit/audit";
import type { IntegrationPatch, IntegrationRepository, NewEvent } from "./repository";

/** What every integration action shares: storage, the secret vault, the partners, and the row helpers. */
export interface IntegrationDeps {
  repo: IntegrationRepository;
  vault: SecretVault;
  partners: PartnerRegistry;
  /** A connection turns degraded this many days before its secret expires (PATCHBAY_SECRET_WARN_DAYS). */
  secretWarnDays: number;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toIntegration(row: IntegrationRow): Integration {
  const report = verificationReportSchema.safeParse(row.lastReport);
  const error = integrationErrorSchema.safeParse(row.lastError);
  // A connection that verifies but whose data has stopped flowing is degraded, with the sync's reason: the two
  // signals are kept apart (a re-check passing does not hide a stalled sync, nor the reverse).
  // The list's status filter says the same in SQL (statusIs in repository.ts): change both together.
  const stalled = integrationErrorSchema.safeParse(row.syncIssue);
  const syncDegraded = row.status === "connected" && stalled.success;
  return {
    id: row.id,
    partner: partnerIdSchema.parse(row.partner),
    name: row.name,
    status: syncDegraded
      ? "degraded"
      : row.status === "connected" || row.status === "degraded" || row.status === "disconnected"
        ? row.status
        : "error",
    config: integrationConfigSchema.parse(row.config),
    secret: {
      configured: row.secretCiphertext !== null,
      fingerprint: row.secretFingerprint,
      updatedAt: iso(row.secretUpdatedAt),
      expiresAt: iso(row.secretExpiresAt),
      expirySource: row.secretExpirySource,
    },
    features: report.success ? report.data.features : [],
    permissions: permissionsSchema.parse(row.permissions),
    lastCheckedAt: iso(row.lastCheckedAt),
    lastSuccessAt: iso(row.lastSuccessAt),
    error: error.success ? error.data : syncDegraded ? stalled.data : null,
    lastReport: report.success ? report.data : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    disconnectedAt: iso(row.disconnectedAt),
  };
}

export function toEvent(row: IntegrationEventRow): IntegrationEvent {
  return integrationEventSchema.parse({
    id: String(row.id),
    integrationId: row.integrationId,
    at: row.at.toISOString(),
    kind: row.kind,
    actor: row.actor,
    message: row.message,
    detail: row.detail,
  });
}

export const source = (actor: Actor) => ({ ip: actor.ip, userAgent: actor.userAgent });

export function conflict(row: IntegrationRow, identity: string): AppError {
  return new AppError(
    409,
    "conflict",
    `“${row.name}” already connects ${identity}. Manage that connection, or disconnect it first.`,
    undefined,
    { integrationId: row.id },
  );
}

export function changedMeanwhile(row: IntegrationRow): AppError {
  return new AppError(
    409,
    "conflict",
    `“${row.name}” was changed or disconnected while this request was verifying it; nothing was saved. Reload and try again.`,
    undefined,
    { integrationId: row.id },
  );
}

export function verificationFailed(report: VerificationReport): AppError {
  const message = report.error ? report.error.message : "The connection could not be verified.";
  return new AppError(
    422,
    "verification_failed",
    `Verification failed: ${message} Nothing was saved.`,
    undefined,
    report,
  );
}

export function reportPatch(
  report: VerificationReport,
  now: Date,
  status: IntegrationRow["status"],
): IntegrationPatch {
  return {
    status,
    permissions: report.permissions,
    lastError: report.error ?? null,
    lastReport: report,
    lastCheckedAt: now,
    ...(report.ok ? { lastSuccessAt: now } : {}),
    updatedAt: now,
  };
}

export function rowHelpers({ repo, vault }: IntegrationDeps) {
  async function load(id: string): Promise<IntegrationRow> {
    const row = z.uuid().safeParse(id).success ? await repo.get(id) : undefined;
    if (!row)
      throw new AppError(
        404,
        "not_found",
        "No integration has this id. It may have been removed; reload the list.",
      );
    return row;
  }

  async function loadActive(id: string): Promise<IntegrationRow> {
    const row = await load(id);
    if (row.status === "disconnected") {
      throw new AppError(
        409,
        "conflict",
        `“${row.name}” is disconnected. Connect it again to use it.`,
        undefined,
        {
          integrationId: row.id,
        },
      );
    }
    return row;
  }

  async function openSecret(row: IntegrationRow): Promise<string> {
    const sealed = storedSecretOf(row);
    if (sealed === null) {
      throw new AppError(
        409,
        "conflict",
        `“${row.name}” has no stored secret. Replace the secret to continue.`,
      );
    }
    try {
      return await vault.open(sealed, row.id);
    } catch (error) {
      if (error instanceof SecretBoxError) throw new AppError(409, "conflict", error.message);
      throw error;
    }
  }

  return { load, loadActive, openSecret };
}

// --- secret expiry -----------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
/** Days before expiry at which an event and an audit entry are recorded, once each. */
export const EXPIRY_WARNINGS = [30, 14, 7, 1] as const;

export interface SecretExpiryState {
  expiresAt: Date | null;
  source: "graph" | "admin" | null;
  warnedDays: number | null;
}

export function expiryOf(row: IntegrationRow): SecretExpiryState {
  return {
    expiresAt: row.secretExpiresAt,
    source: row.secretExpirySource,
    warnedDays: row.secretExpiryWarnedDays,
  };
}

/**
 * The expiry after a verification: what Graph said now wins; otherwise an admin's typed date stays; a Graph
 * read that matched nothing makes it unknown. A date that changed starts its warnings over.
 */
export function expiryAfter(report: VerificationReport, previous: SecretExpiryState): SecretExpiryState {
  const read = report.secretExpiry;
  let next: Omit<SecretExpiryState, "warnedDays">;
  if (read?.expiresAt) next = { expiresAt: new Date(read.expiresAt), source: "graph" };
  else if (previous.source === "admin") next = previous;
  else if (read) next = { expiresAt: null, source: null };
  else next = previous;
  const same = next.expiresAt?.getTime() === previous.expiresAt?.getTime();
  return { ...next, warnedDays: same ? previous.warnedDays : null };
}

export const daysUntil = (date: Date, now: Date) => Math.ceil((date.getTime() - now.getTime()) / DAY_MS);

/**
 * A secret that expires soon makes a working connection `degraded`; an expired one makes it `error`. The partner's
 * own check catches an expired secret too (the token is refused), but a date known in advance is said in advance.
 */
export function judgeExpiry(
  report: VerificationReport,
  expiry: SecretExpiryState,
  now: Date,
  warnDays: number,
  /** The partner's words for making a new secret (its adapter's `secretRenewal`). */
  renewal: string,
): VerificationReport {
  if (expiry.expiresAt === null || report.status === "error") return report;
  const day = expiry.expiresAt.toISOString().slice(0, 10);
  const left = daysUntil(expiry.expiresAt, now);
  const replace = `${renewal} Replace the secret in Patchbay with the new one, then delete the old one.`;
  if (left <= 0) {
    const error: IntegrationError = {
      code: "secret_expired",
      message: `The secret expired on ${day}.`,
      remediation: replace,
    };
    return { ...report, ok: false, status: "error", error };
  }
  if (left > warnDays || report.status !== "connected") return report;
  const error: IntegrationError = {
    code: "secret_expiring",
    message: `The secret expires on ${day} (in ${left} day${left === 1 ? "" : "s"}); the connection stops working then.`,
    remediation: replace,
  };
  return { ...report, status: "degraded", error };
}

/** The warning due now (30, 14, 7 or 1 days ahead) that has not been given yet, if any. */
export function expiryWarningDue(expiry: SecretExpiryState, now: Date): number | null {
  if (expiry.expiresAt === null) return null;
  const left = daysUntil(expiry.expiresAt, now);
  if (left <= 0) return null;
  const due = [...EXPIRY_WARNINGS].reverse().find((days) => left <= days);
  if (due === undefined) return null;
  return expiry.warnedDays === null || due < expiry.warnedDays ? due : null;
}

/** The event and audit entry of an expiry warning. */
export function expiryWarningRecords(
  row: Pick<IntegrationRow, "id" | "name">,
  expiresAt: Date,
  days: number,
  actor: Actor,
): { event: NewEvent; audit: AuditEntry } {
  const message = `The secret of “${row.name}” expires on ${expiresAt.toISOString().slice(0, 10)}: ${days} day${days === 1 ? "" : "s"} or less left. Create a new secret and Replace it.`;
  return {
    event: {
      kind: "secret_expiring",
      actor: actor.name,
      message,
      detail: { expiresAt: expiresAt.toISOString(), days },
    },
    audit: {
      action: "integration.secret_expiring",
      outcome: "failure",
      actor,
      target: { type: "integration", id: row.id },
      message,
    },
  };
}
