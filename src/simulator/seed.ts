// Seed data for the Entra ID + Defender for Endpoint + Microsoft Graph simulator.
// Every value here is fake. Secrets follow the real Entra shape (3 chars, "8Q~", 34 chars = 40 chars) so that
// input validation treats them like real secret Values; `secretId` is the GUID-shaped "Secret ID" that users
// paste by mistake. Graph shows each secret's first 3 characters as its `hint`.
//
// The first scenarios have fixed dates. The later ones (from `allFeatures` on) have dates relative to the
// simulator's clock at start (`createSimDirectory(startedAt)`), so that "expires in 5 days" stays true whenever the
// tests run; `simSecretEndDateTime(scenario, sim.startedAt)` gives the end date Graph reports for the secret in use.

import { createHash } from "node:crypto";
import type { SimResourceKey } from "./resources";

export { WINDOWS_DEFENDER_ATP_APP_ID } from "./resources";

/** Another client secret of a scenario's app registration (not the one in use). */
export interface SimScenarioSecret {
  readonly secretId: string;
  readonly value: string;
  readonly displayName: string;
  /** Days after the simulator's start at which it ends; negative = already expired. */
  readonly validDays: number;
  /** Days before the simulator's start at which it was created. */
  readonly createdDaysAgo: number;
}

export interface SimScenario {
  readonly tenantId: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly secretId: string;
  readonly description: string;
  /** Relative seeds only: the secret in use ends this many days after the simulator started. */
  readonly secretValidDays?: number;
  /** Relative seeds only: the secret in use was created this many days before the simulator started. */
  readonly secretCreatedDaysAgo?: number;
  /** The secret's Description in Entra (Graph `displayName`). */
  readonly secretDisplayName?: string;
  /** The app registration's other client secrets, as Graph lists them in `passwordCredentials`. */
  readonly otherSecrets?: readonly SimScenarioSecret[];
}

/** Roles every feature of Patchbay uses, per resource (what `allFeatures` is granted). */
export const SIM_FEATURE_ROLES = {
  defender: [
    "Alert.Read.All",
    "Machine.Read.All",
    "Vulnerability.Read.All",
    "Software.Read.All",
    "Score.Read.All",
    "SecurityRecommendation.Read.All",
    "AdvancedQuery.Read.All",
    "Ti.ReadWrite.All",
    "Machine.Isolate",
  ],
  threatProtection: ["Incident.Read.All"],
  graph: [
    "ThreatHunting.Read.All",
    "CustomDetection.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementConfiguration.Read.All",
    "Device.Read.All",
    "Application.Read.All",
  ],
} as const satisfies Record<SimResourceKey, readonly string[]>;

export const SIM_SEED = {
  healthy: {
    tenantId: "b081026b-f59b-4e0c-827f-14093ff9674e",
    appId: "dc4d0d7b-5a35-4760-a173-77fc48ed4ed7",
    appSecret: "hIt8Q~nZgwN8KW1atm.Tt~sRSFzapWPsJs1rY130",
    secretId: "638c1ac9-15fc-4163-a5dc-7551fa202a8a",
    description: "Admin consent granted for Machine.Read.All and Alert.Read.All: connects.",
  },
  expiredSecret: {
    tenantId: "81823609-b609-4c9e-9526-d7f71250a86d",
    appId: "c86385b4-6c7f-4a3d-a8af-93dd444c0db5",
    appSecret: "2Y28Q~R6M5586UTyunTvjhXXX8j91iBR99YxHto6",
    secretId: "d86a69ce-1484-49d2-8675-dedd54f44d52",
    description: "Correct secret, but it expired: token endpoint answers 401 invalid_client AADSTS7000222.",
  },
  noConsent: {
    tenantId: "f3c0e977-019f-42e9-be3d-2e8d13b0ea49",
    appId: "890b6f0a-e610-4e13-a4f2-bc7dbedfa956",
    appSecret: "wLk8Q~AvBGnZJ6CMeW8gPHJWod3CUrCaWBDPfHmL",
    secretId: "90d7d5ed-53e0-4791-bb55-ada80ba3fb91",
    description:
      "Permissions added but admin consent never granted: token has no roles claim, API answers 403.",
  },
  machinesOnly: {
    tenantId: "5839277c-19f6-4885-877e-dcbdde77b0ea",
    appId: "f9fd8ada-066c-4b53-a98b-6796b01157bd",
    appSecret: "pcb8Q~DonQdfZDQDI6R_VIvED5.BucgDaSiByyrj",
    secretId: "b99ae20c-bd44-4c3a-bb13-2e43bf129637",
    description:
      "Only Machine.Read.All consented: machines work, alerts answer 403 (missing Alert.Read.All).",
  },
  noDefender: {
    tenantId: "908ee28a-f6c2-4fe8-bfc4-fad5e18e89f4",
    appId: "968c12fd-5a00-42da-8b7d-80e9dbf57be6",
    appSecret: "Ssk8Q~B0CT.LMNiSDWh9BoyPjOhW7.PXDliol6_1",
    secretId: "af26a750-45fb-4444-b524-6b5813eb8bf7",
    description: "Defender for Endpoint not provisioned in the tenant: 400 invalid_resource AADSTS500011.",
  },
  hostileUpstream: {
    tenantId: "3253ae49-73e2-4ff9-964d-e84b7eb755c7",
    appId: "8b8e00be-ec8b-4e68-b010-182c4776680a",
    appSecret: "u8j8Q~YgjmUhBel31iEl2hpChYgCfrL1spNxnyVm",
    secretId: "105ab109-bd21-409a-8116-3f144a9928b8",
    description:
      "Healthy app whose tenant takes switchable faults like `faults`, kept apart for the hostile-upstream tests (NUL, controls, megabytes in Microsoft's text).",
  },
  faults: {
    tenantId: "45d61c35-15a1-49cd-bf80-5ec9dbc7ef5f",
    appId: "27ff7a29-1270-48b5-8a94-c8e66f307c32",
    appSecret: "JH78Q~bVtxmiFPSt0OC24f1tgIxqcpkr.OWRLOU2",
    secretId: "f9575821-7476-47a3-b4ec-57ac7c62942b",
    description:
      "Healthy app whose tenant takes switchable faults (429, 500, slow, HTML, 401) via PUT /__simulator/faults/{tenantId}.",
  },
  otherCloud: {
    tenantId: "f4a73f0e-e4e5-48c4-84c4-6524d3dfe2ea",
    appId: "79ccad87-3fa2-487f-9bee-2c8b561af059",
    appSecret: "AZV8Q~6Ofie5M64n3t3YzG.ElYRv0fJMUb16rrh_",
    secretId: "c556ccb4-97c4-4240-9b16-1aaa04c97088",
    description:
      "US Government (GCC High) tenant reached through the commercial authority: 400 invalid_request AADSTS900432.",
  },
  blockedByPolicy: {
    tenantId: "a5d0b492-599c-476e-85fd-89067cc10d62",
    appId: "cb8e1bb8-42d7-47cc-8630-76bae9579e4f",
    appSecret: "7OB8Q~TA89qPptfKhaTqAvM4NvERmmp_N__xcKbt",
    secretId: "8504f47b-c7c8-446f-a123-08854eb578f8",
    description:
      "Conditional Access blocks the app's service principal: 400 invalid_grant AADSTS53003 (after the secret is checked).",
  },
  // --- Dates relative to the simulator's start from here on. ---
  allFeatures: {
    tenantId: "5725d60f-b5bd-4008-b81f-5690000ba708",
    appId: "e221dd1b-1b00-4e05-8c23-ecbbe0307e99",
    appSecret: "02v8Q~IVG9rOdki_tYTj04PyZLnxm0GKW8y7.l-M",
    secretId: "62837ec1-c8a2-44d5-b0cb-1671647f71c4",
    secretValidDays: 400,
    secretCreatedDaysAgo: 30,
    secretDisplayName: "patchbay",
    otherSecrets: [
      {
        secretId: "82f0b101-60d8-474f-ba84-f55ae16b29e0",
        value: "q6N8Q~-S0R3udqBzcUxftBAakaVMpQAfT7G6v8SO",
        displayName: "patchbay-initial",
        validDays: 30,
        createdDaysAgo: 700,
      },
    ],
    description:
      "Every permission Patchbay's features use, consented on WindowsDefenderATP, Microsoft Threat Protection and Microsoft Graph; the secret in use ends in 400 days, an older secret (other hint) in 30.",
  },
  graphNotConsented: {
    tenantId: "e44edf48-0ed4-4074-911d-3cb42ea69a29",
    appId: "bebba37c-e25b-46c7-81ba-22e337122a5c",
    appSecret: "zfj8Q~wNEaOb3Gr_sbINfNAvSBkjgAZR9zxRVSvw",
    secretId: "496d5743-fa39-4bea-95e9-bf812e86dcbe",
    secretValidDays: 540,
    secretCreatedDaysAgo: 190,
    secretDisplayName: "defender-connector",
    description:
      "Defender roles only: Microsoft Graph and Threat Protection tokens carry no roles, so every Graph and incidents call answers 403.",
  },
  secretExpiringSoon: {
    tenantId: "9ae98d55-024f-4c54-b31b-e3dc0756a940",
    appId: "a605e12b-c605-4b1d-866d-39586063eadc",
    appSecret: "i5b8Q~zkMfiYMshzyuoplxYgf0YJcyAm4rusaR~U",
    secretId: "cf18cbdf-2550-4197-b6dd-5ed0c35f97ef",
    secretValidDays: 5,
    secretCreatedDaysAgo: 725,
    secretDisplayName: "prod",
    description:
      "Connects (Machine.Read.All, Alert.Read.All, Graph Application.Read.All), but Graph shows the secret in use ends 5 days after the simulator started.",
  },
  intuneUnlicensed: {
    tenantId: "4b5c8aec-eebf-46b9-b3a2-3ea053d18786",
    appId: "0b3164c1-afaa-4c05-b321-41f857004a10",
    appSecret: "QV38Q~wr0W005ZeWacVFd4gx2iRFE_N4w_.Mygu-",
    secretId: "a22b4b9b-47e1-457b-9df5-3f88e49dc1e4",
    secretValidDays: 540,
    secretCreatedDaysAgo: 190,
    secretDisplayName: "patchbay",
    description:
      "Intune roles consented on Graph, but the tenant has no Intune licence: managedDevices and deviceCompliancePolicies answer 400 BadRequest.",
  },
  overPrivileged: {
    tenantId: "60223dd8-9a95-4479-a031-c05f3d49a9de",
    appId: "64e22aa3-18d6-45b6-baa9-e0cb997952bb",
    appSecret: "y7Z8Q~yp7M7ShyQ6FyemWQ8myeE3DO9ACdMD-5QI",
    secretId: "0ce0e11a-2589-4198-b68b-1620ab59df86",
    secretValidDays: 540,
    secretCreatedDaysAgo: 190,
    secretDisplayName: "patchbay",
    description:
      "Alert.Read.All and Machine.Read.All plus roles no feature needs (Machine.Offboard, Machine.RestrictExecution, File.Read.All, Graph Directory.Read.All).",
  },
  bulkSync: {
    tenantId: "5d1e8f0a-3c2b-4e7d-9a61-2f4b8c0d7e19",
    appId: "c3a7e2d4-8b1f-4f6a-9e05-7d2c1b9a4e63",
    appSecret: "Bk28Q~sYnc0TenantVolume.Data~Flows_0a1b",
    secretId: "e4b9a1c7-6d2f-4a83-b5e0-91c3d7f2a864",
    secretValidDays: 365,
    secretCreatedDaysAgo: 30,
    secretDisplayName: "patchbay",
    description:
      "Alert.Read.All and Machine.Read.All, for sync: give it volume with PUT /__simulator/data/{tenant} (e.g. 100,000 alerts and 20,000 machines).",
  },
  bulkResume: {
    tenantId: "9c4f2a7e-6b1d-4e83-a5c9-0d7e3b8f1a62",
    appId: "2b6e9d3f-7a1c-4f58-b4e2-8c0d5a9f3e71",
    appSecret: "Rs58Q~kIll9Resume.Sync~From_LastPage_7c",
    secretId: "d8f3b1a6-2e7c-4d95-a0b4-6c1e9f5a3d27",
    secretValidDays: 365,
    secretCreatedDaysAgo: 10,
    secretDisplayName: "patchbay",
    description:
      "Alert.Read.All and Machine.Read.All, for the crash-and-resume test: given volume with PUT /__simulator/data/{tenant}.",
  },
  sharedSync: {
    tenantId: "4a8d1f6b-3e9c-4b27-8d05-f2a6c9e1b734",
    appId: "8f2c6e1a-5d9b-4a73-b0e8-3c7f1d4a9b62",
    appSecret: "Tw48Q~inStances.Share_One~Connection_3d",
    secretId: "e6b1d9f4-7a3c-4e28-9b05-a4d8c2f6e193",
    secretValidDays: 365,
    secretCreatedDaysAgo: 10,
    secretDisplayName: "patchbay",
    description:
      "Alert.Read.All and Machine.Read.All, for two Patchbay instances syncing one connection: given volume with PUT /__simulator/data/{tenant}.",
  },
  newTenant: {
    tenantId: "7b3e9c41-2d8a-4f65-b1e7-c04a95d3e826",
    appId: "4e8a1d6c-9f2b-4c37-a5d0-e71b3c8f2a59",
    appSecret: "Nw38Q~fResh0Tenant.NoDevices~Onboarded_9",
    secretId: "a2c7e5f1-8b4d-4e93-b6a0-3d9f1c7e5b28",
    secretValidDays: 365,
    secretCreatedDaysAgo: 2,
    secretDisplayName: "patchbay",
    description:
      "Alert.Read.All and Machine.Read.All consented in a tenant that has onboarded no devices yet: the machines list answers 404, alerts an empty list.",
  },
  ambiguousSecretHint: {
    tenantId: "74b0dfc4-6828-4bac-8fb8-058c009423ab",
    appId: "d50bc6c9-7727-4a40-b227-8ef6354e7bc0",
    appSecret: "H5s8Q~ZMfUE0nSFGA1977wf~.BA-W1G-6DkknyXf",
    secretId: "0f8673a9-bb31-4846-8984-8f4719c111fe",
    secretValidDays: 200,
    secretCreatedDaysAgo: 165,
    secretDisplayName: "patchbay-b",
    otherSecrets: [
      {
        secretId: "69f8c2a6-13c5-44b0-bb30-780b67dee02d",
        value: "X3y8Q~UkpYKmHkaCdk62GTbBY1ScoWZnT9PUnuvs",
        displayName: "legacy",
        validDays: -40,
        createdDaysAgo: 770,
      },
      {
        // Same first three characters as the secret in use: Graph shows both with the hint "H5s".
        secretId: "94f1bf59-27f0-47e4-961e-ba45c7ce9a6f",
        value: "H5s8Q~7W8alQp~QIPS6IK3TE8qxxhbM2wX8aYx4.",
        displayName: "patchbay-a",
        validDays: 20,
        createdDaysAgo: 345,
      },
    ],
    description:
      "Application.Read.All on Graph; two client secrets share the hint of the secret in use (ending in 200 and 20 days), a third is expired.",
  },
} as const satisfies Record<string, SimScenario>;

export type SimScenarioName = keyof typeof SIM_SEED;

/** A GUID that no seeded tenant uses: the token endpoint answers AADSTS90002 for it. */
export const SIM_UNKNOWN_TENANT_ID = "ce0f3137-884c-497f-a0f4-b79255410ee9";

// ---------------------------------------------------------------------------------------------------------------
// Clock-relative dates.

const DAY_MS = 86_400_000;

/**
 * A DateTimeOffset as Graph writes it (`2026-09-09T19:50:29.3080000Z`, 7 fraction digits): `days` days after
 * `startedAt`.
 */
export function simDateTime(startedAt: Date, days: number): string {
  const at = new Date(startedAt.getTime() + days * DAY_MS);
  return `${at.toISOString().slice(0, 23)}0000Z`;
}

/** The `endDateTime` Graph reports for the scenario's secret in use; null for the fixed-date scenarios. */
export function simSecretEndDateTime(scenario: SimScenario, startedAt: Date): string | null {
  return scenario.secretValidDays === undefined ? null : simDateTime(startedAt, scenario.secretValidDays);
}

/** Graph's `hint` of a secret value: its first three characters. */
export function simSecretHint(value: string): string {
  return value.slice(0, 3);
}

// ---------------------------------------------------------------------------------------------------------------
// Directory: tenants, app registrations, secrets, granted roles.

export interface SimSecret {
  /** The "Secret ID" (Graph `keyId`). */
  readonly id: string;
  readonly value: string;
  readonly startsAt: string;
  readonly expiresAt: string;
  /** The secret's Description in Entra (Graph `displayName`). */
  readonly displayName: string | null;
}

/** Application permissions with admin consent, per resource; absent or empty = no `roles` claim in its tokens. */
export type SimAppRoles = Readonly<Partial<Record<SimResourceKey, readonly string[]>>>;

export interface SimApp {
  readonly appId: string;
  readonly displayName: string;
  /** Object id of the app's service principal in the tenant (token `oid`/`sub`). */
  readonly servicePrincipalId: string;
  /** Object id of the application (Graph `id`); derived from the app id when not given. */
  readonly objectId?: string;
  /** Oldest first, as Graph lists `passwordCredentials`. */
  readonly secrets: readonly SimSecret[];
  readonly roles: SimAppRoles;
  /**
   * A Conditional Access policy for workload identities blocks the service principal: the token endpoint
   * authenticates the client first, then refuses with AADSTS53003.
   */
  readonly blockedByConditionalAccess?: boolean;
}

export interface SimTenant {
  readonly tenantId: string;
  readonly displayName: string;
  readonly domain: string;
  /**
   * The cloud the tenant lives in. The simulator plays the commercial authority (login.microsoftonline.com), so
   * every token request for a "usGovernment" tenant fails as a cross-cloud request (AADSTS900432).
   */
  readonly cloud: "commercial" | "usGovernment";
  /** Whether the WindowsDefenderATP service principal exists (MDE provisioned). */
  readonly defenderProvisioned: boolean;
  /** Whether the tenant has an Intune licence (Graph deviceManagement answers); default true. */
  readonly intuneLicensed?: boolean;
  readonly apps: readonly SimApp[];
}

/** The application object id Graph reports for a seeded app. */
export function simApplicationObjectId(app: SimApp): string {
  return app.objectId ?? guidFrom(`application:${app.appId}`);
}

const VALID_UNTIL = "2028-11-01T00:00:00Z";
const VALID_FROM = "2026-11-01T00:00:00Z";
const EXPIRED_AT = "2026-05-31T23:59:59Z";
const EXPIRED_FROM = "2024-05-31T23:59:59Z";
const APP_NAME = "Patchbay Defender Connector";
const APP_NAME_ALL = "Patchbay";

const FIXED_TENANTS: readonly SimTenant[] = [
  {
    tenantId: SIM_SEED.healthy.tenantId,
    displayName: "Contoso",
    domain: "contoso.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.healthy.appId,
        displayName: APP_NAME,
        servicePrincipalId: "d6c72980-b243-44a2-a9a9-0753ce54f4da",
        secrets: [
          {
            id: SIM_SEED.healthy.secretId,
            value: SIM_SEED.healthy.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.expiredSecret.tenantId,
    displayName: "Fabrikam",
    domain: "fabrikam.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.expiredSecret.appId,
        displayName: APP_NAME,
        servicePrincipalId: "7c3abb6f-bdc0-44fb-93e2-ffc6723277f0",
        secrets: [
          {
            id: SIM_SEED.expiredSecret.secretId,
            value: SIM_SEED.expiredSecret.appSecret,
            expiresAt: EXPIRED_AT,
            startsAt: EXPIRED_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.noConsent.tenantId,
    displayName: "Northwind Traders",
    domain: "northwindtraders.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.noConsent.appId,
        displayName: APP_NAME,
        servicePrincipalId: "1f75ae69-7995-4e6f-a10a-adb22bfa9dbc",
        secrets: [
          {
            id: SIM_SEED.noConsent.secretId,
            value: SIM_SEED.noConsent.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: [] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.machinesOnly.tenantId,
    displayName: "Adatum",
    domain: "adatum.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.machinesOnly.appId,
        displayName: APP_NAME,
        servicePrincipalId: "de84caed-b606-4fdc-9392-0fd4d75c2082",
        secrets: [
          {
            id: SIM_SEED.machinesOnly.secretId,
            value: SIM_SEED.machinesOnly.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All"] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.noDefender.tenantId,
    displayName: "Tailspin Toys",
    domain: "tailspintoys.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: false,
    apps: [
      {
        appId: SIM_SEED.noDefender.appId,
        displayName: APP_NAME,
        servicePrincipalId: "cebb43ef-609d-4590-91de-769c1e32aae1",
        secrets: [
          {
            id: SIM_SEED.noDefender.secretId,
            value: SIM_SEED.noDefender.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: [] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.faults.tenantId,
    displayName: "Woodgrove Bank",
    domain: "woodgrovebank.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.faults.appId,
        displayName: APP_NAME,
        servicePrincipalId: "6a0b5b73-1c5b-44bf-bafd-958c662ca545",
        secrets: [
          {
            id: SIM_SEED.faults.secretId,
            value: SIM_SEED.faults.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.hostileUpstream.tenantId,
    displayName: "Tailspin Toys",
    domain: "tailspintoys.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.hostileUpstream.appId,
        displayName: APP_NAME,
        servicePrincipalId: "79a3ca6b-2333-4dfe-8508-b77ae1d6c06a",
        secrets: [
          {
            id: SIM_SEED.hostileUpstream.secretId,
            value: SIM_SEED.hostileUpstream.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.otherCloud.tenantId,
    displayName: "Litware (US Government)",
    domain: "litwareinc.onmicrosoft.us",
    cloud: "usGovernment",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.otherCloud.appId,
        displayName: APP_NAME,
        servicePrincipalId: "676bcf61-7495-4107-a1c1-02e5717c4cfe",
        secrets: [
          {
            id: SIM_SEED.otherCloud.secretId,
            value: SIM_SEED.otherCloud.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
      },
    ],
  },
  {
    tenantId: SIM_SEED.blockedByPolicy.tenantId,
    displayName: "Relecloud",
    domain: "relecloud.onmicrosoft.com",
    cloud: "commercial",
    defenderProvisioned: true,
    apps: [
      {
        appId: SIM_SEED.blockedByPolicy.appId,
        displayName: APP_NAME,
        servicePrincipalId: "9af55537-c618-4788-9bb4-08ab5d041892",
        secrets: [
          {
            id: SIM_SEED.blockedByPolicy.secretId,
            value: SIM_SEED.blockedByPolicy.appSecret,
            expiresAt: VALID_UNTIL,
            startsAt: VALID_FROM,
            displayName: null,
          },
        ],
        roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
        blockedByConditionalAccess: true,
      },
    ],
  },
];

interface RelativeTenantSpec {
  readonly scenario: SimScenario;
  readonly displayName: string;
  readonly domain: string;
  readonly appDisplayName: string;
  readonly servicePrincipalId: string;
  readonly objectId: string;
  readonly roles: SimAppRoles;
  readonly intuneLicensed?: boolean;
}

const RELATIVE_TENANTS: readonly RelativeTenantSpec[] = [
  {
    scenario: SIM_SEED.allFeatures,
    displayName: "Wide World Importers",
    domain: "wideworldimporters.onmicrosoft.com",
    appDisplayName: APP_NAME_ALL,
    servicePrincipalId: "4a5300ba-2fae-412b-8783-44b43657d6bc",
    objectId: "80657c61-f266-4010-a8ea-6382b4fdc068",
    roles: SIM_FEATURE_ROLES,
  },
  {
    scenario: SIM_SEED.graphNotConsented,
    displayName: "Fourth Coffee",
    domain: "fourthcoffee.onmicrosoft.com",
    appDisplayName: APP_NAME,
    servicePrincipalId: "7ceff82e-227d-4a86-9621-731fc7a1303d",
    objectId: "646546bd-297f-4cc5-9128-fd83ec2bc580",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
  },
  {
    scenario: SIM_SEED.secretExpiringSoon,
    displayName: "Coho Winery",
    domain: "cohowinery.onmicrosoft.com",
    appDisplayName: APP_NAME_ALL,
    servicePrincipalId: "33eab162-8807-4a0a-aba8-cae91383f25c",
    objectId: "017da0d4-a642-4ff9-9f9a-a10239d3bca1",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"], graph: ["Application.Read.All"] },
  },
  {
    scenario: SIM_SEED.intuneUnlicensed,
    displayName: "Alpine Ski House",
    domain: "alpineskihouse.onmicrosoft.com",
    appDisplayName: APP_NAME_ALL,
    servicePrincipalId: "a5203ee5-ad16-477f-9b6f-fe803a69b458",
    objectId: "f4412a7a-f5c3-4428-808c-27ddbd3105f9",
    roles: {
      defender: ["Machine.Read.All", "Alert.Read.All"],
      graph: [
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementConfiguration.Read.All",
        "Device.Read.All",
      ],
    },
    intuneLicensed: false,
  },
  {
    scenario: SIM_SEED.overPrivileged,
    displayName: "Trey Research",
    domain: "treyresearch.onmicrosoft.com",
    appDisplayName: APP_NAME_ALL,
    servicePrincipalId: "04a32161-f5e8-4fe1-b31c-baab5ad01c28",
    objectId: "2923f47d-8499-4121-97c6-586ff669bfc5",
    roles: {
      defender: [
        "Alert.Read.All",
        "Machine.Read.All",
        "Machine.Offboard",
        "Machine.RestrictExecution",
        "File.Read.All",
      ],
      graph: ["Directory.Read.All"],
    },
  },
  {
    scenario: SIM_SEED.bulkSync,
    displayName: "Lamna Healthcare",
    domain: "lamnahealthcare.onmicrosoft.com",
    appDisplayName: APP_NAME,
    servicePrincipalId: "1f6c2e8a-7b3d-4c59-a0e4-6d8b2f1c9a37",
    objectId: "8a2d5c1e-3f7b-4e96-b0c8-5e1a7d3f2b94",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
  },
  {
    scenario: SIM_SEED.bulkResume,
    displayName: "Relecloud",
    domain: "relecloud.onmicrosoft.com",
    appDisplayName: APP_NAME,
    servicePrincipalId: "7e1a4c8d-3b6f-4d29-9a05-e2c7b1f4d836",
    objectId: "b3d9f6a2-8c1e-4a57-b0d4-1f5e8c2a7b93",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
  },
  {
    scenario: SIM_SEED.sharedSync,
    displayName: "Wide World Importers",
    domain: "wideworldimporters.onmicrosoft.com",
    appDisplayName: APP_NAME,
    servicePrincipalId: "3c9e7a2f-6b4d-4f18-a1e5-d8b2c6f4a097",
    objectId: "f1a5c8e3-2d7b-4b96-8c04-7e3a9d1f5c62",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
  },
  {
    scenario: SIM_SEED.newTenant,
    displayName: "Tailwind Traders",
    domain: "tailwindtraders.onmicrosoft.com",
    appDisplayName: APP_NAME,
    servicePrincipalId: "6d2f8b4a-1c7e-4a39-9e05-b8c3d1f7a264",
    objectId: "c5a1e7d3-4b9f-4c28-8e6a-2f7d9b3c1e85",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"] },
  },
  {
    scenario: SIM_SEED.ambiguousSecretHint,
    displayName: "Proseware",
    domain: "proseware.onmicrosoft.com",
    appDisplayName: APP_NAME_ALL,
    servicePrincipalId: "cf78dab0-d9bd-47dd-a0c9-deaad88447bf",
    objectId: "b38de0d7-d9a8-4aa6-a9f6-4c6f19adc366",
    roles: { defender: ["Machine.Read.All", "Alert.Read.All"], graph: ["Application.Read.All"] },
  },
];

function relativeTenant(spec: RelativeTenantSpec, startedAt: Date): SimTenant {
  const s = spec.scenario;
  const inUse = {
    created: s.secretCreatedDaysAgo ?? 0,
    secret: {
      id: s.secretId,
      value: s.appSecret,
      startsAt: simDateTime(startedAt, -(s.secretCreatedDaysAgo ?? 0)),
      expiresAt: simDateTime(startedAt, s.secretValidDays ?? 365),
      displayName: s.secretDisplayName ?? null,
    },
  };
  const others = (s.otherSecrets ?? []).map((o) => ({
    created: o.createdDaysAgo,
    secret: {
      id: o.secretId,
      value: o.value,
      startsAt: simDateTime(startedAt, -o.createdDaysAgo),
      expiresAt: simDateTime(startedAt, o.validDays),
      displayName: o.displayName,
    },
  }));
  const secrets = [...others, inUse].sort((a, b) => b.created - a.created).map((e) => e.secret);
  return {
    tenantId: s.tenantId,
    displayName: spec.displayName,
    domain: spec.domain,
    cloud: "commercial",
    defenderProvisioned: true,
    ...(spec.intuneLicensed === undefined ? {} : { intuneLicensed: spec.intuneLicensed }),
    apps: [
      {
        appId: s.appId,
        displayName: spec.appDisplayName,
        servicePrincipalId: spec.servicePrincipalId,
        objectId: spec.objectId,
        secrets,
        roles: spec.roles,
      },
    ],
  };
}

/** Every seeded tenant; the relative scenarios' dates count from `startedAt` (the simulator's start). */
export function createSimDirectory(startedAt: Date): readonly SimTenant[] {
  return [...FIXED_TENANTS, ...RELATIVE_TENANTS.map((spec) => relativeTenant(spec, startedAt))];
}

// ---------------------------------------------------------------------------------------------------------------
// Defender data (shapes per the MDE API docs: machine.md, alerts.md).

export type SimIpAddress = {
  readonly ipAddress: string;
  readonly macAddress: string;
  readonly type: string;
  readonly operationalStatus: string;
};

export type SimMachine = {
  readonly id: string;
  readonly computerDnsName: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly osPlatform: string;
  readonly osVersion: string | null;
  readonly osProcessor: string;
  readonly version: string;
  readonly lastIpAddress: string;
  readonly lastExternalIpAddress: string;
  readonly agentVersion: string;
  readonly osBuild: number | null;
  readonly healthStatus: string;
  readonly deviceValue: string;
  readonly rbacGroupId: number;
  readonly rbacGroupName: string;
  readonly riskScore: string;
  readonly exposureLevel: string;
  readonly isAadJoined: boolean;
  readonly aadDeviceId: string | null;
  readonly machineTags: readonly string[];
  readonly onboardingStatus: string;
  readonly osArchitecture: string;
  readonly managedBy: string;
  readonly managedByStatus: string;
  readonly ipAddresses: readonly SimIpAddress[];
};

export type SimEvidence = {
  readonly entityType: string;
  readonly evidenceCreationTime: string;
  readonly sha1: string | null;
  readonly sha256: string | null;
  readonly fileName: string | null;
  readonly filePath: string | null;
  readonly processId: number | null;
  readonly processCommandLine: string | null;
  readonly accountName: string | null;
  readonly domainName: string | null;
  readonly userPrincipalName: string | null;
  readonly ipAddress: string | null;
  readonly url: string | null;
  readonly detectionStatus: string | null;
};

export type SimAlert = {
  readonly id: string;
  readonly incidentId: number;
  readonly investigationId: number | null;
  readonly assignedTo: string | null;
  readonly severity: string;
  readonly status: string;
  readonly classification: string | null;
  readonly determination: string | null;
  readonly investigationState: string;
  readonly detectionSource: string;
  readonly detectorId: string;
  readonly category: string;
  readonly threatFamilyName: string | null;
  readonly title: string;
  readonly description: string;
  readonly alertCreationTime: string;
  readonly firstEventTime: string;
  readonly lastEventTime: string;
  readonly lastUpdateTime: string;
  readonly resolvedTime: string | null;
  readonly machineId: string;
  readonly computerDnsName: string;
  readonly rbacGroupName: string;
  readonly aadTenantId: string;
  readonly threatName: string | null;
  readonly mitreTechniques: readonly string[];
  readonly relatedUser: { readonly userName: string; readonly domainName: string } | null;
  readonly loggedOnUsers: readonly { readonly accountName: string; readonly domainName: string }[];
  readonly comments: readonly {
    readonly comment: string;
    readonly createdBy: string;
    readonly createdTime: string;
  }[];
  readonly evidence: readonly SimEvidence[];
};

export interface SimDefenderData {
  readonly machines: readonly SimMachine[];
  readonly alerts: readonly SimAlert[];
}

export function sha1Hex(input: string): string {
  return createHash("sha1").update(input).digest("hex");
}

export function sha256Hex(input: string): string {
  return createHash("sha256").update(input).digest("hex");
}

/** A stable GUID-shaped id derived from `input`. */
export function guidFrom(input: string): string {
  const h = sha1Hex(input);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `2026-11-20T08:14:03.1234567Z`: 7 fractional digits like the real API; `offsetMinutes` from the base. */
export function ts(offsetMinutes: number, fraction: string): string {
  const base = Date.UTC(2026, 10, 14, 6, 0, 0);
  const d = new Date(base + offsetMinutes * 60_000);
  return `${d.toISOString().slice(0, 19)}.${fraction.padEnd(7, "0").slice(0, 7)}Z`;
}

interface MachineTemplate {
  readonly name: string;
  readonly osPlatform: string;
  readonly osVersion: string | null;
  readonly version: string;
  readonly osBuild: number | null;
  readonly agentVersion: string;
  readonly healthStatus: string;
  readonly riskScore: string;
  readonly exposureLevel: string;
  readonly deviceValue: string;
  readonly rbacGroupName: string;
  readonly rbacGroupId: number;
  readonly isAadJoined: boolean;
  readonly tags: readonly string[];
  readonly ip: string;
  readonly mac: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

const MACHINE_TEMPLATES: readonly MachineTemplate[] = [
  {
    name: "ws-fin-0142",
    osPlatform: "Windows11",
    osVersion: null,
    version: "23H2",
    osBuild: 22631,
    agentVersion: "10.8760.22621.1016",
    healthStatus: "Active",
    riskScore: "Medium",
    exposureLevel: "Medium",
    deviceValue: "Normal",
    rbacGroupName: "Finance Workstations",
    rbacGroupId: 141,
    isAadJoined: true,
    tags: ["finance", "laptop"],
    ip: "10.20.14.42",
    mac: "3C-52-82-1A-7F-09",
    firstSeen: -90 * 24 * 60,
    lastSeen: 7 * 24 * 60 + 120,
  },
  {
    name: "srv-sql-01",
    osPlatform: "WindowsServer2022",
    osVersion: null,
    version: "21H2",
    osBuild: 20348,
    agentVersion: "10.8760.20348.2700",
    healthStatus: "Active",
    riskScore: "High",
    exposureLevel: "High",
    deviceValue: "High",
    rbacGroupName: "Tier 0 Servers",
    rbacGroupId: 140,
    isAadJoined: false,
    tags: ["server", "sql", "crown-jewel"],
    ip: "10.10.2.15",
    mac: "00-15-5D-04-21-0B",
    firstSeen: -400 * 24 * 60,
    lastSeen: 7 * 24 * 60 + 45,
  },
  {
    name: "mbp-design-07",
    osPlatform: "macOS",
    osVersion: "14.6.1",
    version: "14.6",
    osBuild: null,
    agentVersion: "101.24092.0004",
    healthStatus: "Inactive",
    riskScore: "Low",
    exposureLevel: "Low",
    deviceValue: "Normal",
    rbacGroupName: "Design",
    rbacGroupId: 143,
    isAadJoined: true,
    tags: ["mac"],
    ip: "10.20.31.7",
    mac: "A4-83-E7-5C-11-3D",
    firstSeen: -200 * 24 * 60,
    lastSeen: 2 * 24 * 60 + 15,
  },
  {
    name: "lnx-web-03",
    osPlatform: "Linux",
    osVersion: "Ubuntu 22.04.4 LTS",
    version: "22.04",
    osBuild: null,
    agentVersion: "101.24082.0004",
    healthStatus: "Active",
    riskScore: "None",
    exposureLevel: "Medium",
    deviceValue: "Normal",
    rbacGroupName: "Linux Servers",
    rbacGroupId: 142,
    isAadJoined: false,
    tags: [],
    ip: "10.10.8.33",
    mac: "00-0D-3A-7B-90-12",
    firstSeen: -60 * 24 * 60,
    lastSeen: 7 * 24 * 60 + 200,
  },
];

interface AlertTemplate {
  readonly machine: number;
  readonly severity: string;
  readonly status: string;
  readonly classification: string | null;
  readonly determination: string | null;
  readonly investigationState: string;
  readonly detectionSource: string;
  readonly category: string;
  readonly threatFamilyName: string | null;
  readonly threatName: string | null;
  readonly title: string;
  readonly description: string;
  readonly created: number;
  readonly updated: number;
  readonly resolved: number | null;
  readonly mitre: readonly string[];
  readonly user: string;
  readonly evidence: "process" | "file" | "url";
  readonly fileName: string;
  readonly commandLine: string;
}

const ALERT_TEMPLATES: readonly AlertTemplate[] = [
  {
    machine: 0,
    severity: "High",
    status: "New",
    classification: null,
    determination: null,
    investigationState: "PendingApproval",
    detectionSource: "WindowsDefenderAtp",
    category: "CredentialAccess",
    threatFamilyName: null,
    threatName: null,
    title: "Suspicious access to LSASS service",
    description:
      "A process accessed the memory of the Local Security Authority Subsystem Service (LSASS), which may indicate an attempt to dump credentials.",
    created: 0,
    updated: 3,
    resolved: null,
    mitre: ["T1003", "T1003.001"],
    user: "amelia.chen",
    evidence: "process",
    fileName: "rundll32.exe",
    commandLine:
      "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 704 C:\\Users\\Public\\l.dmp full",
  },
  {
    machine: 1,
    severity: "Medium",
    status: "InProgress",
    classification: null,
    determination: null,
    investigationState: "Running",
    detectionSource: "WindowsDefenderAv",
    category: "Execution",
    threatFamilyName: "Meterpreter",
    threatName: "Behavior:Win32/Meterpreter.gen!A",
    title: "Suspicious 'Meterpreter' behavior was detected",
    description:
      "Malware and unwanted software are undesirable applications that perform annoying, disruptive, or harmful actions on affected machines.",
    created: 95,
    updated: 180,
    resolved: null,
    mitre: ["T1059.001", "T1218.011"],
    user: "svc-sql",
    evidence: "file",
    fileName: "payload.ps1",
    commandLine: "powershell.exe -nop -w hidden -enc SQBFAFgA",
  },
  {
    machine: 2,
    severity: "Low",
    status: "Resolved",
    classification: "FalsePositive",
    determination: "NotMalicious",
    investigationState: "Benign",
    detectionSource: "WindowsDefenderAtp",
    category: "SuspiciousActivity",
    threatFamilyName: null,
    threatName: null,
    title: "Suspicious launchctl activity",
    description:
      "A process registered a launch agent in an unusual location, which could be used for persistence.",
    created: 240,
    updated: 1440,
    resolved: 1440,
    mitre: ["T1543.001"],
    user: "jonas.weber",
    evidence: "process",
    fileName: "launchctl",
    commandLine: "launchctl load -w /Users/jonas.weber/Library/LaunchAgents/com.update.helper.plist",
  },
  {
    machine: 3,
    severity: "Informational",
    status: "New",
    classification: null,
    determination: null,
    investigationState: "UnsupportedOs",
    detectionSource: "WindowsDefenderAtp",
    category: "Discovery",
    threatFamilyName: null,
    threatName: null,
    title: "Enumeration of system information",
    description: "A process ran several commands commonly used to collect information about the host.",
    created: 2000,
    updated: 2010,
    resolved: null,
    mitre: ["T1082"],
    user: "www-data",
    evidence: "process",
    fileName: "uname",
    commandLine: "uname -a",
  },
  {
    machine: 0,
    severity: "Medium",
    status: "New",
    classification: null,
    determination: null,
    investigationState: "Queued",
    detectionSource: "SmartScreen",
    category: "InitialAccess",
    threatFamilyName: null,
    threatName: null,
    title: "Connection to a custom network indicator",
    description: "A browser connected to a URL that matches a custom block indicator.",
    created: 4320,
    updated: 4325,
    resolved: null,
    mitre: ["T1566.002"],
    user: "amelia.chen",
    evidence: "url",
    fileName: "msedge.exe",
    commandLine: '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"',
  },
  {
    machine: 1,
    severity: "High",
    status: "New",
    classification: "TruePositive",
    determination: "Malware",
    investigationState: "Queued",
    detectionSource: "WindowsDefenderAv",
    category: "Ransomware",
    threatFamilyName: "LockBit",
    threatName: "Ransom:Win32/LockBit.PA!MTB",
    title: "Ransomware behavior detected in the file system",
    description:
      "A process renamed many files with a new extension in a short time, a pattern typical of ransomware.",
    created: 8600,
    updated: 8640,
    resolved: null,
    mitre: ["T1486"],
    user: "svc-sql",
    evidence: "file",
    fileName: "svch0st.exe",
    commandLine: "C:\\ProgramData\\svch0st.exe -path D:\\Data",
  },
];

function buildData(tenantId: string, domain: string, seedOffset: number): SimDefenderData {
  const netbios = (domain.split(".")[0] ?? "CORP").toUpperCase();
  const machines: SimMachine[] = MACHINE_TEMPLATES.map((t, i) => {
    const frac = sha1Hex(`${tenantId}:m:${i}`).replace(/[a-f]/g, "").padEnd(7, "3");
    return {
      id: sha1Hex(`${tenantId}:machine:${t.name}`),
      computerDnsName: `${t.name}.${domain}`,
      firstSeen: ts(t.firstSeen + seedOffset, frac),
      lastSeen: ts(t.lastSeen + seedOffset, frac.split("").reverse().join("")),
      osPlatform: t.osPlatform,
      osVersion: t.osVersion,
      osProcessor: "x64",
      version: t.version,
      lastIpAddress: t.ip,
      lastExternalIpAddress: `20.${50 + i}.${(seedOffset % 200) + 10}.${100 + i}`,
      agentVersion: t.agentVersion,
      osBuild: t.osBuild,
      healthStatus: t.healthStatus,
      deviceValue: t.deviceValue,
      rbacGroupId: t.rbacGroupId,
      rbacGroupName: t.rbacGroupName,
      riskScore: t.riskScore,
      exposureLevel: t.exposureLevel,
      isAadJoined: t.isAadJoined,
      aadDeviceId: t.isAadJoined ? guidFrom(`${tenantId}:aad:${t.name}`) : null,
      machineTags: t.tags,
      onboardingStatus: "Onboarded",
      osArchitecture: "64-bit",
      managedBy: t.osPlatform.startsWith("Windows") ? "Intune" : "MicrosoftDefenderForEndpoint",
      managedByStatus: "Success",
      ipAddresses: [
        { ipAddress: t.ip, macAddress: t.mac.replaceAll("-", ""), type: "Ethernet", operationalStatus: "Up" },
      ],
    };
  });

  const alerts: SimAlert[] = ALERT_TEMPLATES.map((t, i) => {
    const machine = machines[t.machine] ?? machines[0];
    if (!machine) throw new Error("seed: no machines");
    const frac = sha1Hex(`${tenantId}:a:${i}`).replace(/[a-f]/g, "").padEnd(7, "5");
    const created = ts(t.created + seedOffset, frac);
    const ticks = 637308392288907382n + BigInt(i * 1_000_003 + seedOffset * 7919);
    const signed = (Number.parseInt(sha1Hex(`${tenantId}:aid:${i}`).slice(0, 8), 16) | 0).toString();
    const evidence: SimEvidence = {
      entityType: t.evidence === "url" ? "Url" : t.evidence === "file" ? "File" : "Process",
      evidenceCreationTime: created,
      sha1: t.evidence === "url" ? null : sha1Hex(`${t.fileName}:${i}`),
      sha256: t.evidence === "url" ? null : sha256Hex(`${t.fileName}:${i}`),
      fileName: t.evidence === "url" ? null : t.fileName,
      filePath:
        t.evidence === "url" ? null : t.commandLine.includes("\\") ? "C:\\Windows\\System32" : "/usr/bin",
      processId: t.evidence === "process" ? 4000 + i * 17 : null,
      processCommandLine: t.evidence === "process" ? t.commandLine : null,
      accountName: t.user,
      domainName: netbios,
      userPrincipalName: t.user.includes(".") ? `${t.user}@${domain}` : null,
      ipAddress: null,
      url: t.evidence === "url" ? "hxxp://login-m1crosoft-verify.example/session" : null,
      detectionStatus: t.status === "Resolved" ? "Detected" : "Blocked",
    };
    return {
      id: `da${ticks.toString()}_${signed}`,
      incidentId: 7500 + seedOffset + i,
      investigationId: t.investigationState === "UnsupportedOs" ? null : 720000 + seedOffset * 10 + i,
      assignedTo: t.status === "New" ? null : `secops@${domain}`,
      severity: t.severity,
      status: t.status,
      classification: t.classification,
      determination: t.determination,
      investigationState: t.investigationState,
      detectionSource: t.detectionSource,
      detectorId: guidFrom(`detector:${t.title}`),
      category: t.category,
      threatFamilyName: t.threatFamilyName,
      title: t.title,
      description: t.description,
      alertCreationTime: created,
      firstEventTime: ts(t.created + seedOffset - 2, frac.slice(1)),
      lastEventTime: ts(t.created + seedOffset - 1, frac.slice(2)),
      lastUpdateTime: ts(t.updated + seedOffset, `${i}${frac.slice(1)}`),
      resolvedTime: t.resolved === null ? null : ts(t.resolved + seedOffset, frac),
      machineId: machine.id,
      computerDnsName: machine.computerDnsName,
      rbacGroupName: machine.rbacGroupName,
      aadTenantId: tenantId,
      threatName: t.threatName,
      mitreTechniques: t.mitre,
      relatedUser: { userName: t.user, domainName: netbios },
      loggedOnUsers: [{ accountName: t.user, domainName: netbios }],
      comments:
        t.status === "Resolved"
          ? [
              {
                comment: "Approved internal tooling; closing as false positive.",
                createdBy: `secops@${domain}`,
                createdTime: ts((t.resolved ?? t.updated) + seedOffset, frac),
              },
            ]
          : [],
      evidence: [evidence],
    };
  });
  return { machines, alerts };
}

function tenantDomain(tenantId: string): string {
  return (
    FIXED_TENANTS.find((t) => t.tenantId === tenantId)?.domain ??
    RELATIVE_TENANTS.find((t) => t.scenario.tenantId === tenantId)?.domain ??
    "contoso.onmicrosoft.com"
  );
}

/** Tenants with seeded data, and the minute offset that makes each tenant's timestamps its own. */
const DATA_TENANTS: readonly (readonly [string, number])[] = [
  [SIM_SEED.healthy.tenantId, 0],
  [SIM_SEED.faults.tenantId, 11],
  [SIM_SEED.hostileUpstream.tenantId, 5],
  [SIM_SEED.machinesOnly.tenantId, 23],
  [SIM_SEED.noConsent.tenantId, 37],
  [SIM_SEED.allFeatures.tenantId, 41],
  [SIM_SEED.graphNotConsented.tenantId, 53],
  [SIM_SEED.secretExpiringSoon.tenantId, 61],
  [SIM_SEED.intuneUnlicensed.tenantId, 67],
  [SIM_SEED.overPrivileged.tenantId, 71],
  [SIM_SEED.ambiguousSecretHint.tenantId, 79],
];

/** The minute offset of a tenant's seeded data (see DATA_TENANTS), or undefined when it has none. */
export function simDataOffset(tenantId: string): number | undefined {
  return DATA_TENANTS.find(([id]) => id === tenantId)?.[1];
}

/** The domain of a seeded tenant (for data that names users and hosts). */
export function simTenantDomain(tenantId: string): string {
  return tenantDomain(tenantId);
}

/** Seeded Defender data per tenant id. Tenants not listed have no machines or alerts. */
export const SIM_DEFENDER_DATA: Readonly<Record<string, SimDefenderData>> = Object.fromEntries(
  DATA_TENANTS.map(([tenantId, offset]) => [tenantId, buildData(tenantId, tenantDomain(tenantId), offset)]),
);
