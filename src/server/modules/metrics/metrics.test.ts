import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { integrationSchema } from "../../../shared/contract";
import { FALCON_SEED } from "../../../simulator/falcon-seed";
import { createTestApp, type TestApp } from "../../../test/test-app";

vi.setConfig({ testTimeout: 60_000 });

/** What an operator's Prometheus scrapes from a running Patchbay, after a real connect and sync. */

const TOKEN = "metrics-token-for-the-test-run";
let t: TestApp;
let id = "";
beforeAll(async () => {
  t = await createTestApp({ PATCHBAY_METRICS_TOKEN: TOKEN });
  const connected = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: {
      partner: "crowdstrike",
      name: "Metrics",
      clientId: FALCON_SEED.good.clientId,
      clientSecret: FALCON_SEED.good.clientSecret,
    },
  });
  expect(connected.statusCode, connected.body).toBe(201);
  id = integrationSchema.parse(connected.json()).id;
  await t.app.syncEngine.ensureStreams(id);
  for (const source of ["alerts", "devices"]) await t.app.syncEngine.runStream(id, source, { maxPages: 50 });
  await t.inject({ method: "GET", url: "/api/integrations" });
});
afterAll(async () => {
  await t.app.close();
});

const scrape = () =>
  t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } });

describe("/metrics", () => {
  it("asks for the metrics token when one is set", async () => {
    expect((await t.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    const wrong = await t.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect((await scrape()).statusCode).toBe(200);
  });

  it("shows request durations by route, verification outcomes, sync state, budgets and queues", async () => {
    const response = await scrape();
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toMatch(
      /patchbay_http_request_duration_seconds_count\{route="\/api\/integrations",method="GET",status="200"\} [1-9]/,
    );
    expect(text).toContain(
      'patchbay_verifications_total{partner="crowdstrike",status="connected",code="none"} 1',
    );
    expect(text).toContain(
      `patchbay_sync_records{integration="${id}",partner="crowdstrike",source="alerts"} ${FALCON_SEED.good.data.alerts}`,
    );
    expect(text).toContain(
      `patchbay_sync_malformed_records{integration="${id}",partner="crowdstrike",source="alerts"} 1`,
    );
    expect(text).toMatch(
      new RegExp(
        `patchbay_sync_lag_seconds\\{integration="${id}",partner="crowdstrike",source="devices"\\} \\d`,
      ),
    );
    expect(text).toMatch(
      /patchbay_rate_budget_calls_left\{partner="crowdstrike",api="falcon",key="crowdstrike\|[0-9a-f]{32}\|\|falcon"\} \d+/,
    );
    expect(text).toContain("# TYPE patchbay_job_queue_depth gauge");
    expect(text).toContain("patchbay_process_resident_memory_bytes");
    expect(text).not.toContain(FALCON_SEED.good.clientSecret);
  });

  it("counts a failed verification by its code", async () => {
    await t.inject({
      method: "POST",
      url: "/api/integrations/test",
      payload: {
        partner: "crowdstrike",
        clientId: FALCON_SEED.ipBlocked.clientId,
        clientSecret: FALCON_SEED.ipBlocked.clientSecret,
      },
    });
    expect((await scrape()).body).toContain(
      'patchbay_verifications_total{partner="crowdstrike",status="error",code="ip_not_allowed"} 1',
    );
  });
});

describe("liveness and readiness", () => {
  it("answers live, and ready while its database answers", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/health/live" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ method: "GET", url: "/api/health/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });
});
