import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { integrationSchema, verificationReportSchema } from "../../../shared/contract";
import { apiErrorSchema } from "../../../shared/errors";
import { ensureCertificate } from "../../../simulator/certificate";
import { SIM_S1_SEED, type SimS1ScenarioName } from "../../../simulator/sentinelone-seed";
import { createTestApp, sentinelOneControl, TEST_ADMIN, type TestApp } from "../../../test/test-app";

/**
 * SentinelOne verification for real: the app's routes against the console stand-in over HTTPS. Each failure names
 * the stable code a script can rely on, its message and its fix; the token appears in no response and no log line.
 */

const sim = inject("simulator");
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: "trace" });
});
afterAll(async () => {
  await t.app.close();
});
afterEach(async () => {
  await sentinelOneControl("faults", "fault", null);
});

const DAY = 86_400_000;

function body(scenario: SimS1ScenarioName, overrides: Record<string, unknown> = {}) {
  return {
    partner: "sentinelone",
    consoleUrl: sim.sentinelOneOrigin,
    apiToken: SIM_S1_SEED[scenario].token,
    ...overrides,
  };
}

async function test(payload: Record<string, unknown>, app: TestApp = t) {
  const response = await app.inject({ method: "POST", url: "/api/integrations/test", payload });
  expect(response.statusCode, response.body).toBe(200);
  return verificationReportSchema.parse(response.json());
}

const requestLogSchema = z.object({
  requests: z.array(z.object({ path: z.string(), tenant: z.string().optional() })),
});

/** The API calls made since `count` requests were logged, by one scenario's token (other files run meanwhile). */
async function requestsSince(count: number, scenario?: SimS1ScenarioName) {
  const response = await fetch(`${sim.origin}/__simulator/requests`);
  return requestLogSchema
    .parse(await response.json())
    .requests.slice(count)
    .filter((r) => scenario === undefined || r.tenant === `sentinelone:${scenario}`)
    .map((r) => r.path)
    .filter((path) => path.startsWith("/web/api/"));
}

async function requestCount() {
  return (await requestsSince(0)).length;
}

describe("POST /api/integrations/test (SentinelOne)", () => {
  it("verifies a healthy token through every step, reads its expiry, and proves threats and agents", async () => {
    const before = await requestCount();
    const report = await test(body("faults"));
    expect(report).toMatchObject({ ok: true, status: "connected", cloud: null });
    expect(report.steps.map((s) => [s.id, s.label, s.status])).toEqual([
      ["input", "Check the values", "ok"],
      ["cloud", "Reach the SentinelOne console", "ok"],
      ["token", "Check the API token", "ok"],
      ["api", "Read from SentinelOne", "ok"],
      ["expiry", "Read the API token's expiry date", "ok"],
    ]);
    expect(report.features.map((f) => [f.id, f.api, f.status])).toEqual([
      ["alerts", "SentinelOne Management API", "working"],
      ["devices", "SentinelOne Management API", "working"],
    ]);
    expect(report.permissions).toEqual({
      required: [
        { name: "Threats: View", api: "SentinelOne Management API" },
        { name: "Endpoints: View", api: "SentinelOne Management API" },
      ],
      granted: [
        { name: "Threats: View", api: "SentinelOne Management API" },
        { name: "Endpoints: View", api: "SentinelOne Management API" },
      ],
      missing: [],
      unused: [],
    });
    const expiresAt = Date.parse(report.secretExpiry?.expiresAt ?? "");
    expect(Math.round((expiresAt - Date.now()) / DAY)).toBeGreaterThanOrEqual(199);
    expect(report.secretExpiry?.message).toMatch(
      /^The API token expires on \d{4}-\d{2}-\d{2} \(read from SentinelOne\)\.$/,
    );
    // The faults scenario's token is used by this file only, so its calls are exactly this verification's.
    expect(await requestsSince(before, "faults")).toEqual([
      "/web/api/v2.1/system/info",
      "/web/api/v2.1/threats?limit=1&skipCount=true",
      "/web/api/v2.1/agents?limit=1&skipCount=true",
      "/web/api/v2.1/users/api-token-details",
    ]);
  });

  it("removes a pasted API path from Console URL and says so in the report's warnings", async () => {
    const report = await test(
      body("healthy", { consoleUrl: `${sim.sentinelOneOrigin}/web/api/v2.1/threats` }),
    );
    expect(report.status).toBe("connected");
    expect(report.warnings).toEqual([
      {
        field: "consoleUrl",
        message:
          "Console URL: Patchbay uses only the console's address (https:// and the host) and adds /web/api/v2.1/ itself, so the API path you pasted after the host is removed. Nothing else to do.",
      },
    ]);
  });

  it.each([
    ["an expired token", "expired"],
    ["a token SentinelOne does not know (revoked)", null],
  ] as const)("reports invalid_secret for %s (401 4010010)", async (_what, scenario) => {
    const report = await test(
      scenario ? body(scenario) : body("healthy", { apiToken: "R3vokedTokenValue0123456789abcdefABCDEF" }),
    );
    expect(report).toMatchObject({ ok: false, status: "error" });
    expect(report.error).toMatchObject({
      code: "invalid_secret",
      message: `SentinelOne at ${sim.sentinelOneHostPort} refused the API token (401, code 4010010 “Authentication Failed”): the token is wrong, was revoked, or has expired.`,
    });
    expect(report.error?.remediation).toContain(
      "Settings → Users → Service Users → the service user → Actions → Generate API token",
    );
    expect(report.error?.detail).toMatchObject({
      httpStatus: 401,
      errorCode: 4010010,
      errorTitle: "Authentication Failed",
    });
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ["input", "ok"],
      ["cloud", "ok"],
      ["token", "failed"],
      ["api", "skipped"],
    ]);
    expect(report.features.every((f) => f.status === "failed" && f.code === "invalid_secret")).toBe(true);
  });

  it("reports permission_missing (degraded) when the role may not read threats, naming the read and the role", async () => {
    const report = await test(body("noThreats"));
    expect(report).toMatchObject({ ok: true, status: "degraded" });
    expect(report.error?.code).toBe("permission_missing");
    expect(report.error?.message).toBe(
      "The API token's role or scope may not read threats (403, code 4030010 “Insufficient permissions”). Not working: alerts.",
    );
    expect(report.error?.remediation).toBe(
      "Open the SentinelOne console → Settings → Users → Service Users → the service user and give it the Viewer role (or any role with Threats: View) on the Account or Site Patchbay should read. Then re-check.",
    );
    expect(report.features.map((f) => [f.id, f.status, f.missing])).toEqual([
      ["alerts", "permission_missing", ["Threats: View"]],
      ["devices", "working", []],
    ]);
    expect(report.permissions.missing).toEqual([
      { name: "Threats: View", api: "SentinelOne Management API" },
    ]);
  });

  it("reads a site-scoped token's site, never calling /accounts (which refuses site users)", async () => {
    const before = await requestCount();
    const report = await test(body("siteScoped", { siteId: SIM_S1_SEED.siteScoped.siteIds[0] }));
    expect(report.status).toBe("connected");
    const paths = await requestsSince(before);
    expect(paths).toContain(
      `/web/api/v2.1/threats?limit=1&skipCount=true&siteIds=${SIM_S1_SEED.siteScoped.siteIds[0]}`,
    );
    expect(paths.some((p) => p.includes("/accounts"))).toBe(false);
    // And /accounts does refuse it, as the reference says.
    const accounts = await fetch(`${sim.sentinelOneOrigin}/web/api/v2.1/accounts`, {
      headers: { authorization: `ApiToken ${SIM_S1_SEED.siteScoped.token}` },
    });
    expect(accounts.status).toBe(403);
    expect(await accounts.text()).toContain("Action is not allowed to site users");
  });

  it("passes accountIds, and names the scope when the token may not read it", async () => {
    const ok = await test(body("healthy", { accountId: SIM_S1_SEED.healthy.accountId }));
    expect(ok.status).toBe("connected");
    const outside = await test(body("siteScoped", { accountId: SIM_S1_SEED.healthy.accountId }));
    expect(outside.status).toBe("error");
    expect(outside.error?.code).toBe("permission_missing");
    expect(outside.error?.message).toContain(`on account ${SIM_S1_SEED.healthy.accountId}`);
    expect(outside.error?.remediation).toContain("correct Account ID / Site ID or leave them blank");
  });

  it("reports wrong_endpoint when the Console URL answers an HTML page", async () => {
    const report = await test(body("healthy", { consoleUrl: sim.decoyOrigin }));
    expect(report.status).toBe("error");
    expect(report.error?.code).toBe("wrong_endpoint");
    expect(report.error?.message).toContain("not like the SentinelOne Management API");
    expect(report.steps.find((s) => s.id === "cloud")?.status).toBe("failed");
    expect(report.steps.find((s) => s.id === "token")?.status).toBe("skipped");
  });

  it("reports wrong_endpoint when a read answers 200 with HTML", async () => {
    await sentinelOneControl("faults", "fault", { kind: "non_json", path: "agents" });
    const report = await test(body("faults"));
    expect(report.status).toBe("degraded");
    expect(report.features.find((f) => f.id === "devices")).toMatchObject({
      status: "failed",
      code: "wrong_endpoint",
    });
  });

  it("reports rate_limited with SentinelOne's Retry-After", async () => {
    const report = await test(body("rateLimited"));
    expect(report.error?.code).toBe("rate_limited");
    expect(report.error?.message).toContain("retry after 7 s");
    expect(report.error?.detail?.retryAfterSeconds).toBe(7);
    await sentinelOneControl("faults", "fault", {
      kind: "rate_limit",
      retryAfterSeconds: 11,
      path: "threats",
    });
    const threats = await test(body("faults"));
    expect(threats.status).toBe("degraded");
    expect(threats.error?.code).toBe("rate_limited");
    expect(threats.error?.remediation).toContain("Wait 11 seconds");
  });

  it("reports upstream_error on a 5xx", async () => {
    await sentinelOneControl("faults", "fault", { kind: "server_error" });
    const report = await test(body("faults"));
    expect(report.status).toBe("error");
    expect(report.error).toMatchObject({ code: "upstream_error" });
    expect(report.error?.message).toContain("HTTP 503");
  });

  it("reports timeout when SentinelOne answers later than the per-call bound", async () => {
    await sentinelOneControl("faults", "fault", { kind: "slow", delayMs: 4_000 });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("timeout");
    expect(report.error?.message).toContain("did not answer within 2 seconds");
  });
});

describe("network failures (SentinelOne)", () => {
  it("reports endpoint_unreachable when nothing listens at the Console URL", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createNetServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        const free = typeof address === "object" && address !== null ? address.port : 0;
        server.close(() => resolve(free));
      });
    });
    const closed = `127.0.0.1:${port}`;
    const other = await createTestApp({ PATCHBAY_EXTRA_SENTINELONE_HOSTS: closed });
    try {
      const report = await test(body("healthy", { consoleUrl: `https://${closed}` }), other);
      expect(report.error?.code).toBe("endpoint_unreachable");
      expect(report.error?.message).toBe(`Patchbay could not reach ${closed}.`);
      expect(report.error?.detail?.systemCode).toBe("ECONNREFUSED");
    } finally {
      await other.app.close();
    }
  });

  it("reports tls_error when the console's certificate is not trusted", async () => {
    const untrusted = await ensureCertificate(await mkdtemp(join(tmpdir(), "patchbay-untrusted-")));
    const server = createServer({ cert: untrusted.cert, key: untrusted.key }, (_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const hostPort = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    const other = await createTestApp({ PATCHBAY_EXTRA_SENTINELONE_HOSTS: hostPort });
    try {
      const report = await test(body("healthy", { consoleUrl: `https://${hostPort}` }), other);
      expect(report.error?.code).toBe("tls_error");
      expect(report.error?.remediation).toContain("NODE_EXTRA_CA_CERTS");
    } finally {
      await other.app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("connections (SentinelOne)", () => {
  it("stores a healthy connection with the token's expiry read from SentinelOne, one per console and scope", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body("healthy", { name: "S1 prod" }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const integration = integrationSchema.parse(created.json());
    expect(integration).toMatchObject({
      partner: "sentinelone",
      status: "connected",
      config: {
        consoleUrl: sim.sentinelOneOrigin,
        accountId: null,
        siteId: null,
        cloud: null,
        features: ["alerts", "devices"],
      },
      secret: { configured: true, expirySource: "graph" },
    });
    expect(
      Math.round((Date.parse(integration.secret.expiresAt ?? "") - Date.now()) / DAY),
    ).toBeGreaterThanOrEqual(199);

    const again = await t.inject({ method: "POST", url: "/api/integrations", payload: body("healthy") });
    expect(again.statusCode).toBe(409);
    expect(apiErrorSchema.parse(again.json()).error.message).toContain(`console ${sim.sentinelOneHostPort}`);
    // Another scope of the same console is another connection.
    const scoped = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body("healthy", { accountId: SIM_S1_SEED.healthy.accountId }),
    });
    expect(scoped.statusCode, scoped.body).toBe(201);
    for (const id of [integration.id, integrationSchema.parse(scoped.json()).id]) {
      expect((await t.inject({ method: "DELETE", url: `/api/integrations/${id}` })).statusCode).toBe(200);
    }
  });

  it("turns a token that expires within 30 days into an amber secret_expiring warning", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body("siteScoped", { siteId: SIM_S1_SEED.siteScoped.siteIds[0] }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const integration = integrationSchema.parse(created.json());
    expect(integration.status).toBe("degraded");
    expect(integration.error?.code).toBe("secret_expiring");
    expect(integration.error?.remediation).toContain("Settings → Users → Service Users");
    await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
  });

  it("refuses to store a connection whose token SentinelOne refuses (422, nothing written)", async () => {
    const response = await t.inject({ method: "POST", url: "/api/integrations", payload: body("expired") });
    expect(response.statusCode).toBe(422);
    const { error } = apiErrorSchema.parse(response.json());
    expect(verificationReportSchema.parse(error.detail).error?.code).toBe("invalid_secret");
  });

  it("never puts the token in a response or a log line: test, fail, connect, replace, re-check, disconnect", async () => {
    const token = SIM_S1_SEED.healthy.token;
    const wrong = "Leak0Canary0Value0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
    const bodies: string[] = [];
    const call = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) => {
      const response = await t.inject({ method, url, ...(payload ? { payload } : {}) });
      bodies.push(response.body, JSON.stringify(response.headers));
      return response;
    };
    await call("POST", "/api/integrations/test", body("healthy"));
    await call("POST", "/api/integrations/test", body("healthy", { apiToken: wrong }));
    await call("POST", "/api/integrations", body("healthy", { apiToken: wrong }));
    const created = await call(
      "POST",
      "/api/integrations",
      body("healthy", { siteId: "1200000000000000001" }),
    );
    const { id } = integrationSchema.parse(created.json());
    await call("PATCH", `/api/integrations/${id}`, { apiToken: wrong });
    await call("PATCH", `/api/integrations/${id}`, { apiToken: token });
    await call("POST", `/api/integrations/${id}/check`);
    await call("GET", `/api/integrations/${id}`);
    await call("GET", `/api/integrations/${id}/events`);
    await call("DELETE", `/api/integrations/${id}`);
    // A token pasted into the wrong field is not echoed by a validation message either.
    await call("POST", "/api/integrations/test", body("healthy", { consoleUrl: token, siteId: token }));
    const everything = [...bodies, ...t.logs].join("\n");
    expect(t.logs.length).toBeGreaterThan(10);
    for (const value of [token, wrong, encodeURIComponent(token), TEST_ADMIN.password]) {
      expect(everything).not.toContain(value);
    }
  });
});
