import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { integrationEventListSchema, integrationSchema } from "../../../shared/contract";
import {
  alertDetailSchema,
  alertSchema,
  alertSummarySchema,
  deviceSchema,
  deviceSummarySchema,
  incidentSchema,
  pageSchema,
  softwareSchema,
  syncFreshnessSchema,
  syncStateSchema,
  vulnerabilitySchema,
} from "../../../shared/data-contract";
import { partnerIds } from "../../../shared/partners/ids";
import { SIM_SEED } from "../../../simulator/seed";
import {
  createTestApp,
  type SessionHeaders,
  setSimulatorFault,
  signIn,
  type TestApp,
} from "../../../test/test-app";

vi.setConfig({ testTimeout: 120_000 });

/**
 * Synced data as a user of the API sees it, on the real app and database against the simulator over HTTPS: every
 * Defender source (alerts, incidents, devices, vulnerabilities, software) synced from a tenant with every feature;
 * lists that page and sort on the server; the Data section's summaries and notices; a stalled sync degrading the
 * connection and recovering; Disconnect and delete synced data.
 */

let t: TestApp;
let viewer: SessionHeaders;
let allId = "";
const all = SIM_SEED.allFeatures;
const VIEWER = { email: "vic@patchbay.test", password: "viewer password 123", displayName: "Vic Viewer" };

async function connect(seed: { tenantId: string; appId: string; appSecret: string }, features: string[]) {
  const response = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: {
      partner: "defender",
      name: `Sync ${seed.tenantId.slice(0, 4)}`,
      baseUrl: t.simulator.origin,
      tenantId: seed.tenantId,
      appId: seed.appId,
      appSecret: seed.appSecret,
      features,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return integrationSchema.parse(response.json()).id;
}

async function syncState(id: string) {
  const response = await t.inject({ method: "GET", url: `/api/integrations/${id}/sync` });
  expect(response.statusCode).toBe(200);
  return syncStateSchema.parse(response.json());
}

/** Every live connection's freshness, as a viewer reads it (the Integrations page's one request). */
async function freshness() {
  const response = await t.app.inject({ method: "GET", url: "/api/sync/freshness", headers: viewer });
  expect(response.statusCode, response.body).toBe(200);
  return syncFreshnessSchema.parse(response.json()).integrations;
}

/** Run every source of a connection until its pass completes. */
async function syncAll(id: string) {
  for (const { source } of (await syncState(id)).sources) {
    for (let runs = 0; ; runs += 1) {
      const outcome = await t.app.syncEngine.runStream(id, source, { maxPages: 5 });
      if (outcome.kind !== "ran" || outcome.failed) {
        throw new Error(`${source} did not run: ${JSON.stringify(await syncState(id))}`);
      }
      if (outcome.done) break;
      if (runs > 50) throw new Error(`${source} never completed`);
    }
  }
}

/** Every item of a list, walking its cursor `limit` at a time. */
async function walk<T extends z.ZodType>(schema: T, url: string, limit = 7) {
  const items: Array<z.infer<T>> = [];
  let cursor: string | null = null;
  do {
    const page: string = `${url}${url.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
    const response = await t.app.inject({ method: "GET", url: page, headers: viewer });
    expect(response.statusCode, response.body).toBe(200);
    const parsed = pageSchema(schema).parse(response.json());
    items.push(...parsed.items);
    cursor = parsed.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.inject({
    method: "POST",
    url: "/api/users",
    payload: { ...VIEWER, role: "viewer" },
  });
  expect(created.statusCode, created.body).toBe(201);
  viewer = await signIn(t.app, VIEWER.email, VIEWER.password);
  allId = await connect(all, ["alerts", "devices", "incidents", "vulnerabilities"]);
  await t.app.syncEngine.ensureStreams();
});

afterAll(async () => {
  await t?.app.close();
});

describe("synced data", () => {
  it("says the first sync is still running before it has completed, source by source", async () => {
    const state = await syncState(allId);
    expect(state.sources.map((s) => s.source).sort()).toEqual(
      ["alerts", "devices", "incidents", "software", "vulnerabilities"].sort(),
    );
    expect(state.notices.map((n) => n.code)).toEqual(Array(5).fill("first_sync_running"));
    expect(state.notices[0]?.remediation).toContain("15 minutes");
    expect((await freshness()).find((f) => f.integrationId === allId)).toEqual({
      integrationId: allId,
      sources: 5,
      lastDataAt: null,
      firstSyncDone: false,
      running: false,
      failing: 0,
    });
  });

  it("syncs every source and serves each list to a viewer, with nothing left to explain", async () => {
    await syncAll(allId);
    const state = await syncState(allId);
    expect(state.notices).toEqual([]);
    for (const source of state.sources)
      expect(source).toMatchObject({ firstSyncDone: true, lastError: null });
    // The cards' freshness: the newest data any source brought, in one request for every connection.
    const newest = state.sources
      .map((source) => source.lastDataAt)
      .filter((at) => at !== null)
      .sort()
      .at(-1);
    expect(newest).toBeDefined();
    expect((await freshness()).find((f) => f.integrationId === allId)).toEqual({
      integrationId: allId,
      sources: 5,
      lastDataAt: newest,
      firstSyncDone: true,
      running: false,
      failing: 0,
    });

    const q = `?integrationId=${allId}`;
    const [alerts, incidents, devices, vulnerabilities, software] = await Promise.all([
      walk(alertSchema, `/api/alerts${q}`),
      walk(incidentSchema, `/api/incidents${q}`),
      walk(deviceSchema, `/api/devices${q}`),
      walk(vulnerabilitySchema, `/api/vulnerabilities${q}`),
      walk(softwareSchema, `/api/software${q}`),
    ]);
    for (const list of [alerts, incidents, devices, vulnerabilities, software]) {
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list.map((r) => r.externalId)).size).toBe(list.length);
    }
    // One incident per seeded alert (the simulator's XDR view of the same tenant).
    expect(incidents).toHaveLength(alerts.length);
    expect(incidents[0]?.portalUrl).toMatch(/^https:\/\/security\.microsoft\.com\/incidents\//);
    expect(devices[0]?.portalUrl).toMatch(/^https:\/\/security\.microsoft\.com\/machines\/v2\/.+\/overview$/);
    // Most exposed first: what to patch.
    const exposed = vulnerabilities.map((v) => v.exposedDevices);
    expect(exposed).toEqual([...exposed].sort((a, b) => b - a));
    expect(vulnerabilities.every((v) => /^CVE-\d{4}-\d+$/.test(v.externalId))).toBe(true);
    // CVSS has Critical, which alerts do not: it is kept, not folded into "unknown".
    expect(vulnerabilities.some((v) => v.severity === "critical")).toBe(true);
  });

  it("filters every list and both summaries by partner, and refuses a partner it does not know by name", async () => {
    const lists = [
      ["alerts", alertSchema],
      ["incidents", incidentSchema],
      ["devices", deviceSchema],
      ["vulnerabilities", vulnerabilitySchema],
      ["software", softwareSchema],
    ] as const;
    for (const [list, schema] of lists) {
      const everyone = await walk(schema, `/api/${list}`, 100);
      let counted = 0;
      // Every partner's records are its own, and together they are every record (meaningful once there are two).
      for (const partner of partnerIds) {
        const own = await walk(schema, `/api/${list}?partner=${partner}`, 100);
        expect(
          own.every((r) => r.partner === partner),
          `${list} of ${partner}`,
        ).toBe(true);
        counted += own.length;
      }
      expect(counted, list).toBe(everyone.length);
      expect(everyone.length, list).toBeGreaterThan(0);

      const bad = await t.app.inject({ method: "GET", url: `/api/${list}?partner=acme`, headers: viewer });
      expect(bad.statusCode, list).toBe(400);
      expect(bad.json().error).toMatchObject({ code: "validation_failed" });
      expect(bad.json().error.fields.partner, list).toContain("partner must be");
    }

    const alertTotal = (summary: z.infer<typeof alertSummarySchema>) =>
      summary.days.reduce((n, d) => n + d.informational + d.low + d.medium + d.high + d.unknown, 0);
    const alertSummaryOf = async (query: string) =>
      alertSummarySchema.parse(
        (await t.inject({ method: "GET", url: `/api/alerts/summary${query}` })).json(),
      );
    const deviceSummaryOf = async (query: string) =>
      deviceSummarySchema.parse(
        (await t.inject({ method: "GET", url: `/api/devices/summary${query}` })).json(),
      );
    let alertsCharted = 0;
    let devicesCounted = 0;
    for (const partner of partnerIds) {
      alertsCharted += alertTotal(await alertSummaryOf(`?partner=${partner}`));
      devicesCounted += (await deviceSummaryOf(`?partner=${partner}`)).total;
    }
    expect(alertsCharted).toBe(alertTotal(await alertSummaryOf("")));
    expect(devicesCounted).toBe((await deviceSummaryOf("")).total);
    for (const summary of ["alerts", "devices"]) {
      const bad = await t.inject({ method: "GET", url: `/api/${summary}/summary?partner=DEFENDER%20` });
      expect(bad.statusCode, summary).toBe(400);
      expect(bad.json().error.fields.partner, summary).toContain("partner must be");
    }
  });

  it("shows an alert's evidence and its link into the Microsoft Defender portal", async () => {
    const [alert] = await walk(alertSchema, `/api/alerts?integrationId=${allId}`, 1);
    const response = await t.app.inject({ method: "GET", url: `/api/alerts/${alert?.id}`, headers: viewer });
    const detail = alertDetailSchema.parse(response.json());
    expect(detail.portalUrl).toBe(`https://security.microsoft.com/alerts/${detail.externalId}`);
    expect(detail.evidence.length).toBeGreaterThan(0);
    expect(detail.evidence[0]).toEqual({
      kind: expect.stringMatching(/^(File|Process|Url|User)$/),
      name: expect.any(String),
      detail: expect.toBeOneOf([null, expect.any(String)]),
    });
    expect(detail.raw).toMatchObject({ id: detail.externalId });
    const missing = await t.app.inject({ method: "GET", url: "/api/alerts/not-a-uuid", headers: viewer });
    expect(missing.statusCode).toBe(404);
  });

  it("sorts on the server across pages, and refuses a cursor issued for another sort", async () => {
    const rank = { unknown: 0, informational: 1, low: 2, medium: 3, high: 4, critical: 5 } as const;
    const bySeverity = await walk(alertSchema, `/api/alerts?sort=severity&order=desc`, 2);
    const ranks = bySeverity.map((a) => rank[a.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(bySeverity.map((a) => a.id)).size).toBe(bySeverity.length);

    const byTitle = await walk(alertSchema, `/api/alerts?sort=title&order=asc`, 2);
    expect(byTitle).toHaveLength(bySeverity.length);

    const byLastSeen = await walk(deviceSchema, `/api/devices?sort=lastSeenAt&order=desc`, 2);
    const seen = byLastSeen.map((d) => Date.parse(d.lastSeenAt ?? "1970-01-01T00:00:00Z"));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));

    const first = pageSchema(alertSchema).parse(
      (await t.inject({ method: "GET", url: "/api/alerts?sort=severity&limit=1" })).json(),
    );
    const reused = await t.inject({
      method: "GET",
      url: `/api/alerts?sort=title&cursor=${first.nextCursor}`,
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.fields.cursor).toContain("sort");
    const badSort = await t.inject({ method: "GET", url: "/api/alerts?sort=colour" });
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().error.fields.sort).toContain("createdAt");
  });

  it("summarises alerts per day and severity for 14 days, and devices by health, onboarding, risk and exposure", async () => {
    const alertSummary = alertSummarySchema.parse(
      (await t.inject({ method: "GET", url: `/api/alerts/summary?integrationId=${allId}` })).json(),
    );
    expect(alertSummary.days).toHaveLength(14);
    const since = Date.parse(`${alertSummary.days[0]?.date}T00:00:00Z`);
    const recent = (await walk(alertSchema, `/api/alerts?integrationId=${allId}`, 50)).filter(
      (a) => Date.parse(a.createdAt) >= since,
    );
    const charted = alertSummary.days.reduce(
      (n, d) => n + d.informational + d.low + d.medium + d.high + d.unknown,
      0,
    );
    expect(charted).toBe(recent.length);

    const devices = deviceSummarySchema.parse(
      (await t.inject({ method: "GET", url: `/api/devices/summary?integrationId=${allId}` })).json(),
    );
    const listed = await walk(deviceSchema, `/api/devices?integrationId=${allId}`, 50);
    expect(devices.total).toBe(listed.length);
    for (const facet of [devices.health, devices.onboarding, devices.risk, devices.exposure]) {
      expect(facet.reduce((n, c) => n + c.count, 0)).toBe(listed.length);
    }
  });

  it("says no devices are onboarded when Defender lists none", async () => {
    const id = await connect(SIM_SEED.newTenant, ["alerts", "devices"]);
    await t.app.syncEngine.ensureStreams(id);
    await syncAll(id);
    const state = await syncState(id);
    expect(state.notices.map((n) => n.code)).toEqual(["no_devices_onboarded"]);
    expect(state.notices[0]?.remediation).toContain("Onboarding");
  });

  it("syncs a source again after its feature is turned off and back on", async () => {
    const id = await connect(SIM_SEED.secretExpiringSoon, ["alerts", "devices"]);
    await t.app.syncEngine.ensureStreams(id);
    await syncAll(id);
    const patch = (features: string[]) =>
      t.inject({ method: "PATCH", url: `/api/integrations/${id}`, payload: { features } });
    expect((await patch(["alerts"])).statusCode).toBe(200);
    await t.app.syncEngine.syncNow(id);
    expect(await t.app.syncEngine.runStream(id, "devices", { maxPages: 1 })).toEqual({
      kind: "skipped",
      reason: "feature_off",
    });
    expect((await patch(["alerts", "devices"])).statusCode).toBe(200);
    await t.app.syncEngine.ensureStreams(id);
    expect(await t.app.syncEngine.runStream(id, "devices", { maxPages: 5 })).toMatchObject({
      kind: "ran",
      done: true,
    });
  });

  it("turns a connection degraded when a source fails for a reason a person must fix, and back when it recovers", async () => {
    const id = await connect(SIM_SEED.faults, ["alerts", "devices"]);
    await t.app.syncEngine.ensureStreams(id);
    await syncAll(id);
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "unauthorized", target: "api" });
    try {
      await t.app.syncEngine.syncNow(id);
      expect(await t.app.syncEngine.runStream(id, "alerts", { maxPages: 1 })).toMatchObject({ failed: true });
      expect(await t.app.syncEngine.assessHealth()).toBeGreaterThanOrEqual(1);
      const degraded = integrationSchema.parse(
        (await t.inject({ method: "GET", url: `/api/integrations/${id}` })).json(),
      );
      expect(degraded.status).toBe("degraded");
      expect(degraded.error).toMatchObject({ code: "sync_stalled" });
      expect(degraded.error?.message).toContain("Alerts has not synced since");
      expect((await syncState(id)).notices.map((n) => n.code)).toContain("failing");
      expect((await freshness()).find((f) => f.integrationId === id)).toMatchObject({ failing: 1 });
    } finally {
      await setSimulatorFault(SIM_SEED.faults.tenantId, null);
    }
    await t.app.syncEngine.syncNow(id);
    await syncAll(id);
    await t.app.syncEngine.assessHealth();
    const recovered = integrationSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${id}` })).json(),
    );
    expect(recovered).toMatchObject({ status: "connected", error: null });
    const events = integrationEventListSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${id}/events` })).json(),
    ).events;
    expect(events.filter((e) => e.kind === "status_changed").map((e) => e.detail)).toEqual([
      { from: "degraded", to: "connected" },
      { from: "connected", to: "degraded", code: "sync_stalled" },
    ]);
  });

  it("erases a connection's synced data only when asked, naming what went, and keeps everyone else's", async () => {
    const other = await connect(SIM_SEED.healthy, ["alerts", "devices"]);
    await t.app.syncEngine.ensureStreams(other);
    await syncAll(other);
    const otherAlerts = (await walk(alertSchema, `/api/alerts?integrationId=${other}`, 100)).length;

    const invalid = await t.inject({ method: "DELETE", url: `/api/integrations/${allId}?deleteData=yes` });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.fields.deleteData).toContain("true or false");

    const forbidden = await t.app.inject({
      method: "DELETE",
      url: `/api/integrations/${allId}?deleteData=true`,
      headers: viewer,
    });
    expect(forbidden.statusCode).toBe(403);

    const erased = await t.inject({ method: "DELETE", url: `/api/integrations/${allId}?deleteData=true` });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(integrationSchema.parse(erased.json()).status).toBe("disconnected");
    expect((await freshness()).map((f) => f.integrationId)).not.toContain(allId);
    for (const list of ["alerts", "incidents", "devices", "vulnerabilities", "software"]) {
      const page = z
        .object({ items: z.array(z.unknown()) })
        .parse((await t.inject({ method: "GET", url: `/api/${list}?integrationId=${allId}` })).json());
      expect(page.items, list).toEqual([]);
    }
    expect((await syncState(allId)).sources.every((s) => s.records === 0 && s.lastSuccessAt === null)).toBe(
      true,
    );
    const events = integrationEventListSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${allId}/events` })).json(),
    ).events;
    expect(events[0]).toMatchObject({ kind: "data_erased" });
    expect(events[0]?.message).toMatch(/^Synced data erased: \d[\d,]* alerts, \d+ incidents, \d+ devices/);
    expect((await walk(alertSchema, `/api/alerts?integrationId=${other}`, 100)).length).toBe(otherAlerts);
  });

  it("says a connection none of whose features brings data in has nothing to sync", async () => {
    // The tenant of the erased connection again, for what verification alone checks (no source syncs either).
    const id = await connect(all, ["secret-expiry"]);
    await t.app.syncEngine.ensureStreams(id);
    expect((await freshness()).find((f) => f.integrationId === id)).toEqual({
      integrationId: id,
      sources: 0,
      lastDataAt: null,
      firstSyncDone: true,
      running: false,
      failing: 0,
    });
  });
});
