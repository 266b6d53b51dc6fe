import { z } from "zod";

/**
 * One Microsoft app registration, many uses (issue 7): each feature names the API (Entra resource) it calls, the
 * application permission(s) it needs there, what Patchbay does with it, and the cheap documented call that proves
 * it works. Sources: shared/reference/microsoft-defender.md §2.4 and §4.6, microsoft-graph.md §1, §4.3 and §5.
 */

export const microsoftApiIds = ["defender", "threat-protection", "graph"] as const;
export const microsoftApiIdSchema = z.enum(microsoftApiIds);
export type MicrosoftApiId = z.infer<typeof microsoftApiIdSchema>;

export interface MicrosoftApi {
  id: MicrosoftApiId;
  /** The name the Entra portal shows under API permissions → Add a permission. */
  portalName: string;
  /** Where the Entra portal lists it: "APIs my organization uses" or "Microsoft APIs". */
  portalTab: string;
}

export const microsoftApis: Record<MicrosoftApiId, MicrosoftApi> = {
  defender: { id: "defender", portalName: "WindowsDefenderATP", portalTab: "APIs my organization uses" },
  "threat-protection": {
    id: "threat-protection",
    portalName: "Microsoft Threat Protection",
    portalTab: "APIs my organization uses",
  },
  graph: { id: "graph", portalName: "Microsoft Graph", portalTab: "Microsoft APIs" },
};

export const defenderFeatureIds = [
  "alerts",
  "devices",
  "vulnerabilities",
  "exposure",
  "recommendations",
  "hunting",
  "indicators",
  "isolation",
  "incidents",
  "graph-hunting",
  "custom-detections",
  "intune",
  "entra-devices",
  "secret-expiry",
] as const;
export const defenderFeatureIdSchema = z.enum(defenderFeatureIds, {
  error: `each feature must be one of: ${defenderFeatureIds.join(", ")}.`,
});
export type DefenderFeatureId = z.infer<typeof defenderFeatureIdSchema>;

/** What a connection enables when the request names no features (round 1's behaviour). */
export const DEFAULT_FEATURES: readonly DefenderFeatureId[] = ["alerts", "devices"];

export interface FeaturePermission {
  /** The application permission, as the Entra portal spells it. */
  name: string;
  /** Higher permissions on the same API that also satisfy it. */
  satisfiedBy: readonly string[];
}

export interface FeatureProbe {
  method: "GET" | "POST";
  /** Path on the API's host, query included. */
  path: string;
  /** JSON body of a POST. */
  body?: Record<string, string>;
  /** A 404 with the API's error body means "nothing there yet", not a failure (Defender's machines list). */
  emptyIsNotFound?: boolean;
}

export interface DefenderFeature {
  id: DefenderFeatureId;
  label: string;
  api: MicrosoftApiId;
  permissions: readonly FeaturePermission[];
  /** What Patchbay does with it, in a sentence an admin can weigh against the permission. */
  purpose: string;
  /** The cheapest documented call that proves the permission works; null: granted is all there is to check. */
  probe: FeatureProbe | null;
  /** The probe spends a quota the tenant needs for itself: run it only when asked. */
  probeOnRequest?: boolean;
  /** A licence the tenant needs besides the permission, named in the "not licensed" outcome. */
  licence?: string;
}

const p = (name: string, ...satisfiedBy: string[]): FeaturePermission => ({ name, satisfiedBy });

export const defenderFeatures: readonly DefenderFeature[] = [
  {
    id: "alerts",
    label: "Alerts",
    api: "defender",
    permissions: [p("Alert.Read.All", "Alert.ReadWrite.All")],
    purpose: "Syncs Defender for Endpoint alerts with severity, status and investigation state.",
    probe: { method: "GET", path: "/api/alerts?$top=1" },
  },
  {
    id: "devices",
    label: "Devices",
    api: "defender",
    permissions: [p("Machine.Read.All", "Machine.ReadWrite.All")],
    purpose: "Syncs the machine inventory: health, OS, onboarding, risk and exposure.",
    probe: { method: "GET", path: "/api/machines?$top=1", emptyIsNotFound: true },
  },
  {
    id: "vulnerabilities",
    label: "Vulnerabilities and software",
    api: "defender",
    permissions: [p("Vulnerability.Read.All"), p("Software.Read.All")],
    purpose: "Syncs vulnerabilities (CVEs with exposed machines) and the installed-software inventory.",
    probe: { method: "GET", path: "/api/vulnerabilities?$top=1" },
  },
  {
    id: "exposure",
    label: "Exposure score",
    api: "defender",
    permissions: [p("Score.Read.All")],
    purpose: "Shows the organisation's exposure score.",
    probe: { method: "GET", path: "/api/exposureScore" },
  },
  {
    id: "recommendations",
    label: "Security recommendations",
    api: "defender",
    permissions: [p("SecurityRecommendation.Read.All")],
    purpose: "Shows Defender's security recommendations.",
    probe: { method: "GET", path: "/api/recommendations?$top=1" },
  },
  {
    id: "hunting",
    label: "Advanced hunting (Defender for Endpoint)",
    api: "defender",
    permissions: [p("AdvancedQuery.Read.All")],
    purpose: "Runs advanced hunting queries through the Defender for Endpoint API.",
    probe: { method: "POST", path: "/api/advancedqueries/run", body: { Query: "DeviceInfo | take 1" } },
    probeOnRequest: true,
  },
  {
    id: "indicators",
    label: "Indicators",
    api: "defender",
    permissions: [p("Ti.ReadWrite.All")],
    purpose: "Lists and submits threat indicators (files, IPs, URLs) to Defender.",
    probe: { method: "GET", path: "/api/indicators?$top=1" },
  },
  {
    id: "isolation",
    label: "Device isolation",
    api: "defender",
    permissions: [p("Machine.Isolate")],
    purpose:
      "Lets an admin isolate a compromised device from the network (Patchbay reports whether it is granted; the action comes later).",
    probe: null,
  },
  {
    id: "incidents",
    label: "Incidents",
    api: "threat-protection",
    permissions: [p("Incident.Read.All", "Incident.ReadWrite.All")],
    purpose: "Syncs Defender XDR incidents with their alerts.",
    probe: { method: "GET", path: "/api/incidents?$top=1" },
  },
  {
    id: "graph-hunting",
    label: "Threat hunting (Microsoft Graph)",
    api: "graph",
    permissions: [p("ThreatHunting.Read.All")],
    purpose:
      "Runs advanced hunting queries through Microsoft Graph (the successor of the Defender hunting API).",
    probe: {
      method: "POST",
      path: "/v1.0/security/runHuntingQuery",
      body: { Query: "DeviceInfo | take 1", Timespan: "P1D" },
    },
    probeOnRequest: true,
  },
  {
    id: "custom-detections",
    label: "Custom detections",
    api: "graph",
    permissions: [p("CustomDetection.ReadWrite.All")],
    purpose: "Reads and manages custom detection rules.",
    probe: { method: "GET", path: "/beta/security/rules/detectionRules?$top=1" },
  },
  {
    id: "intune",
    label: "Intune devices and configuration",
    api: "graph",
    permissions: [
      p("DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"),
      p("DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"),
    ],
    purpose: "Reads Intune managed devices (compliance, encryption, last sync) and compliance policies.",
    probe: { method: "GET", path: "/v1.0/deviceManagement/managedDevices?$top=1&$select=id" },
    licence: "Microsoft Intune",
  },
  {
    id: "entra-devices",
    label: "Entra ID devices",
    api: "graph",
    permissions: [p("Device.Read.All", "Directory.Read.All")],
    purpose: "Reads Entra ID devices (compliance, management, trust type, last sign-in).",
    probe: { method: "GET", path: "/v1.0/devices?$top=1&$select=id" },
  },
  {
    id: "secret-expiry",
    label: "Secret expiry",
    api: "graph",
    permissions: [p("Application.Read.All", "Application.ReadWrite.All")],
    purpose: "Reads when this app's client secret expires, to warn 30 days ahead.",
    probe: null,
  },
];

export function defenderFeature(id: DefenderFeatureId): DefenderFeature {
  const feature = defenderFeatures.find((f) => f.id === id);
  if (!feature) throw new Error(`unknown feature ${id}`);
  return feature;
}

/** Is `permission` granted by `roles` (directly or through a higher permission)? */
export function isGranted(permission: FeaturePermission, roles: readonly string[]): boolean {
  return roles.includes(permission.name) || permission.satisfiedBy.some((name) => roles.includes(name));
}

/**
 * Every permission either seed guide asks for (Prelude's combined Microsoft guide, RAD Security's), with what
 * Patchbay does with it: the feature that needs it, or why Patchbay does not need it, so an admin can leave it out.
 */
export interface SeedPermission {
  name: string;
  api: string;
  kind: "application" | "delegated";
  feature: DefenderFeatureId | null;
  note: string;
}

const APP_ONLY =
  "Not needed by Patchbay: it is a delegated permission (it acts as a signed-in user), and Patchbay signs in as the app itself with client credentials.";

export const seedPermissions: readonly SeedPermission[] = [
  ...defenderFeatures.flatMap((feature) =>
    feature.permissions.map(
      (permission): SeedPermission => ({
        name: permission.name,
        api: microsoftApis[feature.api].portalName,
        kind: "application",
        feature: feature.id,
        note: `Needed by ${feature.label}: ${feature.purpose}`,
      }),
    ),
  ),
  {
    name: "Ti.Read.All",
    api: "WindowsDefenderATP",
    kind: "application",
    feature: "indicators",
    note: "Reads indicators only. Patchbay's Indicators feature also submits them, so it asks for Ti.ReadWrite.All instead; with Ti.Read.All alone it reports the feature's permission as missing.",
  },
  {
    name: "Incident.Read",
    api: "Microsoft Threat Protection",
    kind: "delegated",
    feature: null,
    note: APP_ONLY,
  },
  { name: "User.Read", api: "Microsoft Graph", kind: "delegated", feature: null, note: APP_ONLY },
  {
    name: "user_impersonation",
    api: "Azure Service Management",
    kind: "delegated",
    feature: null,
    note: `${APP_ONLY} Patchbay reads nothing from Azure Resource Manager.`,
  },
  {
    name: "Data.Read",
    api: "Application Insights",
    kind: "application",
    feature: null,
    note: "Not needed by Patchbay: it reads no Application Insights telemetry. Leave it out.",
  },
];

/** The permissions a set of features needs, each with its API, in catalog order and without repeats. */
export function permissionsFor(ids: readonly DefenderFeatureId[]): { name: string; api: string }[] {
  const seen = new Set<string>();
  const out: { name: string; api: string }[] = [];
  for (const feature of defenderFeatures.filter((f) => ids.includes(f.id))) {
    for (const permission of feature.permissions) {
      const api = microsoftApis[feature.api].portalName;
      const key = `${api}|${permission.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: permission.name, api });
    }
  }
  return out;
}

/**
 * The tenant-wide admin-consent link for this app: an admin who opens it grants every permission the app
 * registration lists, in one click (reference: Entra "Grant tenant-wide admin consent"). US Government GCC High and
 * DoD sign in at login.microsoftonline.us.
 */
export function adminConsentUrl(authorityHost: string, tenantId: string, appId: string): string {
  return `https://${authorityHost}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(appId)}`;
}
