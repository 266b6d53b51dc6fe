import { describe, expect, it } from "vitest";
import { type Integration, integrationSchema, type VerificationReport } from "../shared/contract";
import { expiryText, permissionText, renderChecklist, renderDetail } from "./render";

/**
 * The text `partner status`, `attach`, `test` and `check` print, from objects parsed by the shared schemas (the
 * end-to-end feature outcomes come from the server; these prove how the CLI shows them).
 */

const NOW = new Date("2026-12-04T12:00:00.000Z");

const defender = (name: string) => ({ name, api: "WindowsDefenderATP" });
const graph = (name: string) => ({ name, api: "Microsoft Graph" });

function integration(overrides: Record<string, unknown> = {}): Integration {
  return integrationSchema.parse({
    id: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
    partner: "defender",
    name: "Contoso production",
    status: "degraded",
    config: {
      baseUrl: "https://api.security.microsoft.com",
      tenantId: "11111111-2222-3333-4444-555555555555",
      appId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      cloud: "commercial",
      features: ["alerts", "incidents", "secret-expiry", "exposure"],
    },
    secret: {
      configured: true,
      fingerprint: "3f9a0c1d2e4b",
      updatedAt: "2025-11-20T09:30:00.000Z",
      expiresAt: "2027-06-30T00:00:00.000Z",
      expirySource: "graph",
    },
    features: [
      { id: "alerts", api: "WindowsDefenderATP", status: "working", missing: [], message: "Read one alert." },
      {
        id: "incidents",
        api: "Microsoft Threat Protection",
        status: "permission_missing",
        missing: ["Incident.Read.All"],
        message: "The app lacks Incident.Read.All.",
      },
      {
        id: "secret-expiry",
        api: "Microsoft Graph",
        status: "working",
        missing: [],
        message: "Read the expiry.",
      },
    ],
    permissions: {
      required: [
        defender("Alert.Read.All"),
        { name: "Incident.Read.All", api: "Microsoft Threat Protection" },
      ],
      granted: [defender("Alert.Read.All"), graph("Application.Read.All")],
      missing: [{ name: "Incident.Read.All", api: "Microsoft Threat Protection" }],
      unused: [defender("Machine.Isolate"), graph("User.Read.All")],
    },
    lastCheckedAt: "2026-12-04T11:00:00.000Z",
    lastSuccessAt: "2026-12-04T11:00:00.000Z",
    error: null,
    lastReport: null,
    createdAt: "2025-11-20T09:30:00.000Z",
    updatedAt: "2026-12-04T11:00:00.000Z",
    disconnectedAt: null,
    ...overrides,
  });
}

describe("partner status text", () => {
  it("shows the secret expiry with days left and where Patchbay learnt it", () => {
    const lines = renderDetail(integration(), NOW);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}Secret expiry +expires 2027-06-30 \(in 208 days, read from Microsoft Graph\)$/,
      ),
    );
    expect(expiryText("2026-12-01T00:00:00.000Z", "admin", NOW)).toBe(
      "expired 2026-12-01 (3 days ago, typed by an admin)",
    );
    expect(expiryText("2026-12-05T00:00:00.000Z", null, NOW)).toBe("expires 2026-12-05 (in 1 day)");
    expect(expiryText(null, null, NOW)).toBe("unknown");
  });

  it("lists every enabled feature with its status, and what each lacks", () => {
    const text = renderDetail(integration(), NOW).join("\n");
    expect(text).toMatch(/^ {2}Features +alerts, incidents, secret-expiry, exposure$/m);
    expect(text).toMatch(/^ {2}\[working\] +Alerts +Read one alert\.$/m);
    expect(text).toMatch(/^ {2}\[permission missing\] +Incidents +The app lacks Incident\.Read\.All\.$/m);
    expect(text).toMatch(/^ +Missing: Incident\.Read\.All$/m);
    expect(text).toMatch(/^ {2}\[working\] +Secret expiry +Read the expiry\.$/m);
    // Enabled after the last verification: no result yet.
    expect(text).toMatch(/^ {2}\[not checked\] +Exposure score$/m);
  });

  it("names each permission's API and lists the unused ones with why to remove them", () => {
    const text = renderDetail(integration(), NOW).join("\n");
    expect(text).toMatch(
      /^ {2}Granted +Alert\.Read\.All \(WindowsDefenderATP\); Application\.Read\.All \(Microsoft Graph\)$/m,
    );
    expect(text).toMatch(/^ {2}Missing +Incident\.Read\.All \(Microsoft Threat Protection\)$/m);
    expect(text).toContain(
      "Unused        Machine.Isolate (WindowsDefenderATP); User.Read.All (Microsoft Graph) — granted but unused; remove them to limit what this secret can do",
    );
    expect(permissionText([])).toBe("none");
  });

  it("leaves features and expiry out once disconnected, and says the expiry is unknown when it is", () => {
    const gone = renderDetail(
      integration({
        status: "disconnected",
        secret: {
          configured: false,
          fingerprint: null,
          updatedAt: null,
          expiresAt: null,
          expirySource: null,
        },
        disconnectedAt: "2026-12-04T11:30:00.000Z",
      }),
      NOW,
    ).join("\n");
    expect(gone).not.toContain("Secret expiry");
    expect(gone).not.toContain("[working]");

    const unknown = integration({
      secret: { configured: true, fingerprint: "3f9a0c1d2e4b", updatedAt: null },
    });
    expect(renderDetail(unknown, NOW)).toContainEqual(expect.stringMatching(/^ {2}Secret expiry +unknown$/));
  });
});

describe("verification checklist text", () => {
  it("adds how each feature fared, the unused permissions and the secret expiry message", () => {
    const report: VerificationReport = {
      ok: true,
      status: "degraded",
      checkedAt: "2026-12-04T12:00:00.000Z",
      durationMs: 900,
      cloud: "commercial",
      steps: [{ id: "api", label: "Read from the APIs", status: "ok", message: "Read.", durationMs: 300 }],
      permissions: { required: [], granted: [], missing: [], unused: [defender("Machine.Isolate")] },
      warnings: [],
      features: [
        {
          id: "intune",
          api: "Microsoft Graph",
          status: "not_licensed",
          missing: [],
          message: "No Intune licence.",
        },
      ],
      secretExpiry: {
        expiresAt: null,
        match: "none",
        message: "No secret of this app matched the one in use.",
      },
    };
    const text = renderChecklist(report).join("\n");
    expect(text).toMatch(
      /^Features:\n {2}\[not licensed\] +Intune devices and configuration +No Intune licence\.$/m,
    );
    expect(text).toContain(
      "Unused permissions: Machine.Isolate (WindowsDefenderATP) (granted but unused; remove them to limit what this secret can do)",
    );
    expect(text).toContain("Secret expiry: unknown. No secret of this app matched the one in use.");
  });
});
