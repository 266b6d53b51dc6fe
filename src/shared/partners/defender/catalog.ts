import type { PartnerCatalogEntry } from "../../catalog";
import {
  DEFAULT_FEATURES,
  defenderFeatures,
  microsoftApis,
  permissionsFor,
  seedPermissions,
} from "./features";
import { defenderClouds, defenderRegions, operatorRegions } from "./schema";

/**
 * Defender's catalog entry. `extraHosts` are the operator's `PATCHBAY_EXTRA_DEFENDER_HOSTS`; the server passes them
 * so the browser validates Base URL exactly as the server will.
 */
export function defenderCatalogEntry(extraHosts: readonly string[] = []): PartnerCatalogEntry {
  return {
    id: "defender",
    name: "Microsoft Defender for Endpoint",
    vendor: "Microsoft",
    category: "EDR",
    description:
      "Endpoint detection and response. Patchbay reads devices and alerts through the Defender for Endpoint API with an Entra ID app registration (client credentials).",
    fields: [
      {
        name: "baseUrl",
        label: "Base URL",
        kind: "url",
        help: "The Defender API host for your region, without /api (Patchbay adds it).",
      },
      {
        name: "tenantId",
        label: "Tenant ID",
        kind: "guid",
        help: "“Directory (tenant) ID” on the app registration's Overview page.",
      },
      {
        name: "appId",
        label: "App ID",
        kind: "guid",
        help: "“Application (client) ID” on the app registration's Overview page.",
      },
      {
        name: "appSecret",
        label: "App Secret",
        kind: "secret",
        help: "The secret's Value (not its Secret ID) from Certificates & secrets. Stored encrypted; never shown again.",
      },
    ],
    clouds: Object.values(defenderClouds),
    regions: [...defenderRegions, ...operatorRegions(extraHosts)],
    apis: Object.values(microsoftApis).map((api) => ({ ...api })),
    features: defenderFeatures.map((f) => ({
      id: f.id,
      label: f.label,
      api: f.api,
      permissions: f.permissions.map((p) => ({ name: p.name, satisfiedBy: [...p.satisfiedBy] })),
      purpose: f.purpose,
      probe: f.probe ? `${f.probe.method} ${f.probe.path}` : null,
      probeOnRequest: f.probeOnRequest ?? false,
      licence: f.licence ?? null,
    })),
    defaultFeatures: [...DEFAULT_FEATURES],
    requiredPermissions: permissionsFor(DEFAULT_FEATURES),
    permissionGuide: seedPermissions.map((p) => ({ ...p })),
    setupSteps: [
      "In Microsoft Entra admin center, open App registrations and choose New registration. Name it (e.g. “Patchbay”), keep “Accounts in this organizational directory only”, and register.",
      "On the app's Overview page, copy “Directory (tenant) ID” into Tenant ID and “Application (client) ID” into App ID.",
      "Open API permissions → Add a permission → APIs my organization uses → WindowsDefenderATP → Application permissions, and add every permission listed here.",
      "Choose “Grant admin consent for <your organization>”. Without consent the token carries no permissions, and Defender refuses every call.",
      "Open Certificates & secrets → New client secret. Copy the Value (not the Secret ID) right away into App Secret: Entra shows it only once. Note its expiry date.",
    ],
    docs: [
      {
        label: "Create an app to access Defender for Endpoint without a user",
        url: "https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-create-app-webapp",
      },
      {
        label: "Supported Defender for Endpoint APIs and regional hosts",
        url: "https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-list",
      },
      {
        label: "Defender for Endpoint for US Government customers",
        url: "https://learn.microsoft.com/en-us/defender-endpoint/gov",
      },
      {
        label: "Grant tenant-wide admin consent",
        url: "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent",
      },
    ],
  };
}
