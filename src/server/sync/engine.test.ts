import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { integrationSchema } from "../../shared/contract";
import {
  type Alert,
  alertSchema,
  deviceSchema,
  pageSchema,
  syncStateSchema,
} from "../../shared/data-contract";
import { SIM_SEED } from "../../simulator/seed";
import { createTestApp, setSimulatorFault, type TestApp } from "../../test/test-app";

vi.setConfig({ testTimeout: 180_000 });

/**
 * The sync engine against the simulator over HTTPS, on the real app and database: a tenant with volume and messy
 * records syncs completely; updates sharing one boundary timestamp all arrive; a run stopped mid-sync resumes from
 * its last committed page with nothing lost or duplicated; removed machines are marked gone.
 */

const bulk = SIM_SEED.bulkSync;
const ALERTS = 2_400;
const MACHINES = 700;

let t: TestApp;
let integrationId = "";

async function control(path: string, method: string, body: unknown): Promise<Record<string, number>> {
  const response = await fetch(`${t.simulator.origin}/__simulator/data/${bulk.tenantId}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** Run a stream a page at a time (as jobs would, one page per job) until its pass completes. */
async function syncToEnd(source: string, pagesPerRun = 1): Promise<number> {
  let runs = 0;
  for (;;) {
    const outcome = await t.app.syncEngine.runStream(integrationId, source, { maxPages: pagesPerRun });
    runs += 1;
    expect(outcome.kind).toBe("ran");
    if (outcome.kind !== "ran") return runs;
    if (outcome.failed) {
      const state = (
        await t.inject({ method: "GET", url: `/api/integrations/${integrationId}/sync` })
      ).json();
      throw new Error(`the sync failed: ${JSON.stringify(state)}`);
    }
    if (outcome.done) return runs;
    if (runs > 200) throw new Error("the sync never completed");
  }
}

async function allAlerts() {
  const items: Alert[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/alerts?limit=500${cursor ? `&cursor=${cursor}` : ""}`;
    const page = pageSchema(alertSchema).parse((await t.inject({ method: "GET", url })).json());
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  t = await createTestApp({ PATCHBAY_SYNC_PAGE_SIZE: "400" });
  await control("", "PUT", { alerts: ALERTS, machines: MACHINES, days: 20 });
  const connected = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: {
      partner: "defender",
      baseUrl: t.simulator.origin,
      tenantId: bulk.tenantId,
      appId: bulk.appId,
      appSecret: bulk.appSecret,
      features: ["alerts", "devices"],
    },
  });
  expect(connected.statusCode).toBe(201);
  integrationId = integrationSchema.parse(connected.json()).id;
  await t.app.syncEngine.ensureStreams();
});

afterAll(async () => {
  await t?.app.close();
});

describe("sync", () => {
  it("stores every well-formed alert once, counts the malformed ones, and keeps the raw record", async () => {
    await syncToEnd("alerts");
    const items = await allAlerts();
    const ids = new Set(items.map((a) => a.externalId));
    // One alert in 1,000 has no creation time (malformed); one in 1,000 is listed twice (stored once).
    const malformedCount = Math.ceil((ALERTS - 17) / 1000);
    expect(ids.size).toBe(items.length);
    expect(items.length).toBe(ALERTS - malformedCount);
    expect(items.some((a) => a.severity === "unknown")).toBe(true);

    const state = syncStateSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${integrationId}/sync` })).json(),
    );
    const alerts = state.sources.find((s) => s.source === "alerts");
    expect(alerts).toMatchObject({
      state: "idle",
      firstSyncDone: true,
      malformed: malformedCount,
      lastError: null,
    });
    expect(alerts?.lastSuccessAt).not.toBeNull();

    const [first] = items;
    const detail = await t.inject({ method: "GET", url: `/api/alerts/${first?.id ?? "none"}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().raw).toMatchObject({ id: first?.externalId, aadTenantId: bulk.tenantId });
  });

  it("brings in 500 alerts updated at one shared timestamp, arriving late, none lost and none duplicated", async () => {
    // All 500 share one lastUpdateTime, two minutes ago: before the last pass's end (the sync stays a minute behind
    // the clock), so only the overlap with which each pass starts finds them.
    const at = new Date(Date.now() - 2 * 60_000).toISOString();
    const { updated = 0 } = await control("/alerts/update", "POST", { count: 500, status: "Resolved", at });
    expect(updated).toBeGreaterThan(495);
    await t.app.syncEngine.syncNow(integrationId);
    await syncToEnd("alerts");
    const items = await allAlerts();
    expect(items.filter((a) => a.status === "Resolved")).toHaveLength(updated);
    expect(new Set(items.map((a) => a.externalId)).size).toBe(items.length);
  });

  it("resumes from the last committed page after a stop mid-sync, and marks removed machines gone", async () => {
    // One page, then "the process dies": the next run is another engine call with only the database to go on.
    const first = await t.app.syncEngine.runStream(integrationId, "devices", { maxPages: 1 });
    expect(first).toMatchObject({ kind: "ran", done: false, pages: 1 });
    await syncToEnd("devices", 2);
    const listed = async () => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/devices?limit=500${cursor ? `&cursor=${cursor}` : ""}`;
        const page = pageSchema(deviceSchema).parse((await t.inject({ method: "GET", url })).json());
        out.push(...page.items.map((d) => d.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    };
    const devices = await listed();
    expect(devices).toHaveLength(MACHINES);
    expect(new Set(devices).size).toBe(MACHINES);

    await control("/machines/remove", "POST", { count: 10 });
    await t.app.syncEngine.syncNow(integrationId);
    await syncToEnd("devices");
    expect(await listed()).toHaveLength(MACHINES - 10);
  });

  it("honours a 429's Retry-After: records it, keeps the cursor, and waits as long before the next run", async () => {
    await setSimulatorFault(bulk.tenantId, { kind: "rate_limit", retryAfterSeconds: 120, target: "api" });
    try {
      await t.app.syncEngine.syncNow(integrationId);
      const before = Date.now();
      const outcome = await t.app.syncEngine.runStream(integrationId, "alerts", { maxPages: 1 });
      expect(outcome).toMatchObject({ kind: "ran", failed: true, stored: 0 });
      const state = syncStateSchema.parse(
        (await t.inject({ method: "GET", url: `/api/integrations/${integrationId}/sync` })).json(),
      );
      const alerts = state.sources.find((s) => s.source === "alerts");
      expect(alerts?.state).toBe("failed");
      expect(alerts?.lastError?.code).toBe("rate_limited");
      expect(alerts?.lastError?.message).toContain("120 s");
      expect(Date.parse(alerts?.nextRunAt ?? "")).toBeGreaterThanOrEqual(before + 119_000);
      // Not due yet: a job delivered now finds nothing to run.
      expect(await t.app.syncEngine.runStream(integrationId, "alerts", { maxPages: 1 })).toEqual({
        kind: "skipped",
        reason: "not_due_or_held",
      });
    } finally {
      await setSimulatorFault(bulk.tenantId, null);
    }
  });

  it("refuses a cursor it did not issue, by name", async () => {
    const response = await t.inject({ method: "GET", url: "/api/alerts?cursor=bm9wZQ" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("cursor");
  });

  it("stops at once on Disconnect: the stream does not run again", async () => {
    const disconnected = await t.inject({ method: "DELETE", url: `/api/integrations/${integrationId}` });
    expect(disconnected.statusCode).toBeLessThan(300);
    await t.app.syncEngine.syncNow(integrationId);
    const outcome = await t.app.syncEngine.runStream(integrationId, "alerts", { maxPages: 1 });
    expect(outcome.kind).toBe("skipped");
    const again = await t.inject({ method: "POST", url: `/api/integrations/${integrationId}/sync` });
    expect(again.statusCode).toBe(409);
  });
});
