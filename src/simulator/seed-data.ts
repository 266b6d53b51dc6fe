// Seeded data behind the endpoints beyond machines and alerts: Defender vulnerability management (vulnerabilities,
// software, recommendations, exposure score), indicators, Defender XDR incidents, advanced-hunting tables, Intune
// managed devices and compliance policies, Entra devices and custom detection rules. Derived from each tenant's
// seeded machines and alerts (seed.ts), so ids join across APIs the way they do in a real tenant: Intune
// `azureADDeviceId` = Entra device `deviceId` = MDE machine `aadDeviceId` (reference/microsoft-graph.md §4.1).
// Shapes follow the API pages quoted in reference/microsoft-defender.md §4.6 and microsoft-graph.md §4–5, nulls
// included. Every value is fake.

import {
  guidFrom,
  SIM_DEFENDER_DATA,
  SIM_SEED,
  type SimAlert,
  type SimMachine,
  sha1Hex,
  sha256Hex,
  simDataOffset,
  simTenantDomain,
  ts,
} from "./seed";

type Json = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------------------------------------------
// Defender vulnerability management (get-all-vulnerabilities.md, get-software.md, get-all-recommendations.md,
// get-exposure-score.md).

interface VulnerabilityTemplate {
  readonly id: string;
  readonly description: string;
  readonly severity: "Low" | "Medium" | "High" | "Critical";
  readonly cvssV3: number;
  readonly cvssVector: string;
  readonly publishedOn: string;
  readonly updatedOn: string;
  readonly publicExploit: boolean;
  readonly exploitVerified: boolean;
  readonly exploitInKit: boolean;
  readonly exploitTypes: readonly string[];
  readonly exploitUris: readonly string[];
  /** Which seeded machines (by OS platform prefix) are exposed. */
  readonly platform: string;
}

const VULNERABILITIES: readonly VulnerabilityTemplate[] = [
  {
    id: "CVE-2024-38063",
    description:
      "Windows TCP/IP Remote Code Execution Vulnerability. An unauthenticated attacker could repeatedly send IPv6 packets, including specially crafted packets, to a Windows machine, which could enable remote code execution.",
    severity: "Critical",
    cvssV3: 9.8,
    cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C",
    publishedOn: "2024-08-13T00:00:00Z",
    updatedOn: "2024-08-27T21:15:00Z",
    publicExploit: false,
    exploitVerified: false,
    exploitInKit: false,
    exploitTypes: [],
    exploitUris: [],
    platform: "Windows",
  },
  {
    id: "CVE-2023-4863",
    description:
      "Heap buffer overflow in libwebp in Google Chrome prior to 116.0.5845.187 and libwebp 1.3.2 allowed a remote attacker to perform an out of bounds memory write via a crafted HTML page.",
    severity: "High",
    cvssV3: 8.8,
    cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:H/RL:O/RC:C",
    publishedOn: "2023-09-12T00:00:00Z",
    updatedOn: "2024-01-31T17:15:00Z",
    publicExploit: true,
    exploitVerified: true,
    exploitInKit: false,
    exploitTypes: ["RemoteCodeExecution"],
    exploitUris: ["https://github.com/mistymntncop/CVE-2023-4863"],
    platform: "Windows11",
  },
  {
    id: "CVE-2024-3094",
    description:
      "Malicious code was discovered in the upstream tarballs of xz, starting with version 5.6.0. The liblzma build process extracts a prebuilt object file that modifies functions in the liblzma code.",
    severity: "Critical",
    cvssV3: 10,
    cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:F/RL:O/RC:C",
    publishedOn: "2024-03-29T00:00:00Z",
    updatedOn: "2024-04-10T19:15:00Z",
    publicExploit: true,
    exploitVerified: false,
    exploitInKit: false,
    exploitTypes: ["RemoteCodeExecution"],
    exploitUris: [],
    platform: "Linux",
  },
  {
    id: "CVE-2024-44133",
    description:
      "This issue was addressed by removing the vulnerable code. This issue is fixed in macOS Sequoia 15. On MDM managed devices, an app may be able to bypass certain Privacy preferences.",
    severity: "Medium",
    cvssV3: 5.5,
    cvssVector: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N/E:U/RL:O/RC:C",
    publishedOn: "2024-09-17T00:00:00Z",
    updatedOn: "2024-10-18T12:50:00Z",
    publicExploit: false,
    exploitVerified: false,
    exploitInKit: false,
    exploitTypes: [],
    exploitUris: [],
    platform: "macOS",
  },
  {
    id: "CVE-2019-0608",
    description:
      "A spoofing vulnerability exists when Microsoft Browsers does not properly parse HTTP content. An attacker who successfully exploited this vulnerability could impersonate a user request by crafting HTTP queries.",
    severity: "Medium",
    cvssV3: 4.3,
    cvssVector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C",
    publishedOn: "2019-10-08T00:00:00Z",
    updatedOn: "2019-12-16T16:20:00Z",
    publicExploit: false,
    exploitVerified: false,
    exploitInKit: false,
    exploitTypes: [],
    exploitUris: [],
    platform: "Windows",
  },
];

interface SoftwareTemplate {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly weaknesses: number;
  readonly publicExploit: boolean;
  readonly platform: string;
  readonly impactScore: number;
}

const SOFTWARE: readonly SoftwareTemplate[] = [
  {
    id: "microsoft-_-edge",
    name: "edge",
    vendor: "microsoft",
    weaknesses: 12,
    publicExploit: false,
    platform: "Windows",
    impactScore: 0.58,
  },
  {
    id: "google-_-chrome",
    name: "chrome",
    vendor: "google",
    weaknesses: 41,
    publicExploit: true,
    platform: "Windows11",
    impactScore: 2.39947438,
  },
  {
    id: "microsoft-_-windows_11",
    name: "windows_11",
    vendor: "microsoft",
    weaknesses: 96,
    publicExploit: false,
    platform: "Windows11",
    impactScore: 7.6744186,
  },
  {
    id: "microsoft-_-windows_server_2022",
    name: "windows_server_2022",
    vendor: "microsoft",
    weaknesses: 118,
    publicExploit: false,
    platform: "WindowsServer",
    impactScore: 9.12,
  },
  {
    id: "tukaani-_-xz",
    name: "xz",
    vendor: "tukaani",
    weaknesses: 1,
    publicExploit: true,
    platform: "Linux",
    impactScore: 1.21,
  },
  {
    id: "apple-_-macos",
    name: "macos",
    vendor: "apple",
    weaknesses: 23,
    publicExploit: false,
    platform: "macOS",
    impactScore: 0.94,
  },
];

function exposed(machines: readonly SimMachine[], platform: string): number {
  return machines.filter((m) => m.osPlatform.startsWith(platform)).length;
}

function vulnerabilitiesOf(machines: readonly SimMachine[]): Json[] {
  return VULNERABILITIES.map((v) => ({
    id: v.id,
    name: v.id,
    description: v.description,
    severity: v.severity,
    cvssV3: v.cvssV3,
    cvssVector: v.cvssVector,
    exposedMachines: exposed(machines, v.platform),
    publishedOn: v.publishedOn,
    updatedOn: v.updatedOn,
    firstDetected: null,
    publicExploit: v.publicExploit,
    exploitVerified: v.exploitVerified,
    exploitInKit: v.exploitInKit,
    exploitTypes: v.exploitTypes,
    exploitUris: v.exploitUris,
    CveSupportability: "Supported",
    tags: [],
    epss: null,
  }));
}

function softwareOf(machines: readonly SimMachine[], alerts: readonly SimAlert[]): Json[] {
  return SOFTWARE.map((s) => ({
    id: s.id,
    name: s.name,
    vendor: s.vendor,
    weaknesses: s.weaknesses,
    publicExploit: s.publicExploit,
    activeAlert: s.id === "microsoft-_-edge" && alerts.some((a) => a.detectionSource === "SmartScreen"),
    exposedMachines: exposed(machines, s.platform),
    impactScore: s.impactScore,
  }));
}

function recommendationsOf(machines: readonly SimMachine[]): Json[] {
  const total = machines.length;
  return [
    {
      id: "va-_-google-_-chrome",
      productName: "chrome",
      recommendationName: "Update Google Chrome",
      weaknesses: 41,
      vendor: "google",
      recommendedVersion: "131.0.6778.86",
      recommendedProgram: null,
      recommendedVendor: null,
      recommendationCategory: "Application",
      subCategory: "",
      severityScore: 0,
      publicExploit: true,
      activeAlert: false,
      associatedThreats: [],
      remediationType: "Update",
      status: "Active",
      configScoreImpact: 0,
      exposureImpact: 2.39947438,
      totalMachineCount: total,
      exposedMachinesCount: exposed(machines, "Windows11"),
      nonProductivityImpactedAssets: 0,
      relatedComponent: "Chrome",
      hasUnpatchableCve: false,
      tags: [],
      exposedCriticalDevices: 0,
    },
    {
      id: "va-_-microsoft-_-windows_server_2022",
      productName: "windows_server_2022",
      recommendationName: "Update Windows Server 2022",
      weaknesses: 118,
      vendor: "microsoft",
      recommendedVersion: "",
      recommendedProgram: null,
      recommendedVendor: null,
      recommendationCategory: "Application",
      subCategory: "",
      severityScore: 0,
      publicExploit: false,
      activeAlert: true,
      associatedThreats: [],
      remediationType: "Update",
      status: "Active",
      configScoreImpact: 0,
      exposureImpact: 9.12,
      totalMachineCount: total,
      exposedMachinesCount: exposed(machines, "WindowsServer"),
      nonProductivityImpactedAssets: 0,
      relatedComponent: "Windows Server 2022",
      hasUnpatchableCve: false,
      tags: [],
      exposedCriticalDevices: exposed(machines, "WindowsServer"),
    },
    {
      id: "scid-2010",
      productName: null,
      recommendationName: "Turn on Microsoft Defender Antivirus PUA protection in block mode",
      weaknesses: 0,
      vendor: "microsoft",
      recommendedVersion: "",
      recommendedProgram: null,
      recommendedVendor: null,
      recommendationCategory: "Security controls",
      subCategory: "Antivirus",
      severityScore: 5,
      publicExploit: false,
      activeAlert: false,
      associatedThreats: [],
      remediationType: "ConfigurationChange",
      status: "Active",
      configScoreImpact: 1.23,
      exposureImpact: 0,
      totalMachineCount: total,
      exposedMachinesCount: exposed(machines, "Windows"),
      nonProductivityImpactedAssets: 0,
      relatedComponent: "Antivirus",
      hasUnpatchableCve: false,
      tags: [],
      exposedCriticalDevices: 0,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Indicators (ti-indicator.md, get-ti-indicators-collection.md).

interface IndicatorFields {
  readonly id: string;
  readonly indicatorValue: string;
  readonly indicatorType: string;
  readonly action: string;
  readonly source: string;
  readonly sourceType: "User" | "AadApp";
  readonly createdBySource: string;
  readonly createdBy: string;
  readonly createdByDisplayName: string;
  readonly title: string;
  readonly description: string;
  readonly created: string;
  readonly expirationTime: string | null;
  readonly severity: string;
  readonly generateAlert: boolean;
  readonly recommendedActions: string | null;
}

/** An indicator with every property of the resource, in the order of the API's example. */
function indicator(f: IndicatorFields): Json {
  return {
    id: f.id,
    indicatorValue: f.indicatorValue,
    indicatorType: f.indicatorType,
    action: f.action,
    application: null,
    source: f.source,
    sourceType: f.sourceType,
    title: f.title,
    creationTimeDateTimeUtc: f.created,
    createdBy: f.createdBy,
    createdByDisplayName: f.createdByDisplayName,
    createdBySource: f.createdBySource,
    expirationTime: f.expirationTime,
    lastUpdateTime: f.created,
    lastUpdatedBy: f.createdBy,
    severity: f.severity,
    description: f.description,
    recommendedActions: f.recommendedActions,
    rbacGroupNames: [],
    rbacGroupIds: [],
    generateAlert: f.generateAlert,
    externalID: null,
    category: 1,
    mitreTechniques: [],
  };
}

function indicatorsOf(tenantId: string, domain: string, offset: number): Json[] {
  const scenario = Object.values(SIM_SEED).find((s) => s.tenantId === tenantId);
  const appId = scenario?.appId ?? guidFrom(`indicator-app:${tenantId}`);
  const user = `secops@${domain}`;
  return [
    indicator({
      id: String(5000 + offset * 3),
      indicatorValue: "203.0.113.45",
      indicatorType: "IpAddress",
      action: "Alert",
      source: user,
      sourceType: "User",
      createdBySource: "Portal",
      createdBy: user,
      createdByDisplayName: "SecOps",
      title: "Known C2 address",
      description: "Command and control server seen in a phishing campaign.",
      created: ts(offset - 30 * 24 * 60, "2101"),
      expirationTime: null,
      severity: "High",
      generateAlert: true,
      recommendedActions: null,
    }),
    indicator({
      id: String(5001 + offset * 3),
      indicatorValue: sha1Hex(`svch0st.exe:${tenantId}`),
      indicatorType: "FileSha1",
      action: "AlertAndBlock",
      source: "Patchbay",
      sourceType: "AadApp",
      createdBySource: "PublicApi",
      createdBy: appId,
      createdByDisplayName: "Patchbay",
      title: "Ransomware dropper",
      description: "Blocked after the ransomware alert on srv-sql-01.",
      created: ts(offset + 8700, "4410"),
      expirationTime: `${ts(offset + 8700 + 90 * 24 * 60, "0").slice(0, 19)}Z`,
      severity: "High",
      generateAlert: true,
      recommendedActions: "Isolate the device and collect an investigation package.",
    }),
    indicator({
      id: String(5002 + offset * 3),
      indicatorValue: "login-m1crosoft-verify.example",
      indicatorType: "DomainName",
      action: "Block",
      source: user,
      sourceType: "User",
      createdBySource: "Portal",
      createdBy: user,
      createdByDisplayName: "SecOps",
      title: "Credential phishing domain",
      description: "Look-alike sign-in page.",
      created: ts(offset + 4330, "77"),
      expirationTime: null,
      severity: "Medium",
      generateAlert: false,
      recommendedActions: null,
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Defender XDR incidents (defender-xdr/api-list-incidents.md): one incident per seeded alert, with the XDR alert
// format (devices[], entities[] carrying every field, null when not applicable).

const ENTITY_FIELDS = [
  "sha1",
  "sha256",
  "fileName",
  "filePath",
  "processId",
  "processCommandLine",
  "processCreationTime",
  "parentProcessId",
  "parentProcessCreationTime",
  "ipAddress",
  "url",
  "accountName",
  "domainName",
  "userSid",
  "aadUserId",
  "userPrincipalName",
  "mailboxDisplayName",
  "mailboxAddress",
  "clusterBy",
  "sender",
  "recipient",
  "subject",
  "deliveryAction",
  "securityGroupId",
  "securityGroupName",
  "registryHive",
  "registryKey",
  "registryValueType",
  "registryValue",
  "deviceId",
] as const;

function entity(entityType: string, values: Partial<Record<(typeof ENTITY_FIELDS)[number], unknown>>): Json {
  return {
    entityType,
    ...Object.fromEntries(ENTITY_FIELDS.map((f) => [f, values[f] ?? null])),
  };
}

function incidentsOf(machines: readonly SimMachine[], alerts: readonly SimAlert[]): Json[] {
  const incidents = alerts.map((a) => {
    const machine = machines.find((m) => m.id === a.machineId);
    const ev = a.evidence[0];
    const entities: Json[] = [];
    if (ev?.entityType === "Process" || ev?.entityType === "File") {
      entities.push(
        entity(ev.entityType, {
          sha1: ev.sha1,
          sha256: ev.sha256,
          fileName: ev.fileName,
          filePath: ev.filePath,
          processId: ev.processId,
          processCommandLine: ev.processCommandLine,
          processCreationTime: ev.entityType === "Process" ? ev.evidenceCreationTime : null,
          deviceId: a.machineId,
        }),
      );
    }
    if (ev?.entityType === "Url") entities.push(entity("Url", { url: ev.url, deviceId: a.machineId }));
    entities.push(
      entity("User", {
        accountName: a.relatedUser?.userName ?? null,
        domainName: a.relatedUser?.domainName ?? null,
        userSid: `S-1-5-21-1721254763-462695806-1538882281-${1100 + a.incidentId}`,
        aadUserId: a.relatedUser ? guidFrom(`aaduser:${a.aadTenantId}:${a.relatedUser.userName}`) : null,
        userPrincipalName: ev?.userPrincipalName ?? null,
      }),
    );
    const resolved = a.status === "Resolved";
    return {
      incidentId: a.incidentId,
      redirectIncidentId: null,
      incidentName: `${a.title} on one endpoint`,
      createdTime: a.alertCreationTime,
      lastUpdateTime: a.lastUpdateTime,
      assignedTo: a.assignedTo,
      classification: a.classification ?? "Unknown",
      determination: a.determination ?? "NotAvailable",
      status: resolved ? "Resolved" : "Active",
      severity: a.severity,
      tags: [],
      comments: a.comments,
      alerts: [
        {
          alertId: a.id,
          incidentId: a.incidentId,
          serviceSource: "MicrosoftDefenderATP",
          creationTime: a.alertCreationTime,
          lastUpdatedTime: a.lastUpdateTime,
          resolvedTime: a.resolvedTime,
          firstActivity: a.firstEventTime,
          lastActivity: a.lastEventTime,
          title: a.title,
          description: a.description,
          category: a.category,
          status: a.status,
          severity: a.severity,
          investigationId: a.investigationId,
          investigationState: a.investigationState,
          classification: a.classification,
          determination: a.determination,
          detectionSource: a.detectionSource,
          assignedTo: a.assignedTo,
          actorName: null,
          threatFamilyName: a.threatFamilyName,
          mitreTechniques: a.mitreTechniques,
          devices: machine
            ? [
                {
                  mdatpDeviceId: machine.id,
                  aadDeviceId: machine.aadDeviceId,
                  deviceDnsName: machine.computerDnsName,
                  osPlatform: machine.osPlatform,
                  version: machine.version,
                  osProcessor: machine.osProcessor,
                  osBuild: machine.osBuild,
                  healthStatus: machine.healthStatus,
                  riskScore: machine.riskScore,
                  rbacGroupName: machine.rbacGroupName,
                  rbacGroupId: machine.rbacGroupId,
                  firstSeen: machine.firstSeen,
                },
              ]
            : [],
          entities,
        },
      ],
    };
  });
  // "The most recent incidents are displayed at the top of the list."
  return incidents.sort((x, y) => y.createdTime.localeCompare(x.createdTime));
}

// ---------------------------------------------------------------------------------------------------------------
// Advanced hunting tables (DeviceInfo, DeviceProcessEvents, AlertInfo), shared by the MDE advanced queries API
// and Graph runHuntingQuery.

export interface SimHuntingTable {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Json[];
}

function huntingTablesOf(machines: readonly SimMachine[], alerts: readonly SimAlert[]) {
  const deviceInfo: SimHuntingTable = {
    columns: [
      { name: "Timestamp", type: "DateTime" },
      { name: "DeviceId", type: "String" },
      { name: "DeviceName", type: "String" },
      { name: "ClientVersion", type: "String" },
      { name: "PublicIP", type: "String" },
      { name: "OSArchitecture", type: "String" },
      { name: "OSPlatform", type: "String" },
      { name: "OSBuild", type: "Int64" },
      { name: "IsAzureADJoined", type: "Boolean" },
      { name: "AadDeviceId", type: "String" },
      { name: "MachineGroup", type: "String" },
      { name: "OnboardingStatus", type: "String" },
      { name: "SensorHealthState", type: "String" },
      { name: "ExposureLevel", type: "String" },
    ],
    rows: machines.map((m) => ({
      Timestamp: m.lastSeen,
      DeviceId: m.id,
      DeviceName: m.computerDnsName,
      ClientVersion: m.agentVersion,
      PublicIP: m.lastExternalIpAddress,
      OSArchitecture: m.osArchitecture,
      OSPlatform: m.osPlatform,
      OSBuild: m.osBuild,
      IsAzureADJoined: m.isAadJoined,
      AadDeviceId: m.aadDeviceId,
      MachineGroup: m.rbacGroupName,
      OnboardingStatus: m.onboardingStatus,
      SensorHealthState: m.healthStatus,
      ExposureLevel: m.exposureLevel,
    })),
  };
  const processEvents: SimHuntingTable = {
    columns: [
      { name: "Timestamp", type: "DateTime" },
      { name: "DeviceId", type: "String" },
      { name: "DeviceName", type: "String" },
      { name: "ActionType", type: "String" },
      { name: "FileName", type: "String" },
      { name: "FolderPath", type: "String" },
      { name: "SHA1", type: "String" },
      { name: "ProcessCommandLine", type: "String" },
      { name: "AccountName", type: "String" },
      { name: "InitiatingProcessFileName", type: "String" },
    ],
    rows: alerts
      .filter((a) => a.evidence[0]?.entityType === "Process")
      .map((a) => {
        const ev = a.evidence[0];
        return {
          Timestamp: a.firstEventTime,
          DeviceId: a.machineId,
          DeviceName: a.computerDnsName,
          ActionType: "ProcessCreated",
          FileName: ev?.fileName ?? null,
          FolderPath: ev?.filePath ?? null,
          SHA1: ev?.sha1 ?? null,
          ProcessCommandLine: ev?.processCommandLine ?? null,
          AccountName: ev?.accountName ?? null,
          InitiatingProcessFileName: ev?.filePath?.startsWith("C:") ? "powershell.exe" : "bash",
        };
      }),
  };
  const alertInfo: SimHuntingTable = {
    columns: [
      { name: "Timestamp", type: "DateTime" },
      { name: "AlertId", type: "String" },
      { name: "Title", type: "String" },
      { name: "Category", type: "String" },
      { name: "Severity", type: "String" },
      { name: "ServiceSource", type: "String" },
      { name: "DetectionSource", type: "String" },
      { name: "AttackTechniques", type: "String" },
    ],
    rows: alerts.map((a) => ({
      Timestamp: a.alertCreationTime,
      AlertId: a.id,
      Title: a.title,
      Category: a.category,
      Severity: a.severity,
      ServiceSource: "Microsoft Defender for Endpoint",
      DetectionSource: a.detectionSource === "WindowsDefenderAv" ? "Antivirus" : "EDR",
      AttackTechniques: JSON.stringify(a.mitreTechniques),
    })),
  };
  return { DeviceInfo: deviceInfo, DeviceProcessEvents: processEvents, AlertInfo: alertInfo };
}

// ---------------------------------------------------------------------------------------------------------------
// Microsoft Graph: Intune managed devices and compliance policies (intune-devices-manageddevice.md), Entra
// devices (device.md), custom detection rules (security-detectionrule.md, beta).

const NEVER = "0001-01-01T00:00:00Z";

/** Intune's default managed device name ends with the enrolment time as `M/D/YYYY_h:mm AM`. */
function intuneNameDate(iso: string): string {
  const d = new Date(iso);
  const h = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}_${h % 12 === 0 ? 12 : h % 12}:${minutes} ${h < 12 ? "AM" : "PM"}`;
}

function managedDevicesOf(tenantId: string, domain: string, machines: readonly SimMachine[]): Json[] {
  const joined = machines.filter((m) => m.isAadJoined && m.aadDeviceId !== null);
  const devices: Json[] = joined.map((m) => {
    const windows = m.osPlatform.startsWith("Windows");
    const user = m.computerDnsName.startsWith("ws-fin") ? "amelia.chen" : "jonas.weber";
    const name = m.computerDnsName.split(".")[0] ?? m.computerDnsName;
    return {
      id: guidFrom(`intune:${tenantId}:${m.id}`),
      userId: guidFrom(`aaduser:${tenantId}:${user}`),
      deviceName: name.toUpperCase(),
      managedDeviceOwnerType: "company",
      enrolledDateTime: m.firstSeen,
      lastSyncDateTime: m.lastSeen,
      operatingSystem: windows ? "Windows" : "macOS",
      complianceState: m.riskScore === "Medium" ? "noncompliant" : "compliant",
      jailBroken: windows ? "Unknown" : "False",
      managementAgent: "mdm",
      osVersion: windows ? `10.0.${m.osBuild ?? 22631}.4460` : (m.osVersion ?? "14.6.1"),
      easActivated: false,
      easDeviceId: "",
      easActivationDateTime: NEVER,
      azureADRegistered: true,
      deviceEnrollmentType: windows ? "windowsAzureADJoin" : "appleUserEnrollment",
      activationLockBypassCode: null,
      emailAddress: `${user}@${domain}`,
      azureADDeviceId: m.aadDeviceId,
      deviceRegistrationState: "registered",
      deviceCategoryDisplayName: "Unknown Category",
      isSupervised: false,
      exchangeLastSuccessfulSyncDateTime: NEVER,
      exchangeAccessState: "none",
      exchangeAccessStateReason: "none",
      remoteAssistanceSessionUrl: null,
      remoteAssistanceSessionErrorDetails: null,
      isEncrypted: true,
      userPrincipalName: `${user}@${domain}`,
      model: windows ? "Latitude 7440" : "MacBookPro18,3",
      manufacturer: windows ? "Dell Inc." : "Apple",
      imei: null,
      complianceGracePeriodExpirationDateTime: "9999-12-31T23:59:59Z",
      serialNumber: sha1Hex(`serial:${m.id}`).slice(0, 10).toUpperCase(),
      phoneNumber: null,
      androidSecurityPatchLevel: null,
      userDisplayName: user
        .split(".")
        .map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}`)
        .join(" "),
      configurationManagerClientEnabledFeatures: null,
      wiFiMacAddress: m.ipAddresses[0]?.macAddress ?? null,
      deviceHealthAttestationState: null,
      subscriberCarrier: "",
      meid: null,
      totalStorageSpaceInBytes: 511_101_108_224,
      freeStorageSpaceInBytes: 203_292_344_320,
      managedDeviceName: `${user}_${windows ? "Windows" : "MacOS"}_${intuneNameDate(m.firstSeen)}`,
      partnerReportedThreatState: m.riskScore === "Medium" ? "mediumSeverity" : "secured",
      requireUserEnrollmentApproval: null,
      managementCertificateExpirationDate: "2027-05-14T06:12:09Z",
      iccid: null,
      udid: null,
      notes: null,
      ethernetMacAddress: null,
      physicalMemoryInBytes: 0,
      enrollmentProfileName: null,
      deviceActionResults: [],
    };
  });
  // A phone Intune manages that is not onboarded to Defender.
  devices.push({
    id: guidFrom(`intune:${tenantId}:iphone`),
    userId: guidFrom(`aaduser:${tenantId}:amelia.chen`),
    deviceName: "Amelia's iPhone",
    managedDeviceOwnerType: "personal",
    enrolledDateTime: ts(-120 * 24 * 60, "1234567"),
    lastSyncDateTime: ts(6 * 24 * 60 + 300, "7654321"),
    operatingSystem: "iOS",
    complianceState: "inGracePeriod",
    jailBroken: "False",
    managementAgent: "mdm",
    osVersion: "17.6.1",
    easActivated: true,
    easDeviceId: sha1Hex(`eas:${tenantId}`).slice(0, 20).toUpperCase(),
    easActivationDateTime: ts(-119 * 24 * 60, "0"),
    azureADRegistered: true,
    deviceEnrollmentType: "userEnrollment",
    activationLockBypassCode: null,
    emailAddress: `amelia.chen@${domain}`,
    azureADDeviceId: guidFrom(`aad:${tenantId}:iphone`),
    deviceRegistrationState: "registered",
    deviceCategoryDisplayName: "Unknown Category",
    isSupervised: false,
    exchangeLastSuccessfulSyncDateTime: ts(6 * 24 * 60 + 280, "0"),
    exchangeAccessState: "allowed",
    exchangeAccessStateReason: "compliant",
    remoteAssistanceSessionUrl: null,
    remoteAssistanceSessionErrorDetails: null,
    isEncrypted: true,
    userPrincipalName: `amelia.chen@${domain}`,
    model: "iPhone 15",
    manufacturer: "Apple",
    imei: "35 391805 123456 7",
    complianceGracePeriodExpirationDateTime: ts(9 * 24 * 60, "0"),
    serialNumber: "F2LXK9QWPLJN",
    phoneNumber: null,
    androidSecurityPatchLevel: null,
    userDisplayName: "Amelia Chen",
    configurationManagerClientEnabledFeatures: null,
    wiFiMacAddress: "a4:83:e7:2b:61:0c",
    deviceHealthAttestationState: null,
    subscriberCarrier: "Contoso Mobile",
    meid: null,
    totalStorageSpaceInBytes: 127_989_493_760,
    freeStorageSpaceInBytes: 41_875_226_624,
    managedDeviceName: "amelia.chen_IPhone_7/17/2026_6:04 AM",
    partnerReportedThreatState: "unknown",
    requireUserEnrollmentApproval: null,
    managementCertificateExpirationDate: "2027-07-17T06:04:11Z",
    iccid: null,
    udid: null,
    notes: null,
    ethernetMacAddress: null,
    physicalMemoryInBytes: 0,
    enrollmentProfileName: null,
    deviceActionResults: [],
  });
  return devices;
}

function compliancePoliciesOf(tenantId: string): Json[] {
  return [
    {
      "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
      id: guidFrom(`compliance:${tenantId}:windows`),
      createdDateTime: "2025-03-04T09:12:44.1947216Z",
      description: "Baseline for corporate Windows devices",
      lastModifiedDateTime: "2026-06-18T14:02:10.4427305Z",
      displayName: "Windows - corporate baseline",
      version: 4,
      passwordRequired: true,
      passwordBlockSimple: true,
      passwordRequiredToUnlockFromIdle: false,
      passwordMinutesOfInactivityBeforeLock: 15,
      passwordExpirationDays: null,
      passwordMinimumLength: 8,
      passwordMinimumCharacterSetCount: null,
      passwordRequiredType: "deviceDefault",
      passwordPreviousPasswordBlockCount: null,
      requireHealthyDeviceReport: false,
      osMinimumVersion: "10.0.19045",
      osMaximumVersion: null,
      mobileOsMinimumVersion: null,
      mobileOsMaximumVersion: null,
      earlyLaunchAntiMalwareDriverEnabled: false,
      bitLockerEnabled: true,
      secureBootEnabled: true,
      codeIntegrityEnabled: true,
      storageRequireEncryption: true,
      activeFirewallRequired: true,
      defenderEnabled: true,
      defenderVersion: null,
      signatureOutOfDate: true,
      rtpEnabled: true,
      antivirusRequired: true,
      antiSpywareRequired: true,
      deviceThreatProtectionEnabled: true,
      deviceThreatProtectionRequiredSecurityLevel: "medium",
      configurationManagerComplianceRequired: false,
      tpmRequired: true,
      validOperatingSystemBuildRanges: [],
    },
    {
      "@odata.type": "#microsoft.graph.macOSCompliancePolicy",
      id: guidFrom(`compliance:${tenantId}:macos`),
      createdDateTime: "2025-03-04T09:20:02.6603911Z",
      description: null,
      lastModifiedDateTime: "2025-03-04T09:20:02.6603911Z",
      displayName: "macOS - corporate baseline",
      version: 1,
      passwordRequired: true,
      passwordBlockSimple: true,
      passwordExpirationDays: null,
      passwordMinimumLength: 8,
      passwordMinutesOfInactivityBeforeLock: 15,
      passwordPreviousPasswordBlockCount: null,
      passwordMinimumCharacterSetCount: null,
      passwordRequiredType: "deviceDefault",
      osMinimumVersion: "14.0",
      osMaximumVersion: null,
      osMinimumBuildVersion: null,
      osMaximumBuildVersion: null,
      systemIntegrityProtectionEnabled: true,
      deviceThreatProtectionEnabled: false,
      deviceThreatProtectionRequiredSecurityLevel: "unavailable",
      storageRequireEncryption: true,
      gatekeeperAllowedAppSource: "macAppStoreAndIdentifiedDevelopers",
      firewallEnabled: true,
      firewallBlockAllIncoming: false,
      firewallEnableStealthMode: false,
    },
  ];
}

function entraDevicesOf(
  tenantId: string,
  machines: readonly SimMachine[],
  managed: readonly Json[],
  intuneLicensed: boolean,
): Json[] {
  const extensionAttributes = Object.fromEntries(
    Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null]),
  );
  const fromIntune = new Map(managed.map((d) => [d.azureADDeviceId as string, d]));
  const joined = machines.filter((m) => m.aadDeviceId !== null);
  const rows = joined.map((m) => ({
    deviceId: m.aadDeviceId ?? "",
    displayName: (m.computerDnsName.split(".")[0] ?? m.computerDnsName).toUpperCase(),
    operatingSystem: m.osPlatform.startsWith("Windows") ? "Windows" : "MacMDM",
    operatingSystemVersion: m.osPlatform.startsWith("Windows")
      ? `10.0.${m.osBuild ?? 22631}.4460`
      : (m.osVersion ?? "14.6.1"),
    trustType: m.osPlatform.startsWith("Windows") ? "AzureAd" : "Workplace",
    profileType: "RegisteredDevice",
    lastSignIn: m.lastSeen,
    registered: m.firstSeen,
    manufacturer: m.osPlatform.startsWith("Windows") ? "Dell Inc." : "Apple",
    model: m.osPlatform.startsWith("Windows") ? "Latitude 7440" : "MacBookPro18,3",
    ownership: "Company",
  }));
  rows.push({
    deviceId: guidFrom(`aad:${tenantId}:iphone`),
    displayName: "Amelia's iPhone",
    operatingSystem: "IPhone",
    operatingSystemVersion: "17.6.1",
    trustType: "Workplace",
    profileType: "RegisteredDevice",
    lastSignIn: ts(6 * 24 * 60 + 290, "0"),
    registered: ts(-120 * 24 * 60, "1234567"),
    manufacturer: "Apple",
    model: "iPhone 15",
    ownership: "Personal",
  });
  return rows.map((r) => {
    const mdm = intuneLicensed ? fromIntune.get(r.deviceId) : undefined;
    return {
      id: guidFrom(`entra-device:${tenantId}:${r.deviceId}`),
      deletedDateTime: null,
      accountEnabled: true,
      approximateLastSignInDateTime: `${r.lastSignIn.slice(0, 19)}Z`,
      complianceExpirationDateTime: null,
      createdDateTime: `${r.registered.slice(0, 19)}Z`,
      deviceCategory: null,
      deviceId: r.deviceId,
      deviceMetadata: null,
      deviceOwnership: r.ownership,
      deviceVersion: 2,
      displayName: r.displayName,
      domainName: null,
      enrollmentProfileName: null,
      enrollmentType: mdm ? (r.trustType === "AzureAd" ? "AzureDomainJoined" : "UserEnrollment") : null,
      externalSourceName: null,
      isCompliant: mdm ? mdm.complianceState === "compliant" : null,
      isManaged: mdm !== undefined,
      isRooted: false,
      managementType: mdm ? "MDM" : null,
      manufacturer: r.manufacturer,
      mdmAppId: mdm ? "0000000a-0000-0000-c000-000000000000" : null,
      model: r.model,
      onPremisesLastSyncDateTime: null,
      onPremisesSecurityIdentifier: null,
      onPremisesSyncEnabled: null,
      operatingSystem: r.operatingSystem,
      operatingSystemVersion: r.operatingSystemVersion,
      physicalIds: [],
      profileType: r.profileType,
      registrationDateTime: `${r.registered.slice(0, 19)}Z`,
      sourceType: null,
      systemLabels: [],
      trustType: r.trustType,
      extensionAttributes,
      alternativeSecurityIds: [
        {
          type: 2,
          identityProvider: null,
          key: Buffer.from(`X509:<SHA1-TP-PUBKEY>${sha1Hex(`altsec:${r.deviceId}`).toUpperCase()}`).toString(
            "base64",
          ),
        },
      ],
    };
  });
}

function detectionRulesOf(tenantId: string, domain: string): Json[] {
  if (tenantId !== SIM_SEED.allFeatures.tenantId) return [];
  return [
    {
      "@odata.type": "#microsoft.graph.security.detectionRule",
      id: "7506",
      displayName: "LSASS dump via comsvcs.dll",
      isEnabled: true,
      createdBy: `secops@${domain}`,
      createdDateTime: "2026-02-28T16:28:15.3863467Z",
      lastModifiedDateTime: "2026-05-24T09:26:11.8630516Z",
      lastModifiedBy: `secops@${domain}`,
      detectorId: guidFrom(`detector:custom:${tenantId}`),
      queryCondition: {
        queryText:
          'DeviceProcessEvents\r\n| where FileName =~ "rundll32.exe"\r\n| where ProcessCommandLine has_all ("comsvcs.dll", "MiniDump")',
        lastModifiedDateTime: null,
      },
      schedule: { period: "1H", nextRunDateTime: "2026-11-20T09:17:06.4366667Z" },
      lastRunDetails: {
        lastRunDateTime: "2026-11-20T08:17:06.4366667Z",
        status: null,
        failureReason: null,
        errorCode: null,
      },
      detectionAction: {
        alertTemplate: {
          title: "LSASS memory dumped with comsvcs.dll",
          description:
            "rundll32 loaded comsvcs.dll to write a minidump, a common credential theft technique.",
          severity: "high",
          category: "CredentialAccess",
          recommendedActions: null,
          mitreTechniques: ["T1003.001"],
          impactedAssets: [
            { "@odata.type": "#microsoft.graph.security.impactedDeviceAsset", identifier: "deviceId" },
          ],
        },
        organizationalScope: null,
        responseActions: [
          {
            "@odata.type": "#microsoft.graph.security.isolateDeviceResponseAction",
            isolationType: "full",
            identifier: "deviceId",
          },
        ],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Per-tenant assembly (memoized; tenants without seeded machines get empty lists).

export interface SimSecurityData {
  readonly vulnerabilities: readonly Json[];
  readonly software: readonly Json[];
  readonly recommendations: readonly Json[];
  readonly exposureScore: { readonly time: string; readonly score: number };
  readonly indicators: readonly Json[];
  readonly incidents: readonly Json[];
  readonly hunting: Readonly<Record<string, SimHuntingTable>>;
}

export interface SimGraphData {
  readonly managedDevices: readonly Json[];
  readonly compliancePolicies: readonly Json[];
  readonly devices: readonly Json[];
  readonly detectionRules: readonly Json[];
}

const securityCache = new Map<string, SimSecurityData>();
const graphCache = new Map<string, SimGraphData>();

/** Defender and Defender XDR data of a tenant. */
export function simSecurityData(tenantId: string): SimSecurityData {
  const cached = securityCache.get(tenantId);
  if (cached) return cached;
  const data = SIM_DEFENDER_DATA[tenantId];
  const offset = simDataOffset(tenantId);
  const machines = data?.machines ?? [];
  const alerts = data?.alerts ?? [];
  const domain = simTenantDomain(tenantId);
  const scoreSeed = Number.parseInt(sha256Hex(`score:${tenantId}`).slice(0, 6), 16);
  const built: SimSecurityData = {
    vulnerabilities: machines.length > 0 ? vulnerabilitiesOf(machines) : [],
    software: machines.length > 0 ? softwareOf(machines, alerts) : [],
    recommendations: machines.length > 0 ? recommendationsOf(machines) : [],
    exposureScore: {
      // The exposure score's time has 6 fraction digits in the API's example.
      time: `${ts(7 * 24 * 60 + (offset ?? 0), String(scoreSeed)).slice(0, 26)}Z`,
      score: machines.length > 0 ? Math.round((20 + (scoreSeed % 4000) / 100) * 100) / 100 : 0,
    },
    indicators: offset === undefined ? [] : indicatorsOf(tenantId, domain, offset),
    incidents: incidentsOf(machines, alerts),
    hunting: huntingTablesOf(machines, alerts),
  };
  securityCache.set(tenantId, built);
  return built;
}

/** Microsoft Graph data of a tenant (Intune data exists even when the tenant has no licence to read it). */
export function simGraphData(tenantId: string, intuneLicensed: boolean): SimGraphData {
  const key = `${tenantId}:${intuneLicensed}`;
  const cached = graphCache.get(key);
  if (cached) return cached;
  const machines = SIM_DEFENDER_DATA[tenantId]?.machines ?? [];
  const domain = simTenantDomain(tenantId);
  const managedDevices = machines.length > 0 ? managedDevicesOf(tenantId, domain, machines) : [];
  const built: SimGraphData = {
    managedDevices,
    compliancePolicies: machines.length > 0 ? compliancePoliciesOf(tenantId) : [],
    devices: machines.length > 0 ? entraDevicesOf(tenantId, machines, managedDevices, intuneLicensed) : [],
    detectionRules: detectionRulesOf(tenantId, domain),
  };
  graphCache.set(key, built);
  return built;
}
