import { type Integration, integrationConfigSchema } from "../../../shared/contract";
import type { IntegrationRow } from "../../db/schema";
import type { Actor } from "../audit/audit";
import { changedMeanwhile, type IntegrationDeps, rowHelpers, source, toIntegration } from "./context";

/** Disconnect: erase the secret for good and stop using the connection; config and history stay. Idempotent. */
export function disconnectActions(deps: IntegrationDeps) {
  const { repo, vault, partners } = deps;
  const { load, openSecret } = rowHelpers(deps);

  /** Let the partner give back what it holds (tokens) while the secret still exists; never blocks a Disconnect. */
  async function release(row: IntegrationRow) {
    const adapter = partners.get(row.partner);
    if (!adapter.release || row.secretCiphertext === null) return;
    const config = integrationConfigSchema.safeParse(row.config);
    if (!config.success) return;
    try {
      await adapter.release(config.data, await openSecret(row));
    } catch {
      // An unreadable secret (a rotated master key) has nothing left to release.
    }
  }

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
        permissions: partners.get(row.partner).idlePermissions(),
        disconnectedAt: now,
        updatedAt: now,
      },
      [
        {
          kind: "disconnected",
          actor: actor.name,
          message:
            "Disconnected. The secret was erased (its encryption key destroyed). Delete it at the partner too.",
          detail: { fingerprintErased: row.secretFingerprint, ...source(actor) },
        },
      ],
      [
        {
          action: "integration.disconnect",
          actor,
          target: { type: "integration", id: row.id },
          message: `${row.name} disconnected; the secret was erased.`,
          changes: {
            before: { status: row.status, secretFingerprint: row.secretFingerprint },
            after: { status: "disconnected", secretFingerprint: null },
          },
        },
      ],
      row.updatedAt,
    );
  }

  return {
    async disconnect(id: string, actor: Actor): Promise<Integration> {
      // The write is conditional on the row being unchanged, so the data key destroyed below is the one the row
      // held when it was erased (a secret replaced meanwhile has a new key); a lost race simply tries again.
      for (let attempt = 0; ; attempt += 1) {
        const row = await load(id);
        if (row.status === "disconnected") return toIntegration(row);
        if (attempt === 0) await release(row);
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
}
