import { and, count, eq, isNull, lte, ne, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { alerts, devices, type IntegrationRow, incidents, software, vulnerabilities } from "../db/schema";
import type { SyncBatch, SyncTable } from "../partners/adapter";

/**
 * Writing a page of synced records (DESIGN §12). Incremental tables (alerts, incidents) keep each record's newest
 * version: an older one read again through the cursor's overlap never overwrites it, and an unchanged one is no
 * news. Inventory tables (devices, vulnerabilities, software) stamp each row with the pass that listed it; when a
 * pass completes, rows it did not list are marked removed (kept, so history and links survive).
 */

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters at any table's width. */
export const INSERT_CHUNK = 1_000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Upsert a page's records; resolves to how many were new or changed. */
export async function storeBatch(
  tx: Tx,
  row: IntegrationRow,
  batch: SyncBatch,
  pass: string | undefined,
  now: Date,
): Promise<number> {
  const owner = { integrationId: row.id, partner: row.partner, syncedAt: now };
  const seen = { seenPass: pass ?? now.toISOString(), removedAt: null };
  let stored = 0;
  switch (batch.table) {
    case "alerts":
      for (const part of chunks(batch.records, INSERT_CHUNK)) {
        const changed = await tx
          .insert(alerts)
          .values(part.map((r) => ({ ...r, ...owner })))
          .onConflictDoUpdate({
            target: [alerts.integrationId, alerts.externalId],
            set: {
              title: sql`excluded.title`,
              severity: sql`excluded.severity`,
              status: sql`excluded.status`,
              createdAt: sql`excluded.created_at`,
              updatedAt: sql`excluded.updated_at`,
              deviceName: sql`excluded.device_name`,
              category: sql`excluded.category`,
              description: sql`excluded.description`,
              evidence: sql`excluded.evidence`,
              portalUrl: sql`excluded.portal_url`,
              raw: sql`excluded.raw`,
              syncedAt: sql`excluded.synced_at`,
            },
            setWhere: sql`${alerts.updatedAt} < excluded.updated_at`,
          })
          .returning({ id: alerts.id });
        stored += changed.length;
      }
      return stored;
    case "incidents":
      for (const part of chunks(batch.records, INSERT_CHUNK)) {
        const changed = await tx
          .insert(incidents)
          .values(part.map((r) => ({ ...r, ...owner })))
          .onConflictDoUpdate({
            target: [incidents.integrationId, incidents.externalId],
            set: {
              title: sql`excluded.title`,
              severity: sql`excluded.severity`,
              status: sql`excluded.status`,
              createdAt: sql`excluded.created_at`,
              updatedAt: sql`excluded.updated_at`,
              assignedTo: sql`excluded.assigned_to`,
              alertCount: sql`excluded.alert_count`,
              portalUrl: sql`excluded.portal_url`,
              raw: sql`excluded.raw`,
              syncedAt: sql`excluded.synced_at`,
            },
            setWhere: sql`${incidents.updatedAt} < excluded.updated_at`,
          })
          .returning({ id: incidents.id });
        stored += changed.length;
      }
      return stored;
    case "devices":
      for (const part of chunks(batch.records, INSERT_CHUNK)) {
        const changed = await tx
          .insert(devices)
          .values(part.map((r) => ({ ...r, ...owner, ...seen })))
          .onConflictDoUpdate({
            target: [devices.integrationId, devices.externalId],
            set: {
              name: sql`excluded.name`,
              healthStatus: sql`excluded.health_status`,
              osPlatform: sql`excluded.os_platform`,
              onboardingStatus: sql`excluded.onboarding_status`,
              riskScore: sql`excluded.risk_score`,
              exposureLevel: sql`excluded.exposure_level`,
              lastSeenAt: sql`excluded.last_seen_at`,
              portalUrl: sql`excluded.portal_url`,
              raw: sql`excluded.raw`,
              seenPass: sql`excluded.seen_pass`,
              removedAt: sql`null`,
              syncedAt: sql`excluded.synced_at`,
            },
          })
          .returning({ id: devices.id });
        stored += changed.length;
      }
      return stored;
    case "vulnerabilities":
      for (const part of chunks(batch.records, INSERT_CHUNK)) {
        const changed = await tx
          .insert(vulnerabilities)
          .values(part.map((r) => ({ ...r, ...owner, ...seen })))
          .onConflictDoUpdate({
            target: [vulnerabilities.integrationId, vulnerabilities.externalId],
            set: {
              title: sql`excluded.title`,
              severity: sql`excluded.severity`,
              cvssScore: sql`excluded.cvss_score`,
              exposedDevices: sql`excluded.exposed_devices`,
              publicExploit: sql`excluded.public_exploit`,
              publishedAt: sql`excluded.published_at`,
              updatedAt: sql`excluded.updated_at`,
              raw: sql`excluded.raw`,
              seenPass: sql`excluded.seen_pass`,
              removedAt: sql`null`,
              syncedAt: sql`excluded.synced_at`,
            },
          })
          .returning({ id: vulnerabilities.id });
        stored += changed.length;
      }
      return stored;
    case "software":
      for (const part of chunks(batch.records, INSERT_CHUNK)) {
        const changed = await tx
          .insert(software)
          .values(part.map((r) => ({ ...r, ...owner, ...seen })))
          .onConflictDoUpdate({
            target: [software.integrationId, software.externalId],
            set: {
              name: sql`excluded.name`,
              vendor: sql`excluded.vendor`,
              weaknesses: sql`excluded.weaknesses`,
              exposedDevices: sql`excluded.exposed_devices`,
              publicExploit: sql`excluded.public_exploit`,
              raw: sql`excluded.raw`,
              seenPass: sql`excluded.seen_pass`,
              removedAt: sql`null`,
              syncedAt: sql`excluded.synced_at`,
            },
          })
          .returning({ id: software.id });
        stored += changed.length;
      }
      return stored;
  }
}

const inventories = { devices, vulnerabilities, software } as const;

/** A completed inventory pass: what it did not list is gone from the partner. */
export async function markUnlisted(
  tx: Tx,
  table: SyncTable,
  integrationId: string,
  pass: string,
  now: Date,
): Promise<void> {
  if (table !== "devices" && table !== "vulnerabilities" && table !== "software") return;
  const t = inventories[table];
  await tx
    .update(t)
    .set({ removedAt: now })
    .where(and(eq(t.integrationId, integrationId), ne(t.seenPass, pass), isNull(t.removedAt)));
}

const tables = { alerts, incidents, devices, vulnerabilities, software } as const;
const syncTables: readonly SyncTable[] = ["alerts", "incidents", "devices", "vulnerabilities", "software"];

/**
 * Delete rows and say how many, without bringing their ids back (a connection may hold millions): the count and
 * the delete share the transaction, so they agree.
 */
async function deleteCounted(
  tx: Tx,
  table: SyncTable,
  where: (t: (typeof tables)[SyncTable]) => SQL | undefined,
) {
  const t = tables[table];
  const [row] = await tx.select({ n: count() }).from(t).where(where(t));
  await tx.delete(t).where(where(t));
  return row?.n ?? 0;
}

/** Everything a connection synced (Disconnect and delete synced data), per table. */
export async function eraseSyncedData(tx: Tx, integrationId: string): Promise<Record<SyncTable, number>> {
  const erased: Record<SyncTable, number> = {
    alerts: 0,
    incidents: 0,
    devices: 0,
    vulnerabilities: 0,
    software: 0,
  };
  for (const table of syncTables) {
    erased[table] = await deleteCounted(tx, table, (t) => eq(t.integrationId, integrationId));
  }
  return erased;
}

/** Alerts and incidents created before `cutoff` (the retention period). */
export async function deleteOlderThan(tx: Tx, cutoff: Date): Promise<number> {
  return (
    (await deleteCounted(tx, "alerts", () => lte(alerts.createdAt, cutoff))) +
    (await deleteCounted(tx, "incidents", () => lte(incidents.createdAt, cutoff)))
  );
}
