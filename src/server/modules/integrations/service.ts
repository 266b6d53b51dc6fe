import { randomUUID } from "node:crypto";
import {
  type Integration,
  type IntegrationEvent,
  integrationErrorSchema,
  integrationEventSchema,
  type VerificationReport,
  verificationReportSchema,
} from "../../../shared/contract";
import {
  type DefenderConnect,
  defenderConnectSchema,
  defenderRequiredPermissions,
  defenderUpdateSchema,
} from "../../../shared/partners/defender";
import type { SecretBox } from "../../crypto/secret-box";
import { SecretBoxError } from "../../crypto/secret-box";
import type { IntegrationEventRow, IntegrationRow, StoredConfig } from "../../db/schema";
import { AppError, parseInput } from "../../lib/app-error";
import { transientCodes } from "../../partners/defender/failures";
import {
  type IntegrationPatch,
  type IntegrationRepository,
  isActiveConnectionConflict,
  type NewEvent,
} from "./repository";

/** Connect, test, change, re-check and disconnect integrations (DESIGN §4–§7). */

export interface Actor {
  /** Who acted. Until sign-in exists (issue 3) every request is anonymous. */
  name: string;
  ip: string;
  userAgent: string | null;
}

export interface IntegrationServiceDeps {
  repo: IntegrationRepository;
  box: SecretBox;
  extraHosts: readonly string[];
  verify(input: DefenderConnect): Promise<VerificationReport>;
}

const DEFAULT_NAME = "Microsoft Defender for Endpoint";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toIntegration(row: IntegrationRow): Integration {
  const report = verificationReportSchema.safeParse(row.lastReport);
  const error = integrationErrorSchema.safeParse(row.lastError);
  return {
    id: row.id,
    partner: "defender",
    name: row.name,
    status:
      row.status === "connected" || row.status === "degraded" || row.status === "disconnected"
        ? row.status
        : "error",
    config: { ...row.config },
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

function toEvent(row: IntegrationEventRow): IntegrationEvent {
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

function conflict(row: IntegrationRow): AppError {
  return new AppError(
    409,
    "conflict",
    `“${row.name}” already connects tenant ${row.config.tenantId} with App ID ${row.config.appId}. Manage that connection, or disconnect it first.`,
    undefined,
    { integrationId: row.id },
  );
}

function verificationFailed(report: VerificationReport): AppError {
  const message = report.error ? report.error.message : "The connection could not be verified.";
  return new AppError(
    422,
    "verification_failed",
    `Verification failed: ${message} Nothing was saved.`,
    undefined,
    report,
  );
}

function reportPatch(
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

export function createIntegrationService(deps: IntegrationServiceDeps) {
  const { repo, box } = deps;
  const connectSchema = defenderConnectSchema(deps.extraHosts);
  const updateSchema = defenderUpdateSchema(deps.extraHosts);

  const source = (actor: Actor) => ({ ip: actor.ip, userAgent: actor.userAgent });

  async function load(id: string): Promise<IntegrationRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.get(id) : undefined;
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

  function openSecret(row: IntegrationRow): string {
    if (row.secretCiphertext === null || row.secretIv === null || row.secretKeyId === null) {
      throw new AppError(
        409,
        "conflict",
        `“${row.name}” has no stored App Secret. Replace the secret to continue.`,
      );
    }
    try {
      return box.open({ ciphertext: row.secretCiphertext, iv: row.secretIv, keyId: row.secretKeyId }, row.id);
    } catch (error) {
      if (error instanceof SecretBoxError) throw new AppError(409, "conflict", error.message);
      throw error;
    }
  }

  return {
    async list(): Promise<Integration[]> {
      return (await repo.list()).map(toIntegration);
    },

    async get(id: string): Promise<Integration> {
      return toIntegration(await load(id));
    },

    async events(id: string): Promise<IntegrationEvent[]> {
      await load(id);
      return (await repo.events(id)).map(toEvent);
    },

    dueForRecheck(before: Date): Promise<string[]> {
      return repo.dueForRecheck(before);
    },

    /** Verify without storing anything. */
    async test(body: unknown): Promise<VerificationReport> {
      return deps.verify(parseInput(connectSchema, body));
    },

    async connect(body: unknown, actor: Actor): Promise<Integration> {
      const input = parseInput(connectSchema, body);
      const existing = await repo.findActive(input.partner, input.tenantId, input.appId);
      if (existing) throw conflict(existing);

      const report = await deps.verify(input);
      if (!report.ok) throw verificationFailed(report);

      const id = randomUUID();
      const now = new Date();
      const sealed = box.seal(input.appSecret, id);
      const config: StoredConfig = {
        baseUrl: input.baseUrl,
        tenantId: input.tenantId,
        appId: input.appId,
        cloud: report.cloud ?? "commercial",
      };
      const row: IntegrationRow = {
        id,
        partner: input.partner,
        name: input.name ?? DEFAULT_NAME,
        status: report.status,
        config,
        secretCiphertext: sealed.ciphertext,
        secretIv: sealed.iv,
        secretKeyId: sealed.keyId,
        secretFingerprint: sealed.fingerprint,
        secretUpdatedAt: now,
        permissions: report.permissions,
        lastError: report.error ?? null,
        lastReport: report,
        lastCheckedAt: now,
        lastSuccessAt: now,
        createdAt: now,
        updatedAt: now,
        disconnectedAt: null,
      };
      try {
        const inserted = await repo.insert(row, {
          kind: "connected",
          actor: actor.name,
          message:
            report.status === "connected"
              ? "Connected and verified."
              : `Connected with warnings: ${report.error?.message ?? "needs attention"}`,
          detail: { status: report.status, config, fingerprint: sealed.fingerprint, ...source(actor) },
        });
        return toIntegration(inserted);
      } catch (error) {
        if (!isActiveConnectionConflict(error)) throw error;
        const winner = await repo.findActive(input.partner, input.tenantId, input.appId);
        throw winner ? conflict(winner) : error;
      }
    },

    async update(id: string, body: unknown, actor: Actor): Promise<Integration> {
      const row = await loadActive(id);
      const patch = parseInput(updateSchema, body);
      const config: StoredConfig = {
        baseUrl: patch.baseUrl ?? row.config.baseUrl,
        tenantId: patch.tenantId ?? row.config.tenantId,
        appId: patch.appId ?? row.config.appId,
        cloud: row.config.cloud,
      };
      if (config.tenantId !== row.config.tenantId || config.appId !== row.config.appId) {
        const other = await repo.findActive(row.partner, config.tenantId, config.appId);
        if (other && other.id !== row.id) throw conflict(other);
      }
      const secret = patch.appSecret ?? openSecret(row);
      const name = patch.name ?? row.name;
      const report = await deps.verify({ partner: "defender", name, ...config, appSecret: secret });
      if (!report.ok) {
        await repo.addEvent(row.id, {
          kind: "tested",
          actor: actor.name,
          message: `A proposed change failed verification and was not saved: ${report.error?.message ?? "unknown"}`,
          detail: {
            code: report.error?.code ?? null,
            secretReplaced: patch.appSecret !== undefined,
            ...source(actor),
          },
        });
        throw verificationFailed(report);
      }
      const now = new Date();
      const nextConfig: StoredConfig = { ...config, cloud: report.cloud ?? config.cloud };
      const events: NewEvent[] = [];
      const before = { name: row.name, ...row.config };
      const after = { name, ...nextConfig };
      const changed = Object.keys(after).filter((k) => Reflect.get(before, k) !== Reflect.get(after, k));
      if (changed.length > 0) {
        events.push({
          kind: "updated",
          actor: actor.name,
          message: `Changed ${changed.join(", ")}.`,
          detail: { before, after, ...source(actor) },
        });
      }
      const secretPatch: IntegrationPatch = {};
      if (patch.appSecret !== undefined) {
        const sealed = box.seal(patch.appSecret, row.id);
        Object.assign(secretPatch, {
          secretCiphertext: sealed.ciphertext,
          secretIv: sealed.iv,
          secretKeyId: sealed.keyId,
          secretFingerprint: sealed.fingerprint,
          secretUpdatedAt: now,
        });
        events.push({
          kind: "secret_replaced",
          actor: actor.name,
          message: `App Secret replaced (fingerprint ${row.secretFingerprint ?? "none"} → ${sealed.fingerprint}).`,
          detail: {
            fingerprintBefore: row.secretFingerprint,
            fingerprintAfter: sealed.fingerprint,
            ...source(actor),
          },
        });
      }
      const updated = await repo
        .update(
          row.id,
          { name, config: nextConfig, ...reportPatch(report, now, report.status), ...secretPatch },
          events,
        )
        .catch((error: unknown) => {
          if (isActiveConnectionConflict(error)) {
            throw new AppError(409, "conflict", "Another connection already uses this Tenant ID and App ID.");
          }
          throw error;
        });
      if (!updated)
        throw new AppError(404, "not_found", "The integration was removed while it was being changed.");
      return toIntegration(updated);
    },

    async check(id: string, actor: Actor): Promise<Integration> {
      const row = await loadActive(id);
      const report = await deps.verify({
        partner: "defender",
        name: row.name,
        ...row.config,
        appSecret: openSecret(row),
      });
      // A working connection that hits a passing problem is degraded (amber, retry), not broken (red, act).
      const transient = report.error !== undefined && transientCodes.has(report.error.code);
      const status =
        report.status === "error" && transient && row.lastSuccessAt !== null ? "degraded" : report.status;
      const now = new Date();
      const events: NewEvent[] = [
        {
          kind: "checked",
          actor: actor.name,
          message: report.error ? `Re-check: ${status}. ${report.error.message}` : `Re-check: ${status}.`,
          detail: {
            status,
            code: report.error?.code ?? null,
            durationMs: report.durationMs,
            ...source(actor),
          },
        },
      ];
      if (status !== row.status) {
        events.push({
          kind: "status_changed",
          actor: actor.name,
          message: `Status changed from ${row.status} to ${status}.`,
          detail: { from: row.status, to: status },
        });
      }
      const updated = await repo.update(row.id, reportPatch(report, now, status), events);
      if (!updated)
        throw new AppError(404, "not_found", "The integration was removed while it was being checked.");
      return toIntegration(updated);
    },

    /** Erase the secret and stop using the connection; config and history stay. Idempotent. */
    async disconnect(id: string, actor: Actor): Promise<Integration> {
      const row = await load(id);
      if (row.status === "disconnected") return toIntegration(row);
      const now = new Date();
      const updated = await repo.update(
        row.id,
        {
          status: "disconnected",
          secretCiphertext: null,
          secretIv: null,
          secretKeyId: null,
          secretFingerprint: null,
          secretUpdatedAt: null,
          lastError: null,
          permissions: { required: [...defenderRequiredPermissions], granted: [], missing: [] },
          disconnectedAt: now,
          updatedAt: now,
        },
        [
          {
            kind: "disconnected",
            actor: actor.name,
            message: "Disconnected. The App Secret was erased.",
            detail: { fingerprintErased: row.secretFingerprint, ...source(actor) },
          },
        ],
      );
      if (!updated)
        throw new AppError(404, "not_found", "The integration was removed while it was being disconnected.");
      return toIntegration(updated);
    },
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
