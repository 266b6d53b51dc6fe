import { z } from "zod";

/**
 * What Patchbay reads from SentinelOne, by feature (shared/reference/edr-partners.md Part B). SentinelOne has one
 * API (the Management API of the console, `/web/api/v2.1/`) and no per-permission grant: a service user's role
 * (Viewer, SOC, IR Team, …) on an Account or Site decides what its API token may read. So each feature names the
 * role permission it needs, and every read-only role that holds it.
 */

export const SENTINELONE_API = {
  id: "sentinelone",
  portalName: "SentinelOne Management API",
  portalTab: "Service user role",
} as const;

export const sentinelOneFeatureIds = ["alerts", "devices"] as const;
export const sentinelOneFeatureIdSchema = z.enum(sentinelOneFeatureIds, {
  error: `each feature must be one of: ${sentinelOneFeatureIds.join(", ")}.`,
});
export type SentinelOneFeatureId = z.infer<typeof sentinelOneFeatureIdSchema>;

export const SENTINELONE_DEFAULT_FEATURES: readonly SentinelOneFeatureId[] = ["alerts", "devices"];

/** Roles of the console's role list that can view threats and endpoints (Viewer is the least of them). */
const VIEWING_ROLES = ["Viewer", "SOC", "IR Team", "Site Admin", "Account Admin", "Admin"] as const;

export interface SentinelOneFeature {
  id: SentinelOneFeatureId;
  label: string;
  /** The role permission the service user needs, as the console's role editor names it. */
  permission: string;
  /** What the failing read is called in messages: "threats", "agents". */
  read: "threats" | "agents";
  purpose: string;
  /** The cheapest call that proves it (query included; the scope is added when there is one). */
  probe: string;
}

export const sentinelOneFeatures: readonly SentinelOneFeature[] = [
  {
    id: "alerts",
    label: "Threats",
    permission: "Threats: View",
    read: "threats",
    purpose:
      "Syncs SentinelOne threats into Alerts: classification, confidence, incident status, mitigation and the endpoint.",
    probe: "threats?limit=1&skipCount=true",
  },
  {
    id: "devices",
    label: "Endpoints (agents)",
    permission: "Endpoints: View",
    read: "agents",
    purpose:
      "Syncs the agent inventory into Devices: network status, infection, OS and when each agent was last active.",
    probe: "agents?limit=1&skipCount=true",
  },
];

export function sentinelOneFeature(id: SentinelOneFeatureId): SentinelOneFeature {
  const feature = sentinelOneFeatures.find((f) => f.id === id);
  if (!feature) throw new Error(`unknown SentinelOne feature ${id}`);
  return feature;
}

export const viewingRoles: readonly string[] = VIEWING_ROLES;

/** The role permissions a set of features needs, each with the API, in catalog order. */
export function sentinelOnePermissionsFor(ids: readonly string[]): { name: string; api: string }[] {
  return sentinelOneFeatures
    .filter((f) => ids.includes(f.id))
    .map((f) => ({ name: f.permission, api: SENTINELONE_API.portalName }));
}
