import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { VerificationReport } from "../../../../shared/contract";
import { VerificationChecklist } from "./verification-checklist";

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
  permissions: { required: ["Machine.Read.All", "Alert.Read.All"], granted: [], missing: [] },
  warnings: [],
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
            required: ["Machine.Read.All", "Alert.Read.All"],
            granted: ["Machine.Read.All"],
            missing: ["Alert.Read.All"],
          },
        }}
      />,
    );
    const [machines, alerts] = within(permissions()).getAllByRole("listitem");
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
});
