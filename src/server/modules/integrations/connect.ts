import { randomUUID } from "node:crypto";
import type { Integration, VerificationReport } from "../../../shared/contract";
import type { IntegrationRow } from "../../db/schema";
import type { Actor } from "../audit/audit";
import {
  conflict,
  expiryAfter,
  expiryWarningDue,
  expiryWarningRecords,
  type IntegrationDeps,
  judgeExpiry,
  source,
  toIntegration,
  verificationFailed,
} from "./context";
import { isActiveConnectionConflict } from "./repository";

/** Test (verify, store nothing) and Connect (verify, then store the connection with its sealed secret). */
export function connectActions(deps: IntegrationDeps) {
  const { repo, vault, partners } = deps;

  return {
    /** Verify without storing anything (the audit trail records that a test ran, and its outcome). */
    async test(body: unknown, actor: Actor): Promise<VerificationReport> {
      const adapter = partners.forBody(body);
      const request = adapter.parseConnect(body);
      const report = await adapter.verify(request.config, request.secret, request.name, request.options);
      await repo.audit([
        {
          action: "integration.test",
          outcome: report.ok ? "success" : "failure",
          actor,
          message: `Tested ${adapter.defaultName} for ${adapter.describeIdentity(request.config)}: ${report.status}${report.error ? ` (${report.error.code})` : ""}.`,
        },
      ]);
      return report;
    },

    async connect(body: unknown, actor: Actor): Promise<Integration> {
      const adapter = partners.forBody(body);
      const request = adapter.parseConnect(body);
      const identity = adapter.describeIdentity(request.config);
      const identityKey = adapter.identityKey(request.config);
      const refuseAsConflict = async (existing: IntegrationRow) => {
        await repo.audit([
          {
            action: "integration.connect_failed",
            outcome: "failure",
            actor,
            target: { type: "integration", id: existing.id },
            message: `Connect refused: “${existing.name}” already connects ${identity}.`,
          },
        ]);
        return conflict(existing, identity);
      };
      const existing = await repo.findActive(adapter.id, identityKey);
      if (existing) throw await refuseAsConflict(existing);

      const now = new Date();
      const verified = await adapter.verify(request.config, request.secret, request.name, request.options);
      const expiry = expiryAfter(verified, { expiresAt: null, source: null, warnedDays: null });
      const report = judgeExpiry(verified, expiry, now, deps.secretWarnDays, adapter.secretRenewal);
      const warning = expiryWarningDue(expiry, now);
      if (!report.ok) {
        await repo.audit([
          {
            action: "integration.connect_failed",
            outcome: "failure",
            actor,
            message: `Connect refused for ${identity}: ${report.error?.code ?? "verification failed"}. Nothing was stored.`,
          },
        ]);
        throw verificationFailed(report);
      }

      const id = randomUUID();
      const sealed = await vault.seal(request.secret, id);
      const config = adapter.settle(request.config, report);
      const row: IntegrationRow = {
        id,
        partner: adapter.id,
        identityKey,
        name: request.name ?? adapter.defaultName,
        status: report.status,
        config,
        secretCiphertext: sealed.ciphertext,
        secretIv: sealed.iv,
        secretKeyId: sealed.keyId,
        secretFingerprint: sealed.fingerprint,
        secretDataKeyId: sealed.dataKeyId,
        secretUpdatedAt: now,
        secretExpiresAt: expiry.expiresAt,
        secretExpirySource: expiry.source,
        secretExpiryWarnedDays: warning ?? expiry.warnedDays,
        permissions: report.permissions,
        lastError: report.error ?? null,
        syncIssue: null,
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
      let inserted: IntegrationRow;
      try {
        inserted = await repo.insert(
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
            ...(warning !== null && expiry.expiresAt !== null
              ? [expiryWarningRecords(row, expiry.expiresAt, warning, actor).audit]
              : []),
          ],
        );
      } catch (error) {
        // Nothing refers to the new secret's key: destroy it now rather than leave it to the sweep.
        await vault.shred(sealed.dataKeyId);
        if (!isActiveConnectionConflict(error)) throw error;
        const winner = await repo.findActive(adapter.id, identityKey);
        throw winner ? await refuseAsConflict(winner) : error;
      }
      if (warning !== null && expiry.expiresAt !== null) {
        await repo.addEvent(
          inserted.id,
          expiryWarningRecords(row, expiry.expiresAt, warning, actor).event,
          [],
        );
      }
      return toIntegration(inserted);
    },
  };
}
