import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { verificationReportSchema } from "../../../shared/contract";
import { ensureCertificate } from "../../../simulator/certificate";
import { SIM_SEED, SIM_UNKNOWN_TENANT_ID } from "../../../simulator/seed";
import { createTestApp, setSimulatorFault, type TestApp } from "../../../test/test-app";

/**
 * Every verification outcome, for real: the app's /test route against the simulator over HTTPS. Each case names
 * the stable error code an admin's script can rely on.
 */

const sim = inject("simulator");
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.app.close();
});
afterEach(async () => {
  await setSimulatorFault(SIM_SEED.faults.tenantId, null);
});

function body(scenario: keyof typeof SIM_SEED, overrides: Record<string, string> = {}) {
  const s = SIM_SEED[scenario];
  return {
    partner: "defender",
    baseUrl: sim.origin,
    tenantId: s.tenantId,
    appId: s.appId,
    appSecret: s.appSecret,
    ...overrides,
  };
}

async function test(payload: Record<string, string>) {
  const response = await t.inject({ method: "POST", url: "/api/integrations/test", payload });
  expect(response.statusCode).toBe(200);
  return verificationReportSchema.parse(response.json());
}

describe("POST /api/integrations/test", () => {
  it("verifies a healthy app through every step and reports all permissions granted", async () => {
    const report = await test(body("healthy"));
    expect(report).toMatchObject({ ok: true, status: "connected", cloud: "commercial" });
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ["input", "ok"],
      ["cloud", "ok"],
      ["token", "ok"],
      ["permissions", "ok"],
      ["api", "ok"],
    ]);
    expect(report.permissions).toEqual({
      required: [
        { name: "Alert.Read.All", api: "WindowsDefenderATP" },
        { name: "Machine.Read.All", api: "WindowsDefenderATP" },
      ],
      granted: [
        { name: "Alert.Read.All", api: "WindowsDefenderATP" },
        { name: "Machine.Read.All", api: "WindowsDefenderATP" },
      ],
      missing: [],
      unused: [],
    });
  });

  it("stores nothing", async () => {
    await test(body("healthy"));
    const list = await t.inject({ method: "GET", url: "/api/integrations" });
    expect(list.json()).toEqual({ integrations: [], nextCursor: null });
  });

  it.each([
    [
      "invalid_secret",
      body("healthy", { appSecret: "Wr0ng~SecretValue.abcdefghijklmnopqrstuvw" }),
      "token",
      "AADSTS7000215",
    ],
    ["secret_expired", body("expiredSecret"), "token", "AADSTS7000222"],
    [
      "app_not_found",
      body("healthy", { appId: "0d3c4c5b-3b1c-4a7e-9d84-1a2b3c4d5e6f" }),
      "token",
      "AADSTS700016",
    ],
    ["tenant_not_found", body("healthy", { tenantId: SIM_UNKNOWN_TENANT_ID }), "token", "AADSTS90002"],
    ["defender_not_provisioned", body("noDefender"), "token", "AADSTS500011"],
    ["wrong_cloud", body("otherCloud"), "token", "AADSTS900432"],
    ["conditional_access", body("blockedByPolicy"), "token", "AADSTS53003"],
  ])(
    "maps an Entra refusal to %s, keeping Microsoft's code and ids for support",
    async (code, payload, step, aadsts) => {
      const report = await test(payload);
      expect(report.ok).toBe(false);
      expect(report.status).toBe("error");
      expect(report.error?.code).toBe(code);
      const failed = report.steps.find((s) => s.status === "failed");
      expect(failed?.id).toBe(step);
      expect(failed?.detail?.aadsts).toBe(aadsts);
      expect(failed?.detail?.traceId).toMatch(/^[0-9a-f-]{36}$/);
      expect(failed?.detail?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(report.error?.remediation).toMatch(/Entra|Defender portal|Overview/);
      expect(report.steps.filter((s) => s.status === "skipped").map((s) => s.id)).toEqual([
        "permissions",
        "api",
      ]);
    },
  );

  it("reports consent_missing when the token has no roles, and names the consent button", async () => {
    const report = await test(body("noConsent"));
    expect(report.error?.code).toBe("consent_missing");
    expect(report.error?.remediation).toContain("Grant admin consent");
    expect(report.permissions.missing).toEqual([
      { name: "Alert.Read.All", api: "WindowsDefenderATP" },
      { name: "Machine.Read.All", api: "WindowsDefenderATP" },
    ]);
    expect(report.steps.find((s) => s.id === "api")?.status).toBe("skipped");
  });

  it("reports permission_missing and a degraded (still usable) connection when one permission is absent", async () => {
    const report = await test(body("machinesOnly"));
    expect(report).toMatchObject({ ok: true, status: "degraded" });
    expect(report.error?.code).toBe("permission_missing");
    expect(report.error?.message).toContain("Alert.Read.All");
    expect(report.permissions).toMatchObject({
      granted: [{ name: "Machine.Read.All", api: "WindowsDefenderATP" }],
      missing: [{ name: "Alert.Read.All", api: "WindowsDefenderATP" }],
    });
    expect(report.steps.find((s) => s.id === "api")?.status).toBe("ok");
  });

  it("reports wrong_endpoint when the Base URL answers with something that is not the Defender API", async () => {
    const report = await test(body("healthy", { baseUrl: sim.decoyOrigin }));
    expect(report.error?.code).toBe("wrong_endpoint");
    expect(report.steps.find((s) => s.id === "api")?.detail?.contentType).toMatch(/text\/html/);
  });

  it("reports rate_limited with Microsoft's Retry-After", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, {
      kind: "rate_limit",
      retryAfterSeconds: 42,
      target: "api",
    });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("rate_limited");
    expect(report.error?.message).toContain("42 s");
    expect(report.error?.detail?.retryAfterSeconds).toBe(42);
  });

  it("reports rate_limited when Entra itself throttles the token request", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, {
      kind: "rate_limit",
      retryAfterSeconds: 5,
      target: "token",
    });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("rate_limited");
  });

  it("reports wrong_cloud when Defender refuses the token's audience (401)", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "unauthorized", target: "api" });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("wrong_cloud");
    expect(report.error?.detail?.httpStatus).toBe(401);
  });

  it("reports upstream_error on a Defender 500", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "server_error", target: "api" });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("upstream_error");
    expect(report.error?.detail?.httpStatus).toBe(500);
  });

  it("reports upstream_error when the token endpoint answers with a non-JSON page", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "non_json", target: "token" });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("upstream_error");
  });

  it("reports wrong_endpoint when the API answers 200 with HTML", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "non_json", target: "api" });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("wrong_endpoint");
  });

  it("reports timeout when Microsoft answers later than Patchbay's per-call bound", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "slow", delayMs: 5_000, target: "api" });
    const report = await test(body("faults"));
    // The simulator does answer, after 5 s: only Patchbay's own 1.5 s bound can make this a timeout (no wall-clock
    // assertion here; these machines are noisy).
    expect(report.error?.code).toBe("timeout");
  });

  it("reports timeout when the token request is slow", async () => {
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "slow", delayMs: 5_000, target: "token" });
    const report = await test(body("faults"));
    expect(report.error?.code).toBe("timeout");
    expect(report.steps.find((s) => s.id === "token")?.status).toBe("failed");
  });
});

describe("network failures", () => {
  it("reports endpoint_unreachable when nothing listens at the Base URL", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createNetServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        const free = typeof address === "object" && address !== null ? address.port : 0;
        server.close(() => resolve(free));
      });
    });
    const closed = `127.0.0.1:${port}`;
    const other = await createTestApp({
      PATCHBAY_EXTRA_DEFENDER_HOSTS: `${sim.hostPort},${closed}`,
    });
    try {
      const response = await other.inject({
        method: "POST",
        url: "/api/integrations/test",
        payload: body("healthy", { baseUrl: `https://${closed}` }),
      });
      const report = verificationReportSchema.parse(response.json());
      expect(report.error?.code).toBe("endpoint_unreachable");
      expect(report.error?.message).toContain(closed);
      expect(report.error?.detail?.systemCode).toBe("ECONNREFUSED");
    } finally {
      await other.app.close();
    }
  });

  it("reports tls_error when the Base URL's certificate is not trusted", async () => {
    const untrusted = await ensureCertificate(await mkdtemp(join(tmpdir(), "patchbay-untrusted-")));
    const server = createServer({ cert: untrusted.cert, key: untrusted.key }, (_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const hostPort = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    const other = await createTestApp({ PATCHBAY_EXTRA_DEFENDER_HOSTS: `${sim.hostPort},${hostPort}` });
    try {
      const response = await other.inject({
        method: "POST",
        url: "/api/integrations/test",
        payload: body("healthy", { baseUrl: `https://${hostPort}` }),
      });
      const report = verificationReportSchema.parse(response.json());
      expect(report.error?.code).toBe("tls_error");
      expect(report.error?.remediation).toContain("NODE_EXTRA_CA_CERTS");
    } finally {
      await other.app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
