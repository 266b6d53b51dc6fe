import type { PartnerCatalogEntry } from "../../catalog";
import { FALCON_DEFAULT_FEATURES, type FalconFeatureId, falconCloudIds, falconClouds } from "./schema";

/** The Falcon API, as the API client page names it: scopes are ticked there. */
export const FALCON_API = {
  id: "falcon",
  portalName: "CrowdStrike Falcon API",
  portalTab: "API client scopes",
};

export interface FalconFeature {
  id: FalconFeatureId;
  label: string;
  /** The API client scope it needs, as Falcon's API client page lists it. */
  scope: string;
  purpose: string;
  /** The cheapest read that proves the scope (reference A4). */
  probe: string;
}

export const falconFeatures: readonly FalconFeature[] = [
  {
    id: "alerts",
    label: "Alerts",
    scope: "Alerts: Read",
    purpose: "Syncs Falcon alerts (endpoint, identity and other detections) into Patchbay's Alerts page.",
    probe: "/alerts/queries/alerts/v2?limit=1",
  },
  {
    id: "devices",
    label: "Hosts",
    scope: "Hosts: Read",
    purpose: "Syncs the hosts running the Falcon sensor into Patchbay's Devices page.",
    probe: "/devices/queries/devices/v1?limit=1",
  },
];

export function falconScopesFor(features: readonly string[]) {
  return falconFeatures
    .filter((f) => features.includes(f.id))
    .map((f) => ({ name: f.scope, api: FALCON_API.portalName }));
}

const plain = (flag: string, optional = false) => ({
  optional,
  placeholder: null,
  options: [],
  optionsLabel: null,
  optionsHelp: null,
  cli: flag,
});

export function falconCatalogEntry(): PartnerCatalogEntry {
  return {
    id: "crowdstrike",
    name: "CrowdStrike Falcon",
    vendor: "CrowdStrike",
    category: "EDR",
    description:
      "Endpoint detection and response. Patchbay reads hosts and alerts through the Falcon API with an API client (OAuth2 client credentials).",
    fields: [
      {
        name: "falconCloud",
        label: "Cloud",
        kind: "select",
        help: "Auto-discover finds US-1, US-2, EU-1 and US-3 from the API client itself. GovCloud (US-GOV-1, US-GOV-2) does not auto-discover: choose it.",
        optional: false,
        placeholder: null,
        options: [
          {
            value: "auto",
            label: "Auto-discover (US-1, US-2, EU-1, US-3)",
            cloud: null,
            operatorConfigured: false,
          },
          ...falconCloudIds.map((id) => ({
            value: id,
            label: `${falconClouds[id].label} (${falconClouds[id].apiHost})`,
            cloud: id,
            operatorConfigured: false,
          })),
        ],
        optionsLabel: null,
        optionsHelp: null,
        cli: "--api",
      },
      {
        name: "clientId",
        label: "Client ID",
        kind: "text",
        help: "The API client's Client ID (32 hexadecimal characters), from Support and resources → API clients and keys.",
        ...plain("--user"),
      },
      {
        name: "clientSecret",
        label: "Client Secret",
        kind: "secret",
        help: "The Secret Falcon showed once when the client was created. Stored encrypted; never shown again.",
        ...plain("--secret"),
      },
      {
        name: "memberCid",
        label: "Member CID",
        kind: "text",
        help: "MSSPs only (Flight Control): the child tenant's CID. Leave empty for your own tenant.",
        ...plain("--user (after a /: CLIENT_ID/MEMBER_CID)", true),
      },
    ],
    clouds: falconCloudIds.map((id) => ({ id, label: falconClouds[id].label })),
    identity: { field: "clientId", label: "API client" },
    connectIntro:
      "Paste the values of the Falcon API client you created for Patchbay. The setup guide beside the form shows where to find each one and which scopes to tick.",
    verifiesWith: "CrowdStrike",
    expiryNote:
      "Falcon API client secrets do not expire; if you rotate yours on a schedule, type the date below to be reminded.",
    revokeSecretNote:
      "Patchbay revoked its access tokens; the API client itself still works in Falcon: delete it or reset its secret under Support and resources → API clients and keys.",
    checkSummary:
      "The last check got a token from the Falcon API client, found its cloud, and read one record with each enabled scope.",
    grantLink: null,
    apis: [FALCON_API],
    features: falconFeatures.map((f) => ({
      id: f.id,
      label: f.label,
      api: FALCON_API.id,
      permissions: [{ name: f.scope, satisfiedBy: [f.scope] }],
      purpose: f.purpose,
      probe: `GET ${f.probe}`,
      probeOnRequest: false,
      licence: null,
    })),
    defaultFeatures: [...FALCON_DEFAULT_FEATURES],
    requiredPermissions: falconScopesFor(FALCON_DEFAULT_FEATURES),
    permissionGuide: [
      ...falconFeatures.map((f) => ({
        name: f.scope,
        api: FALCON_API.portalName,
        kind: "application" as const,
        feature: f.id,
        note: `Needed by ${f.label}: ${f.purpose}`,
      })),
      {
        name: "Detections: Read",
        api: FALCON_API.portalName,
        kind: "application" as const,
        feature: null,
        note: "Not needed: the Detects API was decommissioned on 30 September 2025; alerts replace detections.",
      },
      {
        name: "Incidents: Read",
        api: FALCON_API.portalName,
        kind: "application" as const,
        feature: null,
        note: "Not needed: the Incidents API was decommissioned in 2026 in favour of Case Management.",
      },
    ],
    setupSteps: [
      "In the Falcon console open Support and resources → API clients and keys, and choose Create API client (Falcon Administrator role needed).",
      "Name it (e.g. “Patchbay”) and tick Read, and only Read, for the scopes listed here: Alerts and Hosts.",
      "Choose Create. Copy the Client ID and the Secret right away: Falcon shows the secret only once. The Base URL it shows tells your cloud.",
      "If IP-based allowlisting is on for API clients, add the address Patchbay's server calls from; otherwise every call answers “access denied”.",
    ],
    docs: [
      {
        label: "Getting access to the CrowdStrike Falcon APIs",
        url: "https://www.crowdstrike.com/en-us/blog/tech-center/get-access-falcon-apis/",
      },
      {
        label: "FalconPy: authentication and clouds",
        url: "https://www.falconpy.io/Usage/Authenticating-to-the-API.html",
      },
    ],
  };
}
