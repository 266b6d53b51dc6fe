import type { Integration } from "../../../shared/contract";
import { integrationConfigSchema } from "../../../shared/contract";
import type { Actor, AuditEntry } from "../audit/audit";
import {
  changedMeanwhile,
  conflict,
  expiryAfter,
  expiryOf,
  expiryWarningDue,
  expiryWarningRecords,
  type IntegrationDeps,
  judgeExpiry,
  reportPatch,
  rowHelpers,
  type SecretExpiryState,
  source,
  toIntegration,
  verificationFailed,
} from "./context";
import { type IntegrationPatch, isActiveConnectionConflict, type NewEvent } from "./repository";

/**
 * Change a connection (name, settings, or a replacement secret). The merged result is verified first; nothing is
 * saved unless it passes, and a change that loses a race with another write (a Disconnect) saves nothing.
 */
export function changeActions(deps: IntegrationDeps) {
  const { repo, vault, partners } = deps;
  const { loadActive, openSecret } = rowHelpers(deps);

  return {
    async update(id: string, body: unknown, actor: Actor): Promise<Integration> {
      const row = await loadActive(id);
      const adapter = partners.get(row.partner);
      const current = integrationConfigSchema.parse(row.config);
      const patch = adapter.parseChange(body, current);
      const config = patch.config;
      const identityKey = adapter.identityKey(config);
      const activeConflict = async () => {
        const other = await repo.findActive(adapter.id, identityKey);
        return other && other.id !== row.id ? conflict(other, adapter.describeIdentity(config)) : null;
      };
      if (identityKey !== row.identityKey) {
        const error = await activeConflict();
        if (error) throw error;
      }
      const secret = patch.secret ?? (await openSecret(row));
      const name = patch.name ?? row.name;
      const now = new Date();
      const verified = await adapter.verify(config, secret, name);
      // A new secret has a new expiry (unknown until read or typed); a typed date replaces the one known.
      const previous: SecretExpiryState =
        patch.secretExpiresAt !== undefined
          ? {
              expiresAt: patch.secretExpiresAt === null ? null : new Date(patch.secretExpiresAt),
              source: patch.secretExpiresAt === null ? null : "admin",
              warnedDays: null,
            }
          : patch.secret !== undefined
            ? { expiresAt: null, source: null, warnedDays: null }
            : expiryOf(row);
      const expiry = expiryAfter(verified, previous);
      const report = judgeExpiry(verified, expiry, now, deps.secretWarnDays, adapter.secretRenewal);
      const warning = expiryWarningDue(expiry, now);
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
              secretReplaced: patch.secret !== undefined,
              ...source(actor),
            },
          },
          [
            {
              action: patch.secret !== undefined ? "integration.secret_replace" : "integration.update",
              outcome: "failure",
              actor,
              target,
              message,
            },
          ],
        );
        throw verificationFailed(report);
      }
      const nextConfig = adapter.settle(config, report);
      const events: NewEvent[] = [];
      const audit: AuditEntry[] = [];
      const typedExpiry = patch.secretExpiresAt !== undefined;
      const before = {
        name: row.name,
        ...current,
        ...(typedExpiry ? { secretExpiresAt: row.secretExpiresAt?.toISOString() ?? null } : {}),
      };
      const after = {
        name,
        ...nextConfig,
        ...(typedExpiry ? { secretExpiresAt: expiry.expiresAt?.toISOString() ?? null } : {}),
      };
      const changed = Object.keys(after).filter(
        (k) => JSON.stringify(Reflect.get(before, k)) !== JSON.stringify(Reflect.get(after, k)),
      );
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
      if (warning !== null && expiry.expiresAt !== null) {
        const records = expiryWarningRecords(row, expiry.expiresAt, warning, actor);
        events.push(records.event);
        audit.push(records.audit);
      }
      const secretPatch: IntegrationPatch = {};
      const sealed = patch.secret === undefined ? null : await vault.seal(patch.secret, row.id);
      if (sealed !== null) {
        Object.assign(secretPatch, {
          secretCiphertext: sealed.ciphertext,
          secretIv: sealed.iv,
          secretKeyId: sealed.keyId,
          secretFingerprint: sealed.fingerprint,
          secretDataKeyId: sealed.dataKeyId,
          secretUpdatedAt: now,
        });
        const message = `Secret replaced (fingerprint ${row.secretFingerprint ?? "none"} → ${sealed.fingerprint}).`;
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
          {
            name,
            config: nextConfig,
            identityKey,
            ...reportPatch(report, now, report.status),
            secretExpiresAt: expiry.expiresAt,
            secretExpirySource: expiry.source,
            secretExpiryWarnedDays: warning ?? expiry.warnedDays,
            ...secretPatch,
          },
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
  };
}
