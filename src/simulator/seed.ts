// Seed data for the Entra ID + Defender for Endpoint simulator.
// Every value here is fake. Secrets follow the real Entra shape (3 chars, "8Q~", 34 chars = 40 chars) so that
// input validation treats them like real secret Values; `secretId` is the GUID-shaped "Secret ID" that users
// paste by mistake.

import { createHash } from "node:crypto";

export interface SimScenario {
  readonly tenantId: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly secretId: string;
  readonly description: string;
}

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
} as const satisfies Record<string, SimScenario>;

export type SimScenarioName = keyof typeof SIM_SEED;

/** A GUID that no seeded tenant uses: the token endpoint answers AADSTS90002 for it. */
export const SIM_UNKNOWN_TENANT_ID = "ce0f3137-884c-497f-a0f4-b79255410ee9";

/** First-party app id of the WindowsDefenderATP resource (community-confirmed). */
export const WINDOWS_DEFENDER_ATP_APP_ID = "fc780465-2017-40d4-a0c5-307022471b92";

// ---------------------------------------------------------------------------------------------------------------
// Directory: tenants, app registrations, secrets, granted roles.

export interface SimSecret {
  readonly id: string;
  readonly value: string;
  readonly expiresAt: string;
}

export interface SimApp {
  readonly appId: string;
  readonly displayName: string;
  /** Object id of the app's service principal in the tenant (token `oid`/`sub`). */
  readonly servicePrincipalId: string;
  readonly secrets: readonly SimSecret[];
  /** Application permissions with admin consent on WindowsDefenderATP; empty = no `roles` claim. */
  readonly roles: readonly string[];
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
  readonly apps: readonly SimApp[];
}

const VALID_UNTIL = "2028-11-01T00:00:00Z";
const EXPIRED_AT = "2026-05-31T23:59:59Z";
const APP_NAME = "Patchbay Defender Connector";

export const SIM_TENANTS: readonly SimTenant[] = [
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
          { id: SIM_SEED.healthy.secretId, value: SIM_SEED.healthy.appSecret, expiresAt: VALID_UNTIL },
        ],
        roles: ["Machine.Read.All", "Alert.Read.All"],
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
          },
        ],
        roles: ["Machine.Read.All", "Alert.Read.All"],
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
          { id: SIM_SEED.noConsent.secretId, value: SIM_SEED.noConsent.appSecret, expiresAt: VALID_UNTIL },
        ],
        roles: [],
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
          },
        ],
        roles: ["Machine.Read.All"],
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
          { id: SIM_SEED.noDefender.secretId, value: SIM_SEED.noDefender.appSecret, expiresAt: VALID_UNTIL },
        ],
        roles: [],
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
        secrets: [{ id: SIM_SEED.faults.secretId, value: SIM_SEED.faults.appSecret, expiresAt: VALID_UNTIL }],
        roles: ["Machine.Read.All", "Alert.Read.All"],
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
          },
        ],
        roles: ["Machine.Read.All", "Alert.Read.All"],
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
          { id: SIM_SEED.otherCloud.secretId, value: SIM_SEED.otherCloud.appSecret, expiresAt: VALID_UNTIL },
        ],
        roles: ["Machine.Read.All", "Alert.Read.All"],
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
          },
        ],
        roles: ["Machine.Read.All", "Alert.Read.All"],
        blockedByConditionalAccess: true,
      },
    ],
  },
];

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

function sha1Hex(input: string): string {
  return createHash("sha1").update(input).digest("hex");
}

function sha256Hex(input: string): string {
  return createHash("sha256").update(input).digest("hex");
}

function guidFrom(input: string): string {
  const h = sha1Hex(input);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `2026-11-20T08:14:03.1234567Z`: 7 fractional digits like the real API; `offsetMinutes` from the base. */
function ts(offsetMinutes: number, fraction: string): string {
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
  return SIM_TENANTS.find((t) => t.tenantId === tenantId)?.domain ?? "contoso.onmicrosoft.com";
}

/** Seeded Defender data per tenant id. Tenants not listed have no machines or alerts. */
export const SIM_DEFENDER_DATA: Readonly<Record<string, SimDefenderData>> = {
  [SIM_SEED.healthy.tenantId]: buildData(
    SIM_SEED.healthy.tenantId,
    tenantDomain(SIM_SEED.healthy.tenantId),
    0,
  ),
  [SIM_SEED.faults.tenantId]: buildData(SIM_SEED.faults.tenantId, tenantDomain(SIM_SEED.faults.tenantId), 11),
  [SIM_SEED.hostileUpstream.tenantId]: buildData(
    SIM_SEED.hostileUpstream.tenantId,
    tenantDomain(SIM_SEED.hostileUpstream.tenantId),
    5,
  ),
  [SIM_SEED.machinesOnly.tenantId]: buildData(
    SIM_SEED.machinesOnly.tenantId,
    tenantDomain(SIM_SEED.machinesOnly.tenantId),
    23,
  ),
  [SIM_SEED.noConsent.tenantId]: buildData(
    SIM_SEED.noConsent.tenantId,
    tenantDomain(SIM_SEED.noConsent.tenantId),
    37,
  ),
};
