import { render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { VerificationReport } from "../../../../shared/contract";
import { defenderPermission } from "../integration-fixtures";
import { ConnectOutcome, type ConnectOutcomeState } from "./connect-outcome";

function renderOutcome(outcome: ConnectOutcomeState) {
  const router = createMemoryRouter([{ path: "/", element: <ConnectOutcome outcome={outcome} /> }]);
  render(<RouterProvider router={router} />);
}

const passed: VerificationReport = {
  ok: true,
  status: "connected",
  checkedAt: "2025-11-22T10:00:00.000Z",
  durationMs: 500,
  cloud: "commercial",
  steps: [{ id: "api", label: "Defender API", status: "ok", message: "Read one device.", durationMs: 200 }],
  permissions: {
    required: [defenderPermission("Alert.Read.All"), defenderPermission("Machine.Read.All")],
    granted: [defenderPermission("Alert.Read.All"), defenderPermission("Machine.Read.All")],
    missing: [],
    unused: [],
  },
  warnings: [],
  features: [],
};

describe("ConnectOutcome", () => {
  it("says a passing test stored nothing, and focuses the result", () => {
    renderOutcome({ kind: "tested", report: passed });
    const heading = screen.getByRole("heading", { name: "Test result" });
    expect(heading).toHaveFocus();
    expect(screen.getByText("All checks passed.")).toBeInTheDocument();
    expect(screen.getByText(/Nothing was stored. Choose Connect/)).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Verification steps" })).toBeInTheDocument();
  });

  it("links to the existing connection on a conflict", () => {
    renderOutcome({
      kind: "conflict",
      message: "This tenant and app are already connected.",
      integrationId: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
    });
    expect(screen.getByText(/already connected/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the existing connection" })).toHaveAttribute(
      "href",
      "/integrations/6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
    );
  });

  it("shows a request failure as an alert", () => {
    renderOutcome({ kind: "error", message: "Patchbay's server could not be reached." });
    expect(screen.getByRole("alert")).toHaveTextContent("Patchbay's server could not be reached.");
  });
});
