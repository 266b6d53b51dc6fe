import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Integration, VerificationReport } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { erasedSecret, makeIntegration } from "../integration-fixtures";
import { FeaturesSection, type SaveFeaturesResult } from "./features-section";

const VIEWER_REASON = "Viewers can't make changes. Ask an admin.";

function defender() {
  const [entry] = partnerCatalog();
  if (!entry) throw new Error("The catalog has no Defender entry.");
  return entry;
}

const withIncidents = makeIntegration({
  status: "degraded",
  config: { ...makeIntegration().config, features: ["alerts", "devices", "incidents", "secret-expiry"] },
  features: [
    { id: "alerts", api: "WindowsDefenderATP", status: "working", missing: [], message: "Read one alert." },
    { id: "devices", api: "WindowsDefenderATP", status: "working", missing: [], message: "Read one device." },
    {
      id: "incidents",
      api: "Microsoft Threat Protection",
      status: "permission_missing",
      missing: ["Incident.Read.All"],
      code: "permission_missing",
      message: "The app lacks Incident.Read.All on Microsoft Threat Protection.",
    },
  ],
});

function setup(
  integration: Integration = withIncidents,
  {
    onSaveFeatures = vi.fn(async (): Promise<SaveFeaturesResult> => ({ ok: true })),
    readOnlyReason,
  }: {
    onSaveFeatures?: (features: string[]) => Promise<SaveFeaturesResult>;
    readOnlyReason?: string;
  } = {},
) {
  const user = userEvent.setup();
  render(
    <FeaturesSection
      integration={integration}
      partner={defender()}
      onSaveFeatures={onSaveFeatures}
      readOnlyReason={readOnlyReason}
    />,
  );
  return { user, onSaveFeatures };
}

describe("FeaturesSection", () => {
  it("lists each enabled feature's result with status word, message and missing permissions", () => {
    setup();
    const results = within(screen.getByRole("list", { name: "Feature results" })).getAllByRole("listitem");
    expect(results).toHaveLength(4);
    expect(results[0]).toHaveTextContent(/Alerts\s*Working/);
    expect(results[2]).toHaveTextContent(/Incidents\s*Permission missing\s*Microsoft Threat Protection/);
    expect(results[2]).toHaveTextContent("The app lacks Incident.Read.All on Microsoft Threat Protection.");
    expect(results[2]).toHaveTextContent("Missing: Incident.Read.All");
    // Enabled, but the last verification has no result for it (e.g. it ran before the feature was enabled).
    expect(results[3]).toHaveTextContent(/Secret expiry\s*Not checked yet/);
  });

  it("manages the features with the Connect checkboxes, starting from the enabled ones", async () => {
    const { user, onSaveFeatures } = setup();
    await user.click(screen.getByRole("button", { name: "Manage features" }));
    const form = screen.getByRole("form", { name: "Manage features" });
    const checked = within(form)
      .getAllByRole("checkbox")
      .filter((box) => (box as HTMLInputElement).checked)
      .map((box) => box.getAttribute("value"));
    expect(checked).toEqual(["alerts", "devices", "incidents", "secret-expiry"]);
    expect(within(form).getByRole("checkbox", { name: "Alerts" })).toHaveFocus();

    await user.click(within(form).getByRole("checkbox", { name: "Incidents" }));
    await user.click(within(form).getByRole("checkbox", { name: "Exposure score" }));
    await user.click(within(form).getByRole("button", { name: "Save features" }));

    expect(onSaveFeatures).toHaveBeenCalledWith(["alerts", "devices", "exposure", "secret-expiry"]);
    expect(screen.queryByRole("form", { name: "Manage features" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Manage features" })).toHaveFocus();
  });

  it("refuses to save no feature at all, announcing why", async () => {
    const { user, onSaveFeatures } = setup(makeIntegration());
    await user.click(screen.getByRole("button", { name: "Manage features" }));
    await user.click(screen.getByRole("checkbox", { name: "Alerts" }));
    await user.click(screen.getByRole("checkbox", { name: "Devices" }));
    await user.click(screen.getByRole("button", { name: "Save features" }));
    expect(onSaveFeatures).not.toHaveBeenCalled();
    expect(await screen.findByRole("alert")).toHaveTextContent("Choose at least one feature.");
  });

  it("keeps the form open with the checklist when the new features fail verification", async () => {
    const report: VerificationReport = {
      ok: false,
      status: "error",
      checkedAt: "2025-11-22T10:00:00.000Z",
      durationMs: 200,
      cloud: "commercial",
      steps: [
        {
          id: "token",
          label: "Sign in to Microsoft Entra ID",
          status: "failed",
          message: "Entra ID refused the secret.",
          durationMs: 200,
        },
      ],
      permissions: { required: [], granted: [], missing: [], unused: [] },
      warnings: [],
      features: [],
    };
    const { user } = setup(makeIntegration(), {
      onSaveFeatures: vi.fn(async (): Promise<SaveFeaturesResult> => ({ ok: false, report })),
    });
    await user.click(screen.getByRole("button", { name: "Manage features" }));
    await user.click(screen.getByRole("checkbox", { name: "Indicators" }));
    await user.click(screen.getByRole("button", { name: "Save features" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/failed verification\. Nothing was changed/);
    expect(screen.getByRole("list", { name: "Verification steps" })).toHaveTextContent("Entra ID refused");
    expect(screen.getByRole("form", { name: "Manage features" })).toBeInTheDocument();
  });

  it("closes the form on Cancel without saving", async () => {
    const { user, onSaveFeatures } = setup();
    await user.click(screen.getByRole("button", { name: "Manage features" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onSaveFeatures).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Manage features" })).toHaveFocus();
  });

  it("shows a viewer Manage features disabled, with the reason", () => {
    setup(withIncidents, { readOnlyReason: VIEWER_REASON });
    const manage = screen.getByRole("button", { name: "Manage features" });
    expect(manage).toBeDisabled();
    expect(manage).toHaveAccessibleDescription(VIEWER_REASON);
    expect(screen.getByRole("list", { name: "Feature results" })).toBeInTheDocument();
  });

  it("offers no Manage features once disconnected", () => {
    setup(
      makeIntegration({
        status: "disconnected",
        secret: erasedSecret,
        disconnectedAt: "2025-11-22T10:00:00.000Z",
      }),
    );
    expect(screen.queryByRole("button", { name: "Manage features" })).not.toBeInTheDocument();
  });
});
