import type { Integration } from "../../../shared/contract";
import { integrationConfigSchema } from "../../../shared/contract";
import { AppError } from "../../lib/app-error";
import type { Actor, AuditEntry } from "../audit/audit";
import {
  changedMeanwhile,
  expiryAfter,
  expiryOf,
  expiryWarningDue,
  expiryWarningRecords,
  type IntegrationDeps,
  judgeExpiry,
  reportPatch,
  rowHelpers,
  source,
  toIntegration,
} from "./context";
import type { IntegrationPatch, NewEvent } from "./repository";

/** Re-check a connection with its stored secret (the Re-check button, and the scheduler). */
export function checkActions(deps: IntegrationDeps) {
  const { repo, partners } = deps;
  const { loadActive, openSecret } = rowHelpers(deps);

  return {
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
          remediation: "Replace the secret (or restore the master key this secret was encrypted with).",
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
      const adapter = partners.get(row.partner);
      const verified = await adapter.verify(integrationConfigSchema.parse(row.config), secret, row.name);
      const expiry = expiryAfter(verified, expiryOf(row));
      const report = judgeExpiry(verified, expiry, now, deps.secretWarnDays, adapter.secretRenewal);
      const warning = expiryWarningDue(expiry, now);
      // A working connection that hits a passing problem is degraded (amber, retry), not broken (red, act).
      const transient = report.error !== undefined && adapter.transientCodes.has(report.error.code);
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
      const audit: AuditEntry[] = [];
      if (warning !== null && expiry.expiresAt !== null) {
        const records = expiryWarningRecords(row, expiry.expiresAt, warning, actor);
        events.push(records.event);
        audit.push(records.audit);
      }
      const patch: IntegrationPatch = {
        ...reportPatch(report, now, status),
        secretExpiresAt: expiry.expiresAt,
        secretExpirySource: expiry.source,
        secretExpiryWarnedDays: warning ?? expiry.warnedDays,
      };
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
          ...audit,
        ],
        row.updatedAt,
      );
      if (!updated) throw changedMeanwhile(row);
      return toIntegration(updated);
    },
  };
}
