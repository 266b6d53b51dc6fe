import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { VerificationReport } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { defenderPermission, graphPermission } from "../integration-fixtures";
import { VerificationChecklist } from "./verification-checklist";

const DAY_MS = 24 * 3600 * 1000;

const report: VerificationReport = {
  ok: false,
  status: "error",
  checkedAt: "2025-11-22T10:00:00.000Z",
  durationMs: 812,
  cloud: "commercial",
  steps: [
    { id: "input", label: "Input", status: "ok", message: "The values are well-formed.", durationMs: 0 },
    { id: "cloud", label: "Cloud", status: "ok", message: "Commercial cloud.", durationMs: 0 },
    {
      id: "token",
      label: "Token",
      status: "failed",
      code: "secret_expired",
      message: "The App Secret has expired.",
      remediation: "Create a new secret in Certificates & secrets and paste its Value.",
      detail: { aadstsCode: "AADSTS7000222", traceId: "trace-1", correlationId: "corr-1", httpStatus: 401 },
      durationMs: 640,
    },
    { id: "permissions", label: "Permissions", status: "skipped", message: "Needs a token.", durationMs: 0 },
    { id: "api", label: "Defender API", status: "skipped", message: "Needs a token.", durationMs: 0 },
  ],
  permissions: {
    required: [defenderPermission("Machine.Read.All"), defenderPermission("Alert.Read.All")],
    granted: [],
    missing: [],
    unused: [],
  },
  warnings: [],
  features: [],
};

describe("VerificationChecklist", () => {
  it("lists every step in order with its status as a word", () => {
    render(<VerificationChecklist report={report} />);
    const steps = within(screen.getByRole("list", { name: "Verification steps" })).getAllByRole("listitem");
    expect(steps).toHaveLength(5);
    expect(steps[0]).toHaveTextContent(/Input\s*OK/);
    expect(steps[2]).toHaveTextContent(/Token\s*Failed/);
    expect(steps[4]).toHaveTextContent(/Defender API\s*Skipped/);
  });

  it("shows the failure's message, remediation and support details with a Copy button", async () => {
    const user = userEvent.setup();
    render(<VerificationChecklist report={report} />);
    expect(screen.getByText("The App Secret has expired.")).toBeInTheDocument();
    expect(screen.getByText(/Create a new secret in Certificates & secrets/)).toBeInTheDocument();

    await user.click(screen.getByText("Details for support"));
    expect(screen.getByText("AADSTS code")).toBeInTheDocument();
    expect(screen.getByText("AADSTS7000222")).toBeVisible();
    expect(screen.getByText("Correlation ID")).toBeInTheDocument();
    expect(screen.getByText("401")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Copy details for support" }));
    await expect(navigator.clipboard.readText()).resolves.toContain("Trace ID: trace-1");
  });

  it("marks permissions as not checked when no token was issued, and granted or missing when it was", () => {
    const { rerender } = render(<VerificationChecklist report={report} />);
    const permissions = () => screen.getByRole("list", { name: "Permissions found in the token" });
    expect(within(permissions()).getAllByText("Not checked")).toHaveLength(2);

    rerender(
      <VerificationChecklist
        report={{
          ...report,
          status: "degraded",
          permissions: {
            required: [defenderPermission("Machine.Read.All"), defenderPermission("Alert.Read.All")],
            granted: [defenderPermission("Machine.Read.All")],
            missing: [defenderPermission("Alert.Read.All")],
            unused: [],
          },
        }}
      />,
    );
    const defender = within(permissions()).getByRole("list", { name: "WindowsDefenderATP permissions" });
    const [machines, alerts] = within(defender).getAllByRole("listitem");
    expect(machines).toHaveTextContent(/Machine\.Read\.All\s*Granted/);
    expect(alerts).toHaveTextContent(/Alert\.Read\.All\s*Missing/);
  });

  it("shows the server's warnings", () => {
    render(
      <VerificationChecklist
        report={{ ...report, warnings: [{ field: "appId", message: "App ID is the same as Tenant ID." }] }}
      />,
    );
    expect(
      within(screen.getByRole("list", { name: "Warnings" })).getByText(/same as Tenant ID/),
    ).toBeInTheDocument();
  });

  it("groups permissions by API, and lists the ones granted but unused apart", () => {
    const [partner] = partnerCatalog();
    render(
      <VerificationChecklist
        partner={partner}
        report={{
          ...report,
          ok: true,
          status: "connected",
          permissions: {
            required: [graphPermission("Application.Read.All"), defenderPermission("Alert.Read.All")],
            granted: [graphPermission("Application.Read.All"), defenderPermission("Alert.Read.All")],
            missing: [],
            unused: [defenderPermission("Machine.Isolate")],
          },
        }}
      />,
    );
    const required = screen.getByRole("list", { name: "Permissions found in the token" });
    const groups = within(required).getAllByRole("list");
    // The catalog's order of APIs: WindowsDefenderATP before Microsoft Graph, whatever order the report used.
    expect(groups.map((group) => group.getAttribute("aria-label"))).toEqual([
      "WindowsDefenderATP permissions",
      "Microsoft Graph permissions",
    ]);
    expect(within(groups[1] as HTMLElement).getByRole("listitem")).toHaveTextContent(
      /Application\.Read\.All\s*Granted/,
    );
    expect(required).not.toHaveTextContent("Machine.Isolate");

    const unused = screen.getByRole("list", { name: "Granted but unused" });
    const unusedDefender = within(unused).getByRole("list", { name: "WindowsDefenderATP permissions" });
    expect(within(unusedDefender).getByRole("listitem")).toHaveTextContent(/Machine\.Isolate\s*Unused/);
    expect(screen.getByText(/remove them .* to limit what this secret can do/)).toBeInTheDocument();
  });

  it("shows each feature's result with its label, status word, message and missing permissions", () => {
    const [partner] = partnerCatalog();
    render(
      <VerificationChecklist
        partner={partner}
        report={{
          ...report,
          features: [
            {
              id: "alerts",
              api: "WindowsDefenderATP",
              status: "working",
              missing: [],
              message: "Read one alert.",
            },
            {
              id: "incidents",
              api: "Microsoft Threat Protection",
              status: "permission_missing",
              missing: ["Incident.Read.All"],
              code: "permission_missing",
              message: "The app lacks Incident.Read.All.",
            },
            {
              id: "intune",
              api: "Microsoft Graph",
              status: "not_licensed",
              missing: [],
              message: "The tenant has no Microsoft Intune licence.",
            },
            {
              id: "exposure",
              api: "WindowsDefenderATP",
              status: "failed",
              missing: [],
              message: "Timed out.",
            },
          ],
        }}
      />,
    );
    const results = within(screen.getByRole("list", { name: "Feature results" })).getAllByRole("listitem");
    expect(results).toHaveLength(4);
    expect(results[0]).toHaveTextContent(/Alerts\s*Working/);
    expect(results[1]).toHaveTextContent(/Incidents\s*Permission missing/);
    expect(results[1]).toHaveTextContent(/Missing: Incident\.Read\.All/);
    expect(results[2]).toHaveTextContent(/Intune devices and configuration\s*Not licensed/);
    expect(results[3]).toHaveTextContent(/Exposure score\s*Failed/);
    expect(results[3]).toHaveTextContent("Timed out.");
  });

  it("shows what verification learnt of the secret's expiry", () => {
    const expiresAt = new Date(Date.now() + 208 * DAY_MS - 60_000).toISOString();
    render(
      <VerificationChecklist
        report={{
          ...report,
          secretExpiry: {
            expiresAt,
            match: "ambiguous",
            message: "Two secrets start with the same characters; the earlier expiry is shown.",
          },
        }}
      />,
    );
    expect(screen.getByText(/Expires on/)).toHaveTextContent(/\(in 208 days\)/);
    expect(screen.getByText(/Two secrets start with the same characters/)).toBeInTheDocument();
  });
});
