// Tenants with volume, for sync (issue 8): alerts and machines generated deterministically from a seed, in the
// shapes Microsoft really sends (nulls, `evidence` as an object instead of an array, machine ids that are sha1 hex,
// the same alert twice in one list, a record without its creation time), and changed while Patchbay syncs
// (alerts updated with one shared timestamp, machines removed). Set through the control API:
//   PUT  /__simulator/data/{tenant}                  { "alerts": 100000, "machines": 20000 }
//   POST /__simulator/data/{tenant}/alerts/update    { "count": 500, "status": "Resolved", "at"?: ISO }
//   POST /__simulator/data/{tenant}/machines/remove  { "count": 10 }
// Tenants with bulk data answer with it instead of their seeded records.

import { z } from "zod";
import type { Entity } from "./odata";
import { sha1Hex } from "./seed";

export const bulkDataSchema = z.object({
  alerts: z.number().int().min(0).max(1_000_000),
  machines: z.number().int().min(0).max(200_000),
  /** Alerts are spread over this many days before now. */
  days: z.number().int().min(1).max(365).default(30),
});
export const alertUpdateSchema = z.object({
  count: z.number().int().min(1),
  status: z.string().min(1).max(40),
  /** The lastUpdateTime they all get (default now): a time in the past is data that arrived late. */
  at: z.iso.datetime().optional(),
});
export const machineRemovalSchema = z.object({ count: z.number().int().min(1) });

interface BulkTenant {
  alerts: Entity[];
  machines: Entity[];
}

const tenants = new Map<string, BulkTenant>();

/** A small deterministic PRNG (mulberry32), so the same request always makes the same tenant. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEVERITIES = ["Informational", "Low", "Medium", "High"] as const;
const HEALTH = ["Active", "Inactive", "ImpairedCommunication", "NoSensorData"] as const;
const OS = ["Windows11", "Windows10", "WindowsServer2022", "Linux", "macOS"] as const;

/** A Microsoft timestamp: 7 fractional digits, as the API writes them. */
const msTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");

function pick<T>(items: readonly T[], r: number): T {
  const item = items[Math.floor(r * items.length) % items.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

export function generateBulk(tenantId: string, spec: z.infer<typeof bulkDataSchema>, now = Date.now()): void {
  const rand = random(Number.parseInt(sha1Hex(tenantId).slice(0, 8), 16));
  const machines: Entity[] = [];
  for (let i = 0; i < spec.machines; i += 1) {
    const r = rand();
    machines.push({
      id: sha1Hex(`${tenantId}:bulk-machine:${i}`),
      computerDnsName: i % 300 === 7 ? null : `host-${String(i).padStart(6, "0")}.bulk.example`,
      firstSeen: msTime(now - 200 * 86_400_000),
      lastSeen: msTime(now - Math.floor(r * 7 * 86_400_000)),
      osPlatform: i % 250 === 3 ? null : pick(OS, r),
      healthStatus: i % 300 === 11 ? null : pick(HEALTH, rand()),
      onboardingStatus: i % 400 === 5 ? "InsufficientInfo" : "Onboarded",
      riskScore: pick(["None", "Low", "Medium", "High"], rand()),
      exposureLevel: pick(["None", "Low", "Medium", "High"], rand()),
      aadDeviceId: i % 3 === 0 ? null : sha1Hex(`${tenantId}:aad:${i}`).slice(0, 32),
      machineTags: [],
    });
  }
  const alerts: Entity[] = [];
  const span = spec.days * 86_400_000;
  for (let i = 0; i < spec.alerts; i += 1) {
    const created = now - span + Math.floor(rand() * (span - 10 * 60_000));
    const updated = Math.min(now - 2 * 60_000, created + Math.floor(rand() * 3_600_000));
    const machine = machines.length > 0 ? machines[i % machines.length] : undefined;
    const evidence = [{ entityType: "File", sha1: sha1Hex(`e${i}`), fileName: `f${i}.exe`, filePath: null }];
    const alert: Entity = {
      id: `da${sha1Hex(`${tenantId}:bulk-alert:${i}`).slice(0, 18)}_${i}`,
      incidentId: 1000 + Math.floor(i / 3),
      investigationId: i % 5 === 0 ? null : 5000 + i,
      severity: i % 700 === 9 ? null : pick(SEVERITIES, rand()),
      status: "New",
      title: i % 500 === 13 ? null : `Suspicious activity ${i}`,
      alertCreationTime: i % 1000 === 17 ? null : msTime(created),
      lastUpdateTime: msTime(updated),
      machineId: machine?.id ?? null,
      computerDnsName: machine?.computerDnsName ?? null,
      aadTenantId: tenantId,
      // A single object instead of an array: it happens.
      evidence: i % 200 === 21 ? evidence[0] : evidence,
    };
    alerts.push(alert);
    // The same alert twice in one list, the copy older.
    if (i % 1000 === 23) alerts.push({ ...alert, lastUpdateTime: msTime(updated - 60_000) });
  }
  tenants.set(tenantId, { alerts, machines });
}

export function bulkAlerts(tenantId: string): readonly Entity[] | undefined {
  return tenants.get(tenantId)?.alerts;
}

export function bulkMachines(tenantId: string): readonly Entity[] | undefined {
  return tenants.get(tenantId)?.machines;
}

/**
 * Update the first `count` list entries to `status`, all at one and the same lastUpdateTime. Resolves to how many
 * distinct, well-formed alerts that changed (what a sync must show), since the list holds a duplicate and a
 * malformed record here and there.
 */
export function updateBulkAlerts(tenantId: string, count: number, status: string, now = Date.now()): number {
  const tenant = tenants.get(tenantId);
  if (!tenant) return 0;
  const at = msTime(now);
  const changed = new Set<string>();
  const n = Math.min(count, tenant.alerts.length);
  for (let i = 0; i < n; i += 1) {
    const alert = tenant.alerts[i];
    if (!alert) continue;
    tenant.alerts[i] = { ...alert, status, lastUpdateTime: at };
    if (typeof alert.id === "string" && alert.alertCreationTime !== null) changed.add(alert.id);
  }
  return changed.size;
}

/** Remove the last `count` machines: they disappear from the list, as retired devices do. */
export function removeBulkMachines(tenantId: string, count: number): number {
  const tenant = tenants.get(tenantId);
  if (!tenant) return 0;
  const n = Math.min(count, tenant.machines.length);
  tenant.machines.splice(tenant.machines.length - n, n);
  return n;
}

export function resetBulk(): void {
  tenants.clear();
}

/** The distinct, well-formed alerts of a tenant (what a complete sync must hold). */
export function bulkAlertIds(tenantId: string): Set<string> {
  const ids = new Set<string>();
  for (const alert of tenants.get(tenantId)?.alerts ?? []) {
    if (typeof alert.id === "string" && alert.alertCreationTime !== null) ids.add(alert.id);
  }
  return ids;
}
