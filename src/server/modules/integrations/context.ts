import { z } from "zod";
import {
  type Integration,
  type IntegrationEvent,
  integrationConfigSchema,
  integrationErrorSchema,
  integrationEventSchema,
  type VerificationReport,
  verificationReportSchema,
} from "../../../shared/contract";
import { partnerIdSchema } from "../../../shared/partners/ids";
import { SecretBoxError } from "../../crypto/secret-box";
import type { SecretVault } from "../../crypto/secret-vault";
import type { IntegrationEventRow, IntegrationRow } from "../../db/schema";
import { AppError } from "../../lib/app-error";
import type { PartnerRegistry } from "../../partners/registry";
import type { Actor } from "../audit/audit";
import type { IntegrationPatch, IntegrationRepository } from "./repository";

/** What every integration action shares: storage, the secret vault, the partners, and the row helpers. */
export interface IntegrationDeps {
  repo: IntegrationRepository;
  vault: SecretVault;
  partners: PartnerRegistry;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toIntegration(row: IntegrationRow): Integration {
  const report = verificationReportSchema.safeParse(row.lastReport);
  const error = integrationErrorSchema.safeParse(row.lastError);
  return {
    id: row.id,
    partner: partnerIdSchema.parse(row.partner),
    name: row.name,
    status:
      row.status === "connected" || row.status === "degraded" || row.status === "disconnected"
        ? row.status
        : "error",
    config: integrationConfigSchema.parse(row.config),
    secret: {
      configured: row.secretCiphertext !== null,
      fingerprint: row.secretFingerprint,
      updatedAt: iso(row.secretUpdatedAt),
      expiresAt: null,
    },
    permissions: row.permissions,
    lastCheckedAt: iso(row.lastCheckedAt),
    lastSuccessAt: iso(row.lastSuccessAt),
    error: error.success ? error.data : null,
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
    if (row.secretCiphertext === null || row.secretIv === null || row.secretKeyId === null) {
      throw new AppError(
        409,
        "conflict",
        `“${row.name}” has no stored secret. Replace the secret to continue.`,
      );
    }
    try {
      return await vault.open(
        {
          ciphertext: row.secretCiphertext,
          iv: row.secretIv,
          keyId: row.secretKeyId,
          dataKeyId: row.secretDataKeyId,
        },
        row.id,
      );
    } catch (error) {
      if (error instanceof SecretBoxError) throw new AppError(409, "conflict", error.message);
      throw error;
    }
  }

  return { load, loadActive, openSecret };
}
