import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { VerificationReport } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { erasedSecret, makeIntegration } from "../integration-fixtures";
import { type SaveSecretResult, SecretSection } from "./secret-section";

const [defender] = partnerCatalog();
const NEW_SECRET = "xyz8Q~anotherFakeSecretValue.0987654321";

const failedReport: VerificationReport = {
  ok: false,
  status: "error",
  checkedAt: "2025-11-22T10:00:00.000Z",
  durationMs: 300,
  cloud: "commercial",
  steps: [
    {
      id: "token",
      label: "Token",
      status: "failed",
      message: "Entra ID refused the App Secret.",
      remediation: "Paste the secret's Value, not its ID.",
      durationMs: 300,
    },
  ],
  permissions: { required: [], granted: [], missing: [], unused: [] },
  warnings: [],
  features: [],
};

describe("SecretSection", () => {
  it("shows a configured secret as fingerprint and date, never a value", () => {
    render(<SecretSection partner={defender} integration={makeIntegration()} onSaveSecret={vi.fn()} />);
    expect(screen.getByText(/^Configured · 3f9a0c1d2e4b · /)).toBeInTheDocument();
    expect(screen.queryByLabelText("App Secret")).not.toBeInTheDocument();
  });

  it("replaces the secret with only the new value", async () => {
    const user = userEvent.setup();
    const onSaveSecret = vi.fn(async (): Promise<SaveSecretResult> => ({ ok: true }));
    render(<SecretSection partner={defender} integration={makeIntegration()} onSaveSecret={onSaveSecret} />);
    await user.click(screen.getByRole("button", { name: "Replace" }));
    const field = screen.getByLabelText("App Secret");
    expect(field).toHaveFocus();
    expect(field).toHaveValue("");
    expect(field).toHaveAttribute("type", "password");
    await user.type(field, NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Save new secret" }));
    expect(onSaveSecret).toHaveBeenCalledWith(NEW_SECRET);
    expect(screen.queryByLabelText("App Secret")).not.toBeInTheDocument();
  });

  it("keeps the stored secret when saved blank", async () => {
    const user = userEvent.setup();
    const onSaveSecret = vi.fn();
    render(<SecretSection partner={defender} integration={makeIntegration()} onSaveSecret={onSaveSecret} />);
    await user.click(screen.getByRole("button", { name: "Replace" }));
    await user.click(screen.getByRole("button", { name: "Save new secret" }));
    expect(onSaveSecret).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Replace" })).toBeInTheDocument();
  });

  it("refuses a secret ID before sending anything", async () => {
    const user = userEvent.setup();
    const onSaveSecret = vi.fn();
    render(<SecretSection partner={defender} integration={makeIntegration()} onSaveSecret={onSaveSecret} />);
    await user.click(screen.getByRole("button", { name: "Replace" }));
    await user.type(screen.getByLabelText("App Secret"), "0f8fad5b-d9cb-469f-a165-70867728950e");
    await user.click(screen.getByRole("button", { name: "Save new secret" }));
    expect(onSaveSecret).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent(/looks like the secret's ID/);
  });

  it("shows the checklist when the new secret fails verification, and keeps the form open", async () => {
    const user = userEvent.setup();
    const onSaveSecret = vi.fn(async (): Promise<SaveSecretResult> => ({ ok: false, report: failedReport }));
    render(<SecretSection partner={defender} integration={makeIntegration()} onSaveSecret={onSaveSecret} />);
    await user.click(screen.getByRole("button", { name: "Replace" }));
    await user.type(screen.getByLabelText("App Secret"), NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Save new secret" }));
    expect(await screen.findByText(/failed verification. Nothing was changed/)).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Verification steps" })).toHaveTextContent(/Entra ID refused/);
    expect(screen.getByLabelText("App Secret")).toBeInTheDocument();
  });

  it("shows Not configured and no Replace once disconnected", () => {
    render(
      <SecretSection
        integration={makeIntegration({
          status: "disconnected",
          secret: erasedSecret,
          disconnectedAt: "2025-11-22T10:00:00.000Z",
        })}
        onSaveSecret={vi.fn()}
      />,
    );
    expect(screen.getByText("Not configured")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Replace" })).not.toBeInTheDocument();
  });

  it("shows a viewer Replace disabled, with the reason", async () => {
    render(
      <SecretSection
        integration={makeIntegration()}
        onSaveSecret={vi.fn()}
        readOnlyReason="Viewers can't make changes. Ask an admin."
      />,
    );
    const replace = screen.getByRole("button", { name: "Replace" });
    expect(replace).toBeDisabled();
    expect(replace).toHaveAccessibleDescription("Viewers can't make changes. Ask an admin.");
    expect(screen.getByText("Viewers can't make changes. Ask an admin.")).toBeVisible();
  });
});
