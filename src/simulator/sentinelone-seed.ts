// Seed data for the SentinelOne Management API stand-in (sentinelone-api.ts). Every value is fake. Tokens are long
// random-looking strings, as console and service-user tokens are; each scenario is one API token with its scope,
// its role and its data. Dates are relative to the simulator's start, so "expires in 200 days" stays true.

import { createHash } from "node:crypto";

export type SimS1Role = "viewer" | "no-threats";

export interface SimS1Scenario {
  readonly token: string;
  readonly description: string;
  /** The token's scope: an account (with its sites) or one site. */
  readonly scope: "account" | "site";
  readonly accountId: string;
  /** The site of a site-scoped token; for an account token, the sites its data is spread over. */
  readonly siteIds: readonly string[];
  readonly role: SimS1Role;
  /** Days after the simulator's start at which the token expires; negative = expired (401 4010010). */
  readonly validDays: number;
  /** Every call answers 429 with this Retry-After (seconds). */
  readonly rateLimitedFor?: number;
  readonly threats: number;
  readonly agents: number;
}

function token(name: string): string {
  return createHash("sha512").update(`patchbay-sim-s1-${name}`).digest("base64url").slice(0, 80);
}

export const SIM_S1_SEED = {
  healthy: {
    token: token("healthy"),
    description:
      "Viewer on an account, token valid ~200 days; 1,250 threats and 1,100 agents to page through",
    scope: "account",
    accountId: "1100000000000000001",
    siteIds: ["1200000000000000001", "1200000000000000002"],
    role: "viewer",
    validDays: 200,
    threats: 1_250,
    agents: 1_100,
  },
  expired: {
    token: token("expired"),
    description: "A token that expired 3 days ago: 401 4010010 Authentication Failed",
    scope: "account",
    accountId: "1100000000000000001",
    siteIds: ["1200000000000000001"],
    role: "viewer",
    validDays: -3,
    threats: 0,
    agents: 0,
  },
  noThreats: {
    token: token("no-threats"),
    description: "A role without Threats view: 403 4030010 on threats, agents readable",
    scope: "account",
    accountId: "1100000000000000001",
    siteIds: ["1200000000000000001"],
    role: "no-threats",
    validDays: 120,
    threats: 5,
    agents: 12,
  },
  siteScoped: {
    token: token("site-scoped"),
    description:
      "Viewer on one site: /accounts answers 403 “Action is not allowed to site users” (never called)",
    scope: "site",
    accountId: "1100000000000000002",
    siteIds: ["1200000000000000003"],
    role: "viewer",
    validDays: 20,
    threats: 40,
    agents: 25,
  },
  syncFaults: {
    token: token("sync-faults"),
    description:
      "Like faults, for the sync tests (test files run at the same time, each switches its own faults)",
    scope: "account",
    accountId: "1100000000000000005",
    siteIds: ["1200000000000000011"],
    role: "viewer",
    validDays: 200,
    threats: 10,
    agents: 5,
  },
  emptySite: {
    token: token("empty-site"),
    description: "Viewer on a new site with no agents installed yet (and three threats)",
    scope: "site",
    accountId: "1100000000000000004",
    siteIds: ["1200000000000000010"],
    role: "viewer",
    validDays: 200,
    threats: 3,
    agents: 0,
  },
  rateLimited: {
    token: token("rate-limited"),
    description: "Every call answers 429 Too Many Requests with Retry-After: 7",
    scope: "account",
    accountId: "1100000000000000001",
    siteIds: ["1200000000000000001"],
    role: "viewer",
    validDays: 200,
    rateLimitedFor: 7,
    threats: 0,
    agents: 0,
  },
  faults: {
    token: token("faults"),
    description:
      "Healthy, with faults switched on per test (429, 5xx, HTML, slow) through the control endpoint",
    scope: "account",
    accountId: "1100000000000000003",
    siteIds: ["1200000000000000009"],
    role: "viewer",
    validDays: 200,
    threats: 30,
    agents: 30,
  },
} as const satisfies Record<string, SimS1Scenario>;

export type SimS1ScenarioName = keyof typeof SIM_S1_SEED;

export interface SimS1Threat {
  id: string;
  [key: string]: unknown;
}

const CLASSIFICATIONS = ["Malware", "Ransomware", "Trojan", "PUA", "Exploit", "Infostealer", null] as const;
const CONFIDENCE = ["malicious", "suspicious", "malicious", "n/a", null] as const;
const INCIDENT = ["unresolved", "in_progress", "resolved", "unresolved", null] as const;
const MITIGATION = ["not_mitigated", "mitigated", "marked_as_benign", "not_mitigated"] as const;
const OS = [
  { osType: "windows", osName: "Windows 11 Pro" },
  { osType: "windows", osName: "Windows Server 2022 Standard" },
  { osType: "macos", osName: "macOS Sonoma" },
  { osType: "linux", osName: null },
] as const;
const NETWORK = ["connected", "connected", "disconnected", "connecting", "connected"] as const;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/** S1's timestamp format: 6 fractional digits and Z. */
export function s1Time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Ids as SentinelOne writes them: 18–19 digit numbers, as strings. */
const threatId = (n: number, i: number) => String(1_300_000_000_000_000_000n + BigInt(n * 100_000 + i));
const agentId = (n: number, i: number) => String(1_400_000_000_000_000_000n + BigInt(n * 100_000 + i));

/**
 * A scenario's threats, nested as v2.1 answers them (threatInfo, agentRealtimeInfo, agentDetectionInfo…), with
 * nulls here and there, and two malformed records (no id; threatInfo not an object). Every 50th group of 30 shares
 * one updatedAt, so records with the same timestamp straddle pages.
 */
export function generateThreats(
  n: number,
  count: number,
  startedAt: number,
  scenario: SimS1Scenario,
): SimS1Threat[] {
  const threats: SimS1Threat[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = startedAt - (30 * 86_400_000 * (count - i)) / Math.max(1, count) - 3_600_000;
    const shared = Math.floor(i / 30) % 50 === 1;
    const updated = shared ? startedAt - 20 * 86_400_000 : created + (i % 7) * 60_000;
    const agent = agentId(n, i % Math.max(1, scenario.agents));
    const site = pick(scenario.siteIds, i);
    const noName = i % 97 === 5;
    const noAgent = i % 89 === 7;
    threats.push({
      id: threatId(n, i),
      threatInfo: {
        threatId: threatId(n, i),
        threatName: noName
          ? null
          : `${pick(["Emotet", "LockBit", "AgentTesla", "Mimikatz", "Cobalt Strike"], i)} ${i}`,
        classification: pick(CLASSIFICATIONS, i),
        confidenceLevel: pick(CONFIDENCE, i),
        analystVerdict: i % 41 === 3 ? "false_positive" : i % 5 === 0 ? "true_positive" : "undefined",
        incidentStatus: pick(INCIDENT, i),
        mitigationStatus: pick(MITIGATION, i),
        createdAt: s1Time(created),
        updatedAt: s1Time(updated),
        identifiedAt: s1Time(created - 30_000),
        sha1: createHash("sha1").update(`threat-${n}-${i}`).digest("hex"),
        sha256: i % 3 === 0 ? null : createHash("sha256").update(`threat-${n}-${i}`).digest("hex"),
        filePath:
          i % 11 === 4
            ? null
            : `\\Device\\HarddiskVolume3\\Users\\user${i % 13}\\Downloads\\invoice-${i}.exe`,
        processUser: i % 6 === 2 ? null : `CONTOSO\\user${i % 13}`,
        initiatedBy: pick(["agent_policy", "dv_command", null], i),
        storyline: `STORY${n}${i}`,
        engines: ["SentinelOne Cloud", "On-Write Static AI"],
      },
      agentRealtimeInfo: noAgent
        ? null
        : {
            agentId: agent,
            agentComputerName: `S1-HOST-${n}-${i % Math.max(1, scenario.agents)}`,
            agentOsType: pick(OS, i).osType,
            siteId: site,
            siteName: `Site ${site.slice(-1)}`,
            accountId: scenario.accountId,
            groupName: "Default Group",
            agentNetworkStatus: pick(NETWORK, i),
          },
      agentDetectionInfo: {
        agentIpV4: `10.0.${i % 250}.${(i * 7) % 250}`,
        agentDomain: "CONTOSO",
        siteId: site,
      },
      mitigationStatus: [],
      indicators: [],
      // Where the filters look (the simulator keeps them beside the record; they are not sent).
      __siteId: site,
      __updatedAt: updated,
    });
  }
  if (count >= 20) {
    threats.push({
      id: "",
      threatInfo: { threatName: "no id" },
      __siteId: pick(scenario.siteIds, 0),
      __updatedAt: startedAt - 86_400_000,
    });
    threats.push({
      id: threatId(n, 99_999),
      threatInfo: "not an object",
      __siteId: pick(scenario.siteIds, 0),
      __updatedAt: startedAt - 86_400_000,
    });
  }
  return threats;
}

export interface SimS1Agent {
  id: string;
  [key: string]: unknown;
}

export function generateAgents(
  n: number,
  count: number,
  startedAt: number,
  scenario: SimS1Scenario,
): SimS1Agent[] {
  const agents: SimS1Agent[] = [];
  for (let i = 0; i < count; i += 1) {
    const os = pick(OS, i);
    const site = pick(scenario.siteIds, i);
    agents.push({
      id: agentId(n, i),
      uuid: createHash("md5").update(`agent-${n}-${i}`).digest("hex"),
      computerName: i % 53 === 9 ? null : `S1-HOST-${n}-${i}`,
      osName: os.osName,
      osType: os.osType,
      osRevision: "22631",
      agentVersion: "23.4.2.14",
      machineType: i % 4 === 1 ? "server" : "laptop",
      networkStatus: pick(NETWORK, i),
      isActive: i % 17 !== 4,
      isDecommissioned: false,
      infected: i % 19 === 2,
      activeThreats: i % 19 === 2 ? 1 : 0,
      lastActiveDate: i % 71 === 8 ? null : s1Time(startedAt - (i % 48) * 3_600_000),
      registeredAt: s1Time(startedAt - 200 * 86_400_000),
      createdAt: s1Time(startedAt - 200 * 86_400_000),
      updatedAt: s1Time(startedAt - (i % 48) * 3_600_000),
      externalIp: `203.0.113.${i % 250}`,
      networkInterfaces: [
        { inet: [`10.1.${i % 250}.${(i * 3) % 250}`], inet6: [], physical: "00:50:56:00:00:01" },
      ],
      siteId: site,
      siteName: `Site ${site.slice(-1)}`,
      accountId: scenario.accountId,
      accountName: "Contoso",
      groupName: "Default Group",
      domain: "CONTOSO",
      lastLoggedInUserName: `user${i % 13}`,
      isUpToDate: i % 9 !== 0,
      tags: { sentinelone: [] },
    });
  }
  return agents;
}
