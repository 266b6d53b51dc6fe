import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { auditPageSchema } from "../../../shared/auth";
import { partnersResponseSchema } from "../../../shared/catalog";
import {
  integrationSchema,
  type VerificationReport,
  verificationReportSchema,
} from "../../../shared/contract";
import { defenderFeatureIds } from "../../../shared/partners/defender";
import { SIM_SEED, type SimScenarioName } from "../../../simulator/seed";
import { createTestApp, type TestApp } from "../../../test/test-app";

/** One app registration, every use-case (issue 7): each feature's outcome against the simulator's tenants. */

let t: TestApp;
let simulatorStartedAt: Date;
beforeAll(async () => {
  t = await createTestApp();
  const health = z
    .object({ startedAt: z.iso.datetime() })
    .parse(await (await fetch(`${t.simulator.origin}/__simulator/health`)).json());
  simulatorStartedAt = new Date(health.startedAt);
});
afterAll(async () => {
  await t.app.close();
});

const DAY = 86_400_000;
const dayAfterStart = (days: number) => new Date(simulatorStartedAt.getTime() + days * DAY).toISOString();

function body(name: SimScenarioName, features: readonly string[], extra: Record<string, unknown> = {}) {
  const s = SIM_SEED[name];
  return {
    partner: "defender",
    baseUrl: t.simulator.origin,
    tenantId: s.tenantId,
    appId: s.appId,
    appSecret: s.appSecret,
    features,
    ...extra,
  };
}

async function test(payload: object): Promise<VerificationReport> {
  const response = await t.inject({ method: "POST", url: "/api/integrations/test", payload });
  expect(response.statusCode, response.body).toBe(200);
  return verificationReportSchema.parse(response.json());
}

const statusOf = (report: VerificationReport) =>
  Object.fromEntries(report.features.map((f) => [f.id, f.status]));

describe("features on one app registration", () => {
  it("shows every feature working for the app granted all of them, with the secret's expiry read from Graph", async () => {
    const report = await test(body("allFeatures", defenderFeatureIds, { probeAll: true }));
    expect(report.status, JSON.stringify(report.error)).toBe("connected");
    expect(statusOf(report)).toEqual(Object.fromEntries(defenderFeatureIds.map((id) => [id, "working"])));
    expect(report.permissions.missing).toEqual([]);
    expect(report.permissions.unused).toEqual([]);
    // Matched by hint: the older secret of this app ends sooner, and must not be taken for the one in use.
    expect(report.secretExpiry).toMatchObject({ match: "unique", expiresAt: dayAfterStart(400) });
    expect(report.steps.map((s) => [s.id, s.status])).toContainEqual(["expiry", "ok"]);
    // Permissions name their API as the Entra portal does.
    expect(report.permissions.granted).toContainEqual({
      name: "Incident.Read.All",
      api: "Microsoft Threat Protection",
    });
    expect(report.permissions.granted).toContainEqual({
      name: "ThreatHunting.Read.All",
      api: "Microsoft Graph",
    });
  });

  it("runs the hunting probes only on request (they spend the tenant's quota)", async () => {
    const report = await test(body("allFeatures", ["hunting", "graph-hunting"]));
    expect(statusOf(report)).toEqual({ hunting: "working", "graph-hunting": "working" });
    for (const feature of report.features) expect(feature.message).toContain("only on request");
  });

  it("is degraded, naming the features that do not work, when Graph and Threat Protection are not consented", async () => {
    const report = await test(body("graphNotConsented", ["alerts", "devices", "incidents", "intune"]));
    expect(report.status).toBe("degraded");
    expect(statusOf(report)).toEqual({
      alerts: "working",
      devices: "working",
      incidents: "permission_missing",
      intune: "permission_missing",
    });
    expect(report.features.find((f) => f.id === "incidents")?.missing).toEqual(["Incident.Read.All"]);
    expect(report.error?.code).toBe("permission_missing");
    expect(report.error?.message).toContain("Not working: incidents, intune");
    expect(report.error?.remediation).toContain("Microsoft Graph → Application permissions");
    expect(report.permissions.missing).toContainEqual({
      name: "Incident.Read.All",
      api: "Microsoft Threat Protection",
    });
  });

  it("reports Intune as not licensed, apart from a missing permission, while Entra devices work", async () => {
    const report = await test(body("intuneUnlicensed", ["intune", "entra-devices"]));
    expect(statusOf(report)).toEqual({ intune: "not_licensed", "entra-devices": "working" });
    expect(report.features.find((f) => f.id === "intune")).toMatchObject({
      code: "not_licensed",
      missing: [],
    });
    expect(report.status).toBe("degraded");
  });

  it("lists the roles no enabled feature needs as granted but unused", async () => {
    const report = await test(body("overPrivileged", ["alerts", "devices"]));
    expect(report.status).toBe("connected");
    expect(report.permissions.unused).toEqual(
      expect.arrayContaining([
        { name: "Machine.Offboard", api: "WindowsDefenderATP" },
        { name: "Machine.RestrictExecution", api: "WindowsDefenderATP" },
        { name: "File.Read.All", api: "WindowsDefenderATP" },
      ]),
    );
    expect(report.steps.find((s) => s.id === "permissions")?.message).toContain("Granted but unused");
  });

  it("takes the earliest end date when several secrets share the hint of the one in use", async () => {
    const report = await test(body("ambiguousSecretHint", ["secret-expiry"]));
    expect(report.secretExpiry).toMatchObject({ match: "ambiguous", expiresAt: dayAfterStart(20) });
    expect(report.secretExpiry?.message).toContain("2 of the app's secrets");
  });

  it("refuses an unknown feature id with a 400 naming features", async () => {
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations/test",
      payload: body("healthy", ["alerts", "teleport"]),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { fields: { "features.1": expect.stringContaining("alerts") } },
    });
  });
});

describe("secret expiry on a connection", () => {
  it("turns a connection whose secret expires in 5 days degraded, with the date and an audit entry", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body("secretExpiringSoon", ["alerts", "devices", "secret-expiry"]),
    });
    expect(created.statusCode, created.body).toBe(201);
    const integration = integrationSchema.parse(created.json());
    expect(integration.status).toBe("degraded");
    expect(integration.error?.code).toBe("secret_expiring");
    expect(integration.error?.message).toMatch(/in 5 days/);
    expect(integration.secret).toMatchObject({ expiresAt: dayAfterStart(5), expirySource: "graph" });
    const audit = auditPageSchema.parse(
      (
        await t.inject({
          method: "GET",
          url: `/api/audit?integrationId=${integration.id}&action=integration.secret_expiring`,
        })
      ).json(),
    );
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]?.message).toContain("7 days or less left");
    await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
  });

  it("takes an expiry date typed by an admin, warns on it, and forgets it when cleared", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: body("healthy", ["alerts"]),
    });
    const integration = integrationSchema.parse(created.json());
    expect(integration.secret).toMatchObject({ expiresAt: null, expirySource: null });
    try {
      const soon = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
      const typed = integrationSchema.parse(
        (
          await t.inject({
            method: "PATCH",
            url: `/api/integrations/${integration.id}`,
            payload: { secretExpiresAt: soon },
          })
        ).json(),
      );
      expect(typed.secret.expirySource).toBe("admin");
      expect(typed.secret.expiresAt?.slice(0, 10)).toBe(soon);
      expect(typed.status).toBe("degraded");
      expect(typed.error?.code).toBe("secret_expiring");
      // The warning due (14 days or less) is recorded once, by the change that made it due.
      const warnings = async () =>
        auditPageSchema.parse(
          (
            await t.inject({
              method: "GET",
              url: `/api/audit?integrationId=${integration.id}&action=integration.secret_expiring`,
            })
          ).json(),
        ).events;
      expect((await warnings()).map((e) => e.message)).toEqual([
        expect.stringContaining("14 days or less left"),
      ]);
      // A re-check keeps what the admin typed (Graph is not enabled to say otherwise).
      const checked = integrationSchema.parse(
        (await t.inject({ method: "POST", url: `/api/integrations/${integration.id}/check` })).json(),
      );
      expect(checked.secret.expirySource).toBe("admin");
      expect(await warnings()).toHaveLength(1);

      const past = await t.inject({
        method: "PATCH",
        url: `/api/integrations/${integration.id}`,
        payload: { secretExpiresAt: "2001-01-01" },
      });
      expect(past.statusCode).toBe(422);

      const cleared = integrationSchema.parse(
        (
          await t.inject({
            method: "PATCH",
            url: `/api/integrations/${integration.id}`,
            payload: { secretExpiresAt: null },
          })
        ).json(),
      );
      expect(cleared.secret).toMatchObject({ expiresAt: null, expirySource: null });
      expect(cleared.status).toBe("connected");
    } finally {
      await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
    }
  });
});

describe("GET /api/partners", () => {
  it("lists every permission either seed guide names, with its API and the feature that needs it, or why not", async () => {
    const catalog = partnersResponseSchema.parse(
      (await t.inject({ method: "GET", url: "/api/partners" })).json(),
    );
    const defender = catalog.partners.find((p) => p.id === "defender");
    const guide = defender?.permissionGuide ?? [];
    const seeds: [string, string][] = [
      // Prelude's combined Microsoft guide
      ["ThreatHunting.Read.All", "Microsoft Graph"],
      ["CustomDetection.ReadWrite.All", "Microsoft Graph"],
      ["DeviceManagementConfiguration.Read.All", "Microsoft Graph"],
      ["DeviceManagementManagedDevices.Read.All", "Microsoft Graph"],
      ["Device.Read.All", "Microsoft Graph"],
      ["User.Read", "Microsoft Graph"],
      ["Alert.Read.All", "WindowsDefenderATP"],
      ["Machine.Read.All", "WindowsDefenderATP"],
      ["Ti.ReadWrite.All", "WindowsDefenderATP"],
      ["Ti.Read.All", "WindowsDefenderATP"],
      // RAD Security's
      ["Incident.Read", "Microsoft Threat Protection"],
      ["Incident.Read.All", "Microsoft Threat Protection"],
      ["AdvancedQuery.Read.All", "WindowsDefenderATP"],
      ["Machine.Isolate", "WindowsDefenderATP"],
      ["Score.Read.All", "WindowsDefenderATP"],
      ["Software.Read.All", "WindowsDefenderATP"],
      ["Data.Read", "Application Insights"],
      ["user_impersonation", "Azure Service Management"],
      ["Application.Read.All", "Microsoft Graph"],
    ];
    for (const [name, api] of seeds) {
      const entry = guide.find((g) => g.name === name && g.api === api);
      expect(entry, `${api} ${name}`).toBeDefined();
      expect(entry?.feature !== null || /Not needed by Patchbay/.test(entry?.note ?? ""), name).toBe(true);
    }
    for (const delegated of ["User.Read", "user_impersonation"]) {
      expect(guide.find((g) => g.name === delegated)).toMatchObject({ kind: "delegated", feature: null });
    }
  });
});
