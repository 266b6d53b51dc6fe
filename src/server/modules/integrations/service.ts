import { randomUUID } from "node:crypto";
import { z } from "zod";
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
import { SecretBoxError } from "../../crypto/secret-box";
import type { SecretVault } from "../../crypto/secret-vault";
import type { IntegrationEventRow, IntegrationRow, StoredConfig } from "../../db/schema";
import { AppError, parseInput } from "../../lib/app-error";
import { transientCodes } from "../../partners/defender/failures";
import type { Actor, AuditEntry } from "../audit/audit";
import {
  type IntegrationPatch,
  type IntegrationRepository,
  isActiveConnectionConflict,
  type NewEvent,
} from "./repository";

/** Connect, test, change, re-check and disconnect integrations (DESIGN §4–§7). */

export interface IntegrationServiceDeps {
  repo: IntegrationRepository;
  vault: SecretVault;
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

function changedMeanwhile(row: IntegrationRow): AppError {
  return new AppError(
    409,
    "conflict",
    `“${row.name}” was changed or disconnected while this request was verifying it; nothing was saved. Reload and try again.`,
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
  const { repo, vault } = deps;
  const connectSchema = defenderConnectSchema(deps.extraHosts);
  const updateSchema = defenderUpdateSchema(deps.extraHosts);

  const source = (actor: Actor) => ({ ip: actor.ip, userAgent: actor.userAgent });

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
        `“${row.name}” has no stored App Secret. Replace the secret to continue.`,
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

    /** Verify without storing anything (the audit trail records that a test ran, and its outcome). */
    async test(body: unknown, actor: Actor): Promise<VerificationReport> {
      const input = parseInput(connectSchema, body);
      const report = await deps.verify(input);
      await repo.audit([
        {
          action: "integration.test",
          outcome: report.ok ? "success" : "failure",
          actor,
          message: `Tested ${input.baseUrl} for tenant ${input.tenantId}, App ID ${input.appId}: ${report.status}${report.error ? ` (${report.error.code})` : ""}.`,
        },
      ]);
      return report;
    },

    async connect(body: unknown, actor: Actor): Promise<Integration> {
      const input = parseInput(connectSchema, body);
      const refuseAsConflict = async (existing: IntegrationRow) => {
        await repo.audit([
          {
            action: "integration.connect_failed",
            outcome: "failure",
            actor,
            target: { type: "integration", id: existing.id },
            message: `Connect refused: “${existing.name}” already connects tenant ${input.tenantId} with App ID ${input.appId}.`,
          },
        ]);
        return conflict(existing);
      };
      const existing = await repo.findActive(input.partner, input.tenantId, input.appId);
      if (existing) throw await refuseAsConflict(existing);

      const report = await deps.verify(input);
      if (!report.ok) {
        await repo.audit([
          {
            action: "integration.connect_failed",
            outcome: "failure",
            actor,
            message: `Connect refused for tenant ${input.tenantId}, App ID ${input.appId}: ${report.error?.code ?? "verification failed"}. Nothing was stored.`,
          },
        ]);
        throw verificationFailed(report);
      }

      const id = randomUUID();
      const now = new Date();
      const sealed = await vault.seal(input.appSecret, id);
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
        secretDataKeyId: sealed.dataKeyId,
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
      const message =
        report.status === "connected"
          ? "Connected and verified."
          : `Connected with warnings: ${report.error?.message ?? "needs attention"}`;
      try {
        const inserted = await repo.insert(
          row,
          {
            kind: "connected",
            actor: actor.name,
            message,
            detail: { status: report.status, config, fingerprint: sealed.fingerprint, ...source(actor) },
          },
          [
            {
              action: "integration.connect",
              actor,
              target: { type: "integration", id },
              message: `${row.name}: ${message}`,
              changes: {
                before: {},
                after: {
                  name: row.name,
                  status: row.status,
                  ...config,
                  secretFingerprint: sealed.fingerprint,
                },
              },
            },
          ],
        );
        return toIntegration(inserted);
      } catch (error) {
        // Nothing refers to the new secret's key: destroy it now rather than leave it to the sweep.
        await vault.shred(sealed.dataKeyId);
        if (!isActiveConnectionConflict(error)) throw error;
        const winner = await repo.findActive(input.partner, input.tenantId, input.appId);
        throw winner ? await refuseAsConflict(winner) : error;
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
      const activeConflict = async () => {
        const other = await repo.findActive(row.partner, config.tenantId, config.appId);
        return other && other.id !== row.id ? conflict(other) : null;
      };
      if (config.tenantId !== row.config.tenantId || config.appId !== row.config.appId) {
        const error = await activeConflict();
        if (error) throw error;
      }
      const secret = patch.appSecret ?? (await openSecret(row));
      const name = patch.name ?? row.name;
      const report = await deps.verify({ partner: "defender", name, ...config, appSecret: secret });
      const target = { type: "integration" as const, id: row.id };
      if (!report.ok) {
        const message = `A proposed change failed verification and was not saved: ${report.error?.message ?? "unknown"}`;
        await repo.addEvent(
          row.id,
          {
            kind: "tested",
            actor: actor.name,
            message,
            detail: {
              code: report.error?.code ?? null,
              secretReplaced: patch.appSecret !== undefined,
              ...source(actor),
            },
          },
          [
            {
              action: patch.appSecret !== undefined ? "integration.secret_replace" : "integration.update",
              outcome: "failure",
              actor,
              target,
              message,
            },
          ],
        );
        throw verificationFailed(report);
      }
      const now = new Date();
      const nextConfig: StoredConfig = { ...config, cloud: report.cloud ?? config.cloud };
      const events: NewEvent[] = [];
      const audit: AuditEntry[] = [];
      const before = { name: row.name, ...row.config };
      const after = { name, ...nextConfig };
      const changed = Object.keys(after).filter((k) => Reflect.get(before, k) !== Reflect.get(after, k));
      if (changed.length > 0) {
        const message = `Changed ${changed.join(", ")}.`;
        events.push({
          kind: "updated",
          actor: actor.name,
          message,
          detail: { before, after, ...source(actor) },
        });
        audit.push({ action: "integration.update", actor, target, message, changes: { before, after } });
      }
      const secretPatch: IntegrationPatch = {};
      const sealed = patch.appSecret === undefined ? null : await vault.seal(patch.appSecret, row.id);
      if (sealed !== null) {
        Object.assign(secretPatch, {
          secretCiphertext: sealed.ciphertext,
          secretIv: sealed.iv,
          secretKeyId: sealed.keyId,
          secretFingerprint: sealed.fingerprint,
          secretDataKeyId: sealed.dataKeyId,
          secretUpdatedAt: now,
        });
        const message = `App Secret replaced (fingerprint ${row.secretFingerprint ?? "none"} → ${sealed.fingerprint}).`;
        events.push({
          kind: "secret_replaced",
          actor: actor.name,
          message,
          detail: {
            fingerprintBefore: row.secretFingerprint,
            fingerprintAfter: sealed.fingerprint,
            ...source(actor),
          },
        });
        audit.push({
          action: "integration.secret_replace",
          actor,
          target,
          message,
          changes: {
            before: { secretFingerprint: row.secretFingerprint },
            after: { secretFingerprint: sealed.fingerprint },
          },
        });
      }
      const updated = await repo
        .update(
          row.id,
          { name, config: nextConfig, ...reportPatch(report, now, report.status), ...secretPatch },
          events,
          audit,
          row.updatedAt,
        )
        .catch(async (error: unknown) => {
          await vault.shred(sealed?.dataKeyId);
          if (isActiveConnectionConflict(error)) throw (await activeConflict()) ?? error;
          throw error;
        });
      // A replaced secret is erased for good (its key destroyed); a change that lost a race erases the new one.
      await vault.shred(updated && sealed ? row.secretDataKeyId : sealed?.dataKeyId);
      if (!updated) throw changedMeanwhile(row);
      return toIntegration(updated);
    },

    async check(id: string, actor: Actor): Promise<Integration> {
      const row = await loadActive(id);
      const now = new Date();
      const target = { type: "integration" as const, id: row.id };
      let secret: string;
      try {
        secret = await openSecret(row);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A secret this server cannot open is a broken connection an admin must fix, not something to skip.
        const failure = {
          code: "secret_unreadable" as const,
          message: error.message,
          remediation: "Replace the App Secret (or restore the master key this secret was encrypted with).",
        };
        const updated = await repo.update(
          row.id,
          { status: "error", lastError: failure, lastCheckedAt: now, updatedAt: now },
          [
            {
              kind: "checked",
              actor: actor.name,
              message: `Re-check: error. ${failure.message}`,
              detail: { status: "error", code: failure.code, ...source(actor) },
            },
          ],
          [
            {
              action: "integration.check",
              outcome: "failure",
              actor,
              target,
              message: `Re-check failed: ${failure.message}`,
            },
          ],
          row.updatedAt,
        );
        if (!updated) throw changedMeanwhile(row);
        return toIntegration(updated);
      }
      const report = await deps.verify({
        partner: "defender",
        name: row.name,
        ...row.config,
        appSecret: secret,
      });
      // A working connection that hits a passing problem is degraded (amber, retry), not broken (red, act).
      const transient = report.error !== undefined && transientCodes.has(report.error.code);
      const status =
        report.status === "error" && transient && row.lastSuccessAt !== null ? "degraded" : report.status;
      const message = report.error ? `Re-check: ${status}. ${report.error.message}` : `Re-check: ${status}.`;
      const events: NewEvent[] = [
        {
          kind: "checked",
          actor: actor.name,
          message,
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
      const patch = reportPatch(report, now, status);
      // When the token step never ran, the report knows nothing about permissions: keep what was last seen.
      if (!report.steps.some((s) => s.id === "permissions" && s.status !== "skipped"))
        delete patch.permissions;
      const updated = await repo.update(
        row.id,
        patch,
        events,
        [
          {
            action: "integration.check",
            outcome: report.ok ? "success" : "failure",
            actor,
            target,
            message,
            ...(status !== row.status
              ? { changes: { before: { status: row.status }, after: { status } } }
              : {}),
          },
        ],
        row.updatedAt,
      );
      if (!updated) throw changedMeanwhile(row);
      return toIntegration(updated);
    },

    /** Erase the secret and stop using the connection; config and history stay. Idempotent. */
    async disconnect(id: string, actor: Actor): Promise<Integration> {
      // The write is conditional on the row being unchanged, so the data key destroyed below is the one the row
      // held when it was erased (a secret replaced meanwhile has a new key); a lost race simply tries again.
      for (let attempt = 0; ; attempt += 1) {
        const row = await load(id);
        if (row.status === "disconnected") return toIntegration(row);
        const updated = await erase(row, actor);
        if (updated) {
          // Destroying the data key is what erases the secret: old row versions, the WAL and backups keep only
          // a ciphertext nothing can open any more.
          await vault.shred(row.secretDataKeyId);
          return toIntegration(updated);
        }
        if (attempt >= 4) throw changedMeanwhile(row);
      }
    },
  };

  /** Disconnect one row as loaded: NULL the secret, record the events; undefined when the row changed meanwhile. */
  function erase(row: IntegrationRow, actor: Actor) {
    const now = new Date();
    return repo.update(
      row.id,
      {
        status: "disconnected",
        secretCiphertext: null,
        secretIv: null,
        secretKeyId: null,
        secretFingerprint: null,
        secretDataKeyId: null,
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
          message:
            "Disconnected. The App Secret was erased (its encryption key destroyed). Delete the secret in Microsoft Entra ID too.",
          detail: { fingerprintErased: row.secretFingerprint, ...source(actor) },
        },
      ],
      [
        {
          action: "integration.disconnect",
          actor,
          target: { type: "integration", id: row.id },
          message: `${row.name} disconnected; the App Secret was erased.`,
          changes: {
            before: { status: row.status, secretFingerprint: row.secretFingerprint },
            after: { status: "disconnected", secretFingerprint: null },
          },
        },
      ],
      row.updatedAt,
    );
  }
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
