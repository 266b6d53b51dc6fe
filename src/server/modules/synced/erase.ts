import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { integrationEvents, integrations } from "../../db/schema";
import type { SyncEngine } from "../../sync/engine";
import { type Actor, recordAudit } from "../audit/audit";

/**
 * Disconnect and delete synced data (issue 8): after the disconnect, erase everything the connection synced
 * (alerts, incidents, devices, vulnerabilities, software) and its sync streams, with the counts in its event log
 * and the audit trail, all in one transaction. Idempotent: a second call erases nothing and says so.
 */
export async function eraseSyncedData(db: Database, engine: SyncEngine, id: string, actor: Actor) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ name: integrations.name })
      .from(integrations)
      .where(eq(integrations.id, id));
    if (!row) return;
    const erased = await engine.erase(tx, id);
    const total = Object.values(erased).reduce((a, b) => a + b, 0);
    const counts = Object.entries(erased)
      .map(([table, n]) => `${n.toLocaleString("en-US")} ${table}`)
      .join(", ");
    const message = total === 0 ? "Synced data erased: there was none." : `Synced data erased: ${counts}.`;
    const at = new Date();
    await tx.insert(integrationEvents).values({
      integrationId: id,
      at,
      kind: "data_erased",
      actor: actor.name,
      message,
      detail: { erased, ip: actor.ip, userAgent: actor.userAgent },
    });
    await recordAudit(
      tx,
      [
        {
          action: "integration.data_erase",
          actor,
          target: { type: "integration", id },
          message: `${row.name}: ${message}`,
          changes: { before: erased, after: {} },
        },
      ],
      at,
    );
  });
}
