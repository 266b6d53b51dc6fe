import type { PartnerCatalogEntry } from "../../catalog";
import {
  DEFAULT_FEATURES,
  defenderFeatures,
  microsoftApis,
  permissionsFor,
  seedPermissions,
} from "./features";
import { DEFAULT_DEFENDER_HOST, defenderClouds, defenderRegions, operatorRegions } from "./schema";

/** A field without a picker, carried by `flag` on the command line. */
const plain = (flag: string) => ({
  optional: false,
  placeholder: null,
  options: [],
  optionsLabel: null,
  optionsHelp: null,
  cli: flag,
});

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
        optional: false,
        placeholder: `https://${DEFAULT_DEFENDER_HOST}`,
        options: [...defenderRegions, ...operatorRegions(extraHosts)].map((region) => ({
          value: `https://${region.host}`,
          label: region.label,
          cloud: region.cloud,
          operatorConfigured: region.operatorConfigured === true,
        })),
        optionsLabel: "Cloud and region",
        optionsHelp: "Fills Base URL with the Defender API host of your cloud and region.",
        cli: "--api",
      },
      {
        name: "tenantId",
        label: "Tenant ID",
        kind: "guid",
        help: "“Directory (tenant) ID” on the app registration's Overview page.",
        ...plain("--user"),
      },
      {
        name: "appId",
        label: "App ID",
        kind: "guid",
        help: "“Application (client) ID” on the app registration's Overview page.",
        ...plain("--secret (the App ID before the /)"),
      },
      {
        name: "appSecret",
        label: "App Secret",
        kind: "secret",
        help: "The secret's Value (not its Secret ID) from Certificates & secrets. Stored encrypted; never shown again.",
        ...plain("--secret (the App Secret after the /)"),
      },
    ],
    clouds: Object.values(defenderClouds).map(({ id, label }) => ({ id, label })),
    identity: { field: "tenantId", label: "Tenant" },
    connectIntro:
      "Paste the values of the Microsoft Entra app registration you created for Patchbay. The setup guide beside the form shows where to find each one.",
    verifiesWith: "Microsoft",
    expiryNote:
      "Patchbay reads it through Microsoft Graph when the Secret expiry feature is enabled (Application.Read.All), or you can type it below.",
    revokeSecretNote:
      "The secret itself still works in Microsoft Entra ID: delete it there under App registrations → Certificates & secrets.",
    checkSummary:
      "The last check signed in to Microsoft Entra ID and called the API of every enabled feature.",
    grantLink: {
      label: "Grant admin consent",
      note: "It grants exactly the permissions the app registration lists under API permissions, nothing more: add any missing one there first, then re-check.",
      urls: Object.values(defenderClouds).map((cloud) => ({
        cloud: cloud.id,
        // The same URL as adminConsentUrl, with the fields the browser fills in (each URI-encoded there).
        template: `https://${cloud.authorityHost}/{tenantId}/adminconsent?client_id={appId}`,
        host: cloud.authorityHost,
      })),
    },
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
