import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { makeIntegration } from "../integration-fixtures";
import { IntegrationStatus } from "./integration-status";

const [defender] = partnerCatalog();

describe("IntegrationStatus", () => {
  it("explains an error with what to do and details for support", async () => {
    const user = userEvent.setup();
    render(
      <IntegrationStatus
        partner={defender}
        integration={makeIntegration({
          status: "error",
          error: {
            code: "secret_expired",
            message: "The App Secret has expired.",
            remediation: "Create a new client secret and use Replace.",
            detail: { correlationId: "corr-9" },
          },
        })}
      />,
    );
    expect(screen.getByText("The App Secret has expired.")).toBeInTheDocument();
    expect(screen.getByText(/Create a new client secret and use Replace/)).toBeInTheDocument();
    await user.click(screen.getByText("Details for support"));
    expect(screen.getByText("corr-9")).toBeVisible();
  });

  it("shows last checked and last success as machine-readable times", () => {
    const { container } = render(
      <IntegrationStatus partner={defender} integration={makeIntegration({ lastSuccessAt: null })} />,
    );
    expect(container.querySelector('time[datetime="2025-11-22T09:00:00.000Z"]')).toBeInTheDocument();
    expect(screen.getByText("Last success").nextElementSibling).toHaveTextContent("Never");
  });

  it("says what Disconnect erased and kept", () => {
    render(
      <IntegrationStatus
        partner={defender}
        integration={makeIntegration({ status: "disconnected", disconnectedAt: "2025-11-22T10:00:00.000Z" })}
      />,
    );
    expect(screen.getByText(/App Secret was erased/)).toBeInTheDocument();
    expect(screen.getByText("Disconnected", { selector: "dt" })).toBeInTheDocument();
  });
});
