import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { integrationSchema } from "../../../shared/contract";
import {
  alertDetailSchema,
  alertSchema,
  deviceSchema,
  pageSchema,
  syncStateSchema,
} from "../../../shared/data-contract";
import { SIM_S1_SEED, type SimS1ScenarioName } from "../../../simulator/sentinelone-seed";
import { createTestApp, sentinelOneControl, type TestApp } from "../../../test/test-app";
import { agentHealth, threatSeverity, threatStatus } from "./sync";

vi.setConfig({ testTimeout: 120_000 });

// What PostgreSQL's jsonb refuses, or a page or a log line should never show.
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u202e]|\\u0000|[\ud800-\udbff](?![\udc00-\udfff])/;

/**
 * SentinelOne threats and agents synced into the shared alerts and devices tables, on the real app and database
 * against the console stand-in over HTTPS, and read back as an API user does (`/api/alerts`, `/api/devices`).
 * Pages of 100 (PATCHBAY_SYNC_PAGE_SIZE), so the cursor is followed across many pages.
 */

let t: TestApp;
beforeAll(async () => {
  // No reset of the stand-in: other test files use it at the same time. Only this file changes the data it reads
  // (the healthy scenario's threats and agents), and the simulator starts afresh on every run.
  t = await createTestApp({ PATCHBAY_SYNC_PAGE_SIZE: "100" });
});
afterAll(async () => {
  await t.app.close();
});

async function connect(scenario: SimS1ScenarioName, extra: Record<string, unknown> = {}) {
  const response = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: {
      partner: "sentinelone",
      consoleUrl: t.simulator.sentinelOneOrigin,
      apiToken: SIM_S1_SEED[scenario].token,
      name: `S1 ${scenario}`,
      ...extra,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  const { id } = integrationSchema.parse(response.json());
  await t.app.syncEngine.ensureStreams(id);
  return id;
}

async function syncState(id: string) {
  const response = await t.inject({ method: "GET", url: `/api/integrations/${id}/sync` });
  expect(response.statusCode).toBe(200);
  return syncStateSchema.parse(response.json());
}

/** Run one source until its pass completes. */
async function syncSource(id: string, source: string) {
  for (let runs = 0; runs < 60; runs += 1) {
    const outcome = await t.app.syncEngine.runStream(id, source, { maxPages: 50 });
    if (outcome.kind !== "ran" || outcome.failed) {
      throw new Error(`${source} did not run: ${JSON.stringify(await syncState(id))}`);
    }
    if (outcome.done) return;
  }
  throw new Error(`${source} never completed`);
}

async function walk<T extends z.ZodType>(schema: T, url: string) {
  const items: Array<z.infer<T>> = [];
  let cursor: string | null = null;
  do {
    const page: string = `${url}&limit=500${cursor ? `&cursor=${cursor}` : ""}`;
    const response = await t.inject({ method: "GET", url: page });
    expect(response.statusCode, response.body).toBe(200);
    const parsed = pageSchema(schema).parse(response.json());
    items.push(...parsed.items);
    cursor = parsed.nextCursor;
  } while (cursor);
  return items;
}

describe("SentinelOne sync", () => {
  let id = "";
  beforeAll(async () => {
    id = await connect("healthy");
    await syncSource(id, "alerts");
    await syncSource(id, "devices");
  });

  it("stores every threat once in the shared alerts table, counting the malformed ones", async () => {
    const alerts = await walk(alertSchema, `/api/alerts?integrationId=${id}`);
    expect(alerts).toHaveLength(SIM_S1_SEED.healthy.threats);
    expect(new Set(alerts.map((a) => a.externalId)).size).toBe(SIM_S1_SEED.healthy.threats);
    expect(alerts.every((a) => a.partner === "sentinelone")).toBe(true);
    const source = (await syncState(id)).sources.find((s) => s.source === "alerts");
    expect(source).toMatchObject({ label: "Threats", firstSyncDone: true, malformed: 2, lastError: null });
    // The 30 threats that share one updatedAt straddle pages of 100 and are all there.
    const byTime = new Map<string, number>();
    for (const a of alerts) byTime.set(a.updatedAt, (byTime.get(a.updatedAt) ?? 0) + 1);
    expect(Math.max(...byTime.values())).toBe(30);
  });

  it("normalises a threat: title, severity, status, device, category, console link, raw kept", async () => {
    const [first] = await walk(alertSchema, `/api/alerts?integrationId=${id}&q=Emotet%200`);
    expect(first).toBeDefined();
    if (!first) return;
    const response = await t.inject({ method: "GET", url: `/api/alerts/${first.id}` });
    const alert = alertDetailSchema.parse(response.json());
    expect(alert).toMatchObject({
      title: "Emotet 0",
      severity: "high",
      status: "New",
      category: "Malware",
      portalUrl: `${t.simulator.sentinelOneOrigin}/incidents/threats/${first.externalId}/overview`,
    });
    expect(alert.deviceName).toMatch(/^S1-HOST-/);
    expect(alert.description).toContain("Classification: Malware; confidence: malicious");
    expect(alert.evidence.map((e) => e.kind)).toEqual(["File", "User"]);
    expect(alert.raw).toMatchObject({ id: first.externalId, threatInfo: { threatName: "Emotet 0" } });
    expect(JSON.stringify(alert.raw)).not.toContain("__updatedAt");
  });

  it("tolerates nulls: an unnamed threat without an agent still lands", async () => {
    const alerts = await walk(alertSchema, `/api/alerts?integrationId=${id}&q=unnamed`);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.title === "(unnamed threat)")).toBe(true);
  });

  it("stores every agent in the shared devices table with health, OS and last seen", async () => {
    const devices = await walk(deviceSchema, `/api/devices?integrationId=${id}`);
    expect(devices).toHaveLength(SIM_S1_SEED.healthy.agents);
    const health = new Set(devices.map((d) => d.healthStatus));
    expect([...health].sort()).toEqual(["Active", "ImpairedCommunication", "Inactive", "Infected"]);
    expect(new Set(devices.map((d) => d.osPlatform))).toEqual(
      new Set(["Windows 11 Pro", "Windows Server 2022 Standard", "macOS Sonoma", "Linux"]),
    );
    const agent = devices.find((d) => d.name === "S1-HOST-0-0");
    expect(agent?.portalUrl).toBe(
      `${t.simulator.sentinelOneOrigin}/endpoints/sentinels/${agent?.externalId}/overview`,
    );
    expect(agent?.lastSeenAt).not.toBeNull();
    const source = (await syncState(id)).sources.find((s) => s.source === "devices");
    expect(source).toMatchObject({ label: "Agents", firstSyncDone: true, lastError: null });
  });

  it("reads threats updated since the last pass again (newest version wins), and only the window since", async () => {
    await sentinelOneControl("healthy", "touch", { count: 3, incidentStatus: "resolved" });
    await t.app.syncEngine.syncNow(id);
    await syncSource(id, "alerts");
    const resolved = await walk(alertSchema, `/api/alerts?integrationId=${id}&status=Resolved&q=Emotet%200`);
    expect(resolved.map((a) => a.title)).toEqual(["Emotet 0"]);
    const all = await walk(alertSchema, `/api/alerts?integrationId=${id}`);
    expect(all).toHaveLength(SIM_S1_SEED.healthy.threats);
  });

  it("marks agents SentinelOne no longer lists as removed after a complete pass", async () => {
    await sentinelOneControl("healthy", "remove-agents", { count: 4 });
    // The inventory is due every 6 hours: Sync now makes it due at once.
    await t.app.syncEngine.syncNow(id);
    await syncSource(id, "devices");
    const listed = await walk(deviceSchema, `/api/devices?integrationId=${id}`);
    expect(listed).toHaveLength(SIM_S1_SEED.healthy.agents - 4);
    const withRemoved = await walk(deviceSchema, `/api/devices?integrationId=${id}&removed=true`);
    expect(withRemoved).toHaveLength(SIM_S1_SEED.healthy.agents);
  });
});

describe("SentinelOne sync failures", () => {
  it("records a 429 with SentinelOne's Retry-After and waits it out", async () => {
    // One connection per console and scope: the scope tells this one from the healthy one.
    const id = await connect("syncFaults", { accountId: SIM_S1_SEED.syncFaults.accountId });
    await sentinelOneControl("syncFaults", "fault", {
      kind: "rate_limit",
      retryAfterSeconds: 9,
      path: "threats",
    });
    try {
      const outcome = await t.app.syncEngine.runStream(id, "alerts", { maxPages: 5 });
      expect(outcome).toMatchObject({ kind: "ran", failed: true });
      const source = (await syncState(id)).sources.find((s) => s.source === "alerts");
      expect(source?.lastError).toMatchObject({
        code: "rate_limited",
        message: "SentinelOne throttled the sync of threats (429); it resumes in 9 s.",
      });
    } finally {
      await sentinelOneControl("syncFaults", "fault", null);
    }
  });

  it("stores a hostile console's threat cleaned, and a hostile error body never turns into a 500", async () => {
    const id = await connect("syncFaults", { siteId: SIM_S1_SEED.syncFaults.siteIds[0] });
    try {
      await sentinelOneControl("syncFaults", "fault", { kind: "hostile_text", path: "threats" });
      const outcome = await t.app.syncEngine.runStream(id, "alerts", { maxPages: 5 });
      expect(outcome).toMatchObject({ kind: "ran", failed: false });
      const [alert] = await walk(alertSchema, `/api/alerts?integrationId=${id}`);
      expect(alert?.externalId).toBe("1399999999999999999");
      expect(alert?.title).not.toMatch(UNSAFE);
      expect(alert?.title.length).toBeLessThanOrEqual(500);
      expect(alert?.category).toBe("Malware");
      expect(alert?.deviceName).toBe("exe.evil");

      await sentinelOneControl("syncFaults", "fault", { kind: "hostile_text" });
      const checked = await t.inject({ method: "POST", url: `/api/integrations/${id}/check` });
      expect(checked.statusCode, checked.body.slice(0, 300)).toBe(200);
      expect(checked.body).not.toMatch(UNSAFE);
      expect(integrationSchema.parse(checked.json()).error?.code).toBe("upstream_error");
    } finally {
      await sentinelOneControl("syncFaults", "fault", null);
    }
  });

  it("a role without threats fails the threats source with what to do", async () => {
    const id = await connect("noThreats", { siteId: SIM_S1_SEED.noThreats.siteIds[0] });
    const outcome = await t.app.syncEngine.runStream(id, "alerts", { maxPages: 5 });
    expect(outcome).toMatchObject({ kind: "ran", failed: true });
    const source = (await syncState(id)).sources.find((s) => s.source === "alerts");
    expect(source?.lastError?.code).toBe("permission_missing");
    expect(source?.lastError?.remediation).toContain("Viewer role");
  });

  it("says in SentinelOne's terms when a scope lists no agents", async () => {
    const id = await connect("emptySite", { siteId: SIM_S1_SEED.emptySite.siteIds[0] });
    await syncSource(id, "alerts");
    await syncSource(id, "devices");
    const { notices } = await syncState(id);
    expect(notices.map((n) => [n.code, n.message])).toEqual([
      ["no_devices_onboarded", "Agents: SentinelOne lists no agents in this connection's scope."],
    ]);
    expect(notices[0]?.remediation).toContain("Sentinels → Packages");
  });

  it("reads only the site of a site-scoped connection", async () => {
    const id = await connect("siteScoped", { siteId: SIM_S1_SEED.siteScoped.siteIds[0] });
    await syncSource(id, "alerts");
    await syncSource(id, "devices");
    expect(await walk(alertSchema, `/api/alerts?integrationId=${id}`)).toHaveLength(
      SIM_S1_SEED.siteScoped.threats,
    );
    expect(await walk(deviceSchema, `/api/devices?integrationId=${id}`)).toHaveLength(
      SIM_S1_SEED.siteScoped.agents,
    );
  });
});

describe("SentinelOne normalisation rules", () => {
  it("derives severity from confidence, classification and the analyst's verdict", () => {
    expect(threatSeverity("malicious", "Ransomware", "undefined")).toBe("high");
    expect(threatSeverity("suspicious", "Trojan", null)).toBe("medium");
    expect(threatSeverity("suspicious", "PUA", null)).toBe("low");
    expect(threatSeverity("malicious", "Malware", "false_positive")).toBe("informational");
    expect(threatSeverity("n/a", null, null)).toBe("unknown");
    expect(threatSeverity(null, null, null)).toBe("unknown");
  });

  it("maps incident status and mitigation onto the shared statuses", () => {
    expect(threatStatus("unresolved", "not_mitigated")).toBe("New");
    expect(threatStatus("in_progress", null)).toBe("InProgress");
    expect(threatStatus("resolved", "not_mitigated")).toBe("Resolved");
    expect(threatStatus(null, "mitigated")).toBe("Resolved");
    expect(threatStatus(null, "not_mitigated")).toBe("New");
    expect(threatStatus(null, null)).toBe("Unknown");
  });

  it("derives agent health from infection, activity and network status", () => {
    expect(agentHealth({ networkStatus: "connected", isActive: true, infected: true })).toBe("Infected");
    expect(agentHealth({ networkStatus: "connected", isActive: true })).toBe("Active");
    expect(agentHealth({ networkStatus: "connected", isActive: false })).toBe("Inactive");
    expect(agentHealth({ networkStatus: "disconnected", isActive: true })).toBe("Inactive");
    expect(agentHealth({ networkStatus: "connecting" })).toBe("ImpairedCommunication");
    expect(agentHealth({ networkStatus: null })).toBe("Unknown");
  });
});
