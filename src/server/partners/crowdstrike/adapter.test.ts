import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { partnersResponseSchema } from "../../../shared/catalog";
import {
  integrationSchema,
  type VerificationReport,
  verificationReportSchema,
} from "../../../shared/contract";
import { alertDetailSchema, alertSchema, deviceSchema, pageSchema } from "../../../shared/data-contract";
import { apiErrorSchema } from "../../../shared/errors";
import { FALCON_MSSP_CHILD_CID, FALCON_SEED, type FalconSimClient } from "../../../simulator/falcon-seed";
import { createTestApp, type TestApp } from "../../../test/test-app";
import { callFalcon, falconOrigins, mintToken } from "./api";
import { falconFailure } from "./failures";

vi.setConfig({ testTimeout: 60_000 });

/**
 * CrowdStrike Falcon as an admin meets it, on the real app against the Falcon simulator's four clouds over HTTPS:
 * every field rule, every failure the reference records with its fix, auto-discovery across clouds, tokens
 * revoked, secrets never shown, and alerts and hosts synced into the shared tables.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.app.close();
});

const origins = () => {
  const overrides: Record<string, string> = {};
  for (const entry of t.simulator.falconOrigins.split(",")) {
    const [cloud = "", origin = ""] = entry.split("=");
    overrides[cloud] = origin;
  }
  return falconOrigins(overrides);
};

function body(client: FalconSimClient, extra: Record<string, unknown> = {}) {
  return {
    partner: "crowdstrike",
    falconCloud: "auto",
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    ...extra,
  };
}

async function check(payload: object): Promise<VerificationReport> {
  const response = await t.inject({ method: "POST", url: "/api/integrations/test", payload });
  expect(response.statusCode, response.body).toBe(200);
  return verificationReportSchema.parse(response.json());
}

const requestLog = z.object({
  requests: z.array(
    z.object({ cloud: z.string(), method: z.string(), path: z.string(), clientId: z.string().nullable() }),
  ),
});
async function falconRequests(client: FalconSimClient) {
  const us1 = origins()["us-1"];
  const log = requestLog.parse(await (await fetch(`${us1}/__simulator/requests`)).json());
  return log.requests.filter((r) => r.clientId === client.clientId);
}

describe("CrowdStrike Falcon: fields", () => {
  it("is listed with its own fields, clouds and scopes", async () => {
    const response = await t.inject({ method: "GET", url: "/api/partners" });
    const falcon = partnersResponseSchema.parse(response.json()).partners.find((p) => p.id === "crowdstrike");
    expect(falcon?.fields.map((f) => [f.name, f.kind, f.optional])).toEqual([
      ["falconCloud", "select", false],
      ["clientId", "text", false],
      ["clientSecret", "secret", false],
      ["memberCid", "text", true],
    ]);
    expect(falcon?.clouds.map((c) => c.label)).toEqual([
      "US-1",
      "US-2",
      "EU-1",
      "US-3",
      "US-GOV-1",
      "US-GOV-2",
    ]);
    expect(falcon?.requiredPermissions.map((p) => p.name)).toEqual(["Alerts: Read", "Hosts: Read"]);
    expect(falcon?.fields[0]?.options.map((o) => o.value)).toContain("auto");
  });

  it.each([
    [{ clientId: "not-hex" }, "clientId", "32 hexadecimal characters"],
    [{ clientId: "" }, "clientId", "Client ID is required"],
    [{ clientSecret: "" }, "clientSecret", "Client Secret is required"],
    [{ clientSecret: "abc def" }, "clientSecret", "spaces or line breaks"],
    [{ clientSecret: "0123456789abcdef0123456789abcdef" }, "clientSecret", "looks like a Client ID"],
    [{ clientSecret: "x".repeat(300) }, "clientSecret", "longer than 256"],
    [{ memberCid: "child" }, "memberCid", "32-character customer ID"],
    [{ falconCloud: "mars-1" }, "falconCloud", "Auto-discover or one of US-1"],
  ])("refuses %j, naming %s", async (change, field, message) => {
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations/test",
      payload: { ...body(FALCON_SEED.good), ...change },
    });
    expect(response.statusCode).toBe(400);
    const error = apiErrorSchema.parse(response.json()).error;
    expect(error.fields?.[field]).toContain(message);
    for (const value of Object.values(change))
      if (value.length > 6) expect(response.body).not.toContain(value);
  });

  it("accepts a cloud by name or API host, and a member CID with its checksum", async () => {
    for (const falconCloud of ["US-1", "us1", "https://api.crowdstrike.com/"]) {
      const report = await check(body(FALCON_SEED.good, { falconCloud }));
      expect(report.status, falconCloud).toBe("connected");
    }
    const report = await check(
      body(FALCON_SEED.mssp, { memberCid: `${FALCON_MSSP_CHILD_CID.toUpperCase()}-A7` }),
    );
    expect(report.status).toBe("connected");
  });
});

describe("CrowdStrike Falcon: verification", () => {
  it("connects a US-1 client: token, cloud, one read per scope, and every token revoked", async () => {
    const before = (await falconRequests(FALCON_SEED.good)).length;
    const report = await check(body(FALCON_SEED.good));
    expect(report.status, JSON.stringify(report.error)).toBe("connected");
    expect(report.cloud).toBe("us-1");
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ["input", "ok"],
      ["token", "ok"],
      ["cloud", "ok"],
      ["api", "ok"],
      ["permissions", "ok"],
    ]);
    expect(report.permissions.granted.map((p) => p.name)).toEqual(["Alerts: Read", "Hosts: Read"]);
    const calls = (await falconRequests(FALCON_SEED.good)).slice(before).map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual([
      "POST /oauth2/token",
      "GET /alerts/queries/alerts/v2",
      "GET /devices/queries/devices/v1",
      "POST /oauth2/revoke",
    ]);
  });

  it("auto-discovers US-2 through US-1's redirect, and EU-1 through X-CS-Region, then works there", async () => {
    const us2 = await check(body(FALCON_SEED.us2));
    expect(us2.status, JSON.stringify(us2.error)).toBe("connected");
    expect(us2.cloud).toBe("us-2");
    expect(us2.steps.find((s) => s.id === "cloud")?.message).toContain("US-2");

    const before = (await falconRequests(FALCON_SEED.eu1)).length;
    const eu1 = await check(body(FALCON_SEED.eu1));
    expect(eu1.status, JSON.stringify(eu1.error)).toBe("connected");
    expect(eu1.cloud).toBe("eu-1");
    const calls = (await falconRequests(FALCON_SEED.eu1)).slice(before);
    // The US-1 token is replaced by one minted in EU-1, and both are revoked where they were minted.
    expect(calls.filter((c) => c.path === "/oauth2/token").map((c) => c.cloud)).toEqual(["us-1", "eu-1"]);
    expect(
      calls
        .filter((c) => c.path === "/oauth2/revoke")
        .map((c) => c.cloud)
        .sort(),
    ).toEqual(["eu-1", "us-1"]);
    expect(
      calls
        .filter((c) => c.path.startsWith("/alerts") || c.path.startsWith("/devices"))
        .every((c) => c.cloud === "eu-1"),
    ).toBe(true);
  });

  it("says a token from one cloud used in another is the wrong cloud (401 invalid bearer token)", async () => {
    const o = origins();
    const minted = await mintToken(
      o,
      o["us-1"],
      { ...FALCON_SEED.eu1, memberCid: null },
      AbortSignal.timeout(5_000),
      5_000,
    );
    if (!minted.ok) throw new Error("no token");
    const outcome = await callFalcon({
      origin: o["us-1"],
      method: "GET",
      path: "/devices/queries/devices/v1?limit=1",
      authorization: `Bearer ${minted.token.accessToken}`,
      signal: AbortSignal.timeout(5_000),
      timeoutMs: 5_000,
    });
    if (outcome.ok) throw new Error("a token from EU-1 was accepted in US-1");
    const error = falconFailure(
      outcome,
      { clientId: FALCON_SEED.eu1.clientId, choice: "us-1", cloud: "us-1", timeoutSeconds: 5 },
      "Hosts: Read",
    );
    expect(error.code).toBe("wrong_cloud");
    expect(error.remediation).toContain("Auto-discover");
  });

  it("warns when the chosen cloud is not the client's, and uses the client's", async () => {
    const report = await check(body(FALCON_SEED.eu1, { falconCloud: "us-1" }));
    expect(report.status).toBe("connected");
    expect(report.cloud).toBe("eu-1");
    expect(report.warnings).toEqual([
      expect.objectContaining({ field: "falconCloud", message: expect.stringContaining("belongs to EU-1") }),
    ]);
  });

  it("explains that GovCloud does not auto-discover, and connects it when chosen", async () => {
    const auto = await check(body(FALCON_SEED.gov));
    expect(auto.status).toBe("error");
    expect(auto.error?.code).toBe("invalid_secret");
    expect(auto.error?.remediation).toContain("GovCloud (US-GOV-1, US-GOV-2) does not auto-discover");
    const chosen = await check(body(FALCON_SEED.gov, { falconCloud: "us-gov-1" }));
    expect(chosen.status, JSON.stringify(chosen.error)).toBe("connected");
    expect(chosen.cloud).toBe("us-gov-1");
  });

  it.each([
    [
      "a wrong secret",
      body(FALCON_SEED.good, { clientSecret: "Z".repeat(40) }),
      "invalid_secret",
      "Reset secret",
    ],
    [
      "an unknown client",
      body(FALCON_SEED.good, { clientId: FALCON_SEED.unknownClientId }),
      "app_not_found",
      "API clients and keys",
    ],
    [
      "a member CID that is no child",
      body(FALCON_SEED.mssp, { memberCid: "ab".repeat(16) }),
      "tenant_not_found",
      "Flight Control",
    ],
    ["an address not on the IP allowlist", body(FALCON_SEED.ipBlocked), "ip_not_allowed", "IP allowlist"],
    ["Falcon failing (500)", body(FALCON_SEED.broken), "upstream_error", "trace id"],
    ["a proxy answering for Falcon", body(FALCON_SEED.proxied), "wrong_endpoint", "proxy"],
  ])("names %s with its fix", async (_case, payload, code, fix) => {
    const report = await check(payload);
    expect(report.status).toBe("error");
    expect(report.error?.code).toBe(code);
    expect(report.error?.remediation).toContain(fix);
    expect(JSON.stringify(report)).not.toContain(payload.clientSecret);
  });

  it("names the missing scope, or the allowlist, when Falcon answers access denied to one read", async () => {
    const report = await check(body(FALCON_SEED.noAlerts));
    expect(report.status).toBe("degraded");
    expect(report.error?.code).toBe("permission_missing");
    expect(report.error?.message).toContain(
      "missing the Alerts: Read scope, or this address is not on the API client's IP allowlist",
    );
    expect(report.permissions.missing.map((p) => p.name)).toEqual(["Alerts: Read"]);
    expect(Object.fromEntries(report.features.map((f) => [f.id, f.status]))).toEqual({
      alerts: "permission_missing",
      devices: "working",
    });
  });

  it("treats an error inside a 200 answer as the failure it is", async () => {
    const report = await check(body(FALCON_SEED.errorInBody));
    expect(report.status).toBe("degraded");
    expect(report.features.find((f) => f.id === "alerts")?.status).toBe("permission_missing");
  });

  it("reports Falcon's throttling with its wait", async () => {
    await check(body(FALCON_SEED.throttled));
    const report = await check(body(FALCON_SEED.throttled));
    expect(report.error?.code).toBe("rate_limited");
    expect(report.error?.message).toMatch(/wait \d+ s/);
  });

  it("never writes the secret or a token to a response or a log line", async () => {
    const connected = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body(FALCON_SEED.us2),
    });
    expect(connected.statusCode, connected.body).toBe(201);
    const id = integrationSchema.parse(connected.json()).id;
    const shown = await t.inject({ method: "GET", url: `/api/integrations/${id}` });
    for (const text of [connected.body, shown.body, t.logs.join("\n")]) {
      expect(text).not.toContain(FALCON_SEED.us2.clientSecret);
      expect(text).not.toMatch(/access_token/);
    }
    const gone = await t.inject({ method: "DELETE", url: `/api/integrations/${id}` });
    expect(gone.statusCode).toBe(200);
  });
});

describe("CrowdStrike Falcon: sync", () => {
  it("syncs alerts and hosts into the shared tables, then Disconnect revokes the sync's token", async () => {
    const connected = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body(FALCON_SEED.good, { name: "Falcon sync" }),
    });
    expect(connected.statusCode, connected.body).toBe(201);
    const id = integrationSchema.parse(connected.json()).id;
    await t.app.syncEngine.ensureStreams(id);
    for (const source of ["alerts", "devices"]) {
      for (let run = 0; run < 20; run += 1) {
        const outcome = await t.app.syncEngine.runStream(id, source, { maxPages: 50 });
        if (outcome.kind === "ran" && outcome.done) break;
      }
    }
    const alerts = pageSchema(alertSchema).parse(
      (await t.inject({ method: "GET", url: `/api/alerts?integrationId=${id}&limit=500` })).json(),
    ).items;
    // 140 alerts; the one without an update time is counted as malformed, never stored.
    expect(alerts).toHaveLength(FALCON_SEED.good.data.alerts);
    expect(new Set(alerts.map((a) => a.externalId)).size).toBe(alerts.length);
    expect(new Set(alerts.map((a) => a.severity))).toEqual(
      new Set(["informational", "low", "medium", "high", "critical"]),
    );
    expect(alerts.every((a) => a.partner === "crowdstrike")).toBe(true);
    const first = alerts[0];
    if (!first) throw new Error("no alert");
    const detail = alertDetailSchema.parse(
      (await t.inject({ method: "GET", url: `/api/alerts/${first.id}` })).json(),
    );
    expect(detail.portalUrl).toMatch(/^https:\/\/falcon\.crowdstrike\.com\/activity-v2\/detections\//);

    const devices = pageSchema(deviceSchema).parse(
      (await t.inject({ method: "GET", url: `/api/devices?integrationId=${id}&limit=500` })).json(),
    ).items;
    expect(devices).toHaveLength(FALCON_SEED.good.data.hosts);
    expect(new Set(devices.map((d) => d.healthStatus))).toEqual(
      new Set(["Active", "Inactive", "Contained", "Reduced functionality"]),
    );

    const before = (await falconRequests(FALCON_SEED.good)).length;
    expect((await t.inject({ method: "DELETE", url: `/api/integrations/${id}` })).statusCode).toBe(200);
    const after = (await falconRequests(FALCON_SEED.good)).slice(before);
    expect(after.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /oauth2/revoke"]);
  });
});
