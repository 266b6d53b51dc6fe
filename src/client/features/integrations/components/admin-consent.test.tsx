import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Integration } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { erasedSecret, makeIntegration } from "../integration-fixtures";
import { AdminConsent } from "./admin-consent";

const TENANT = "11111111-2222-3333-4444-555555555555";
const APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

function setup(integration: Integration, readOnlyReason?: string, recheckPending = false) {
  const user = userEvent.setup();
  const onRecheck = vi.fn();
  render(
    <AdminConsent
      integration={integration}
      partner={partnerCatalog()[0]}
      onRecheck={onRecheck}
      recheckPending={recheckPending}
      readOnlyReason={readOnlyReason}
    />,
  );
  return { user, onRecheck };
}

describe("AdminConsent", () => {
  it("links to the tenant's admin consent for this app, in a new tab", () => {
    setup(makeIntegration());
    const link = screen.getByRole("link", { name: /^Grant admin consent/ });
    expect(link).toHaveAttribute(
      "href",
      `https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${APP}`,
    );
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(link).toHaveAccessibleName(/opens in a new tab/);
    expect(screen.getByText(/grants exactly the permissions the app registration lists/)).toBeInTheDocument();
  });

  it("signs in at the connection's cloud: GCC High uses login.microsoftonline.us", () => {
    setup(
      makeIntegration({
        config: {
          baseUrl: "https://api-gov.securitycenter.microsoft.us",
          tenantId: TENANT,
          appId: APP,
          cloud: "gcc-high",
          features: ["alerts", "devices"],
        },
      }),
    );
    expect(screen.getByRole("link", { name: /^Grant admin consent/ })).toHaveAttribute(
      "href",
      `https://login.microsoftonline.us/${TENANT}/adminconsent?client_id=${APP}`,
    );
  });

  it("re-checks after granting", async () => {
    const { user, onRecheck } = setup(makeIntegration({ status: "degraded" }));
    await user.click(screen.getByRole("button", { name: "Re-check after granting" }));
    expect(onRecheck).toHaveBeenCalledTimes(1);
  });

  it("disables Re-check after granting while a check runs", () => {
    setup(makeIntegration(), undefined, true);
    expect(screen.getByRole("button", { name: "Re-check after granting" })).toBeDisabled();
  });

  it("shows a viewer the link, and Re-check after granting disabled with the reason", () => {
    setup(makeIntegration(), "Viewers can't make changes. Ask an admin.");
    expect(screen.getByRole("link", { name: /^Grant admin consent/ })).toBeInTheDocument();
    const recheck = screen.getByRole("button", { name: "Re-check after granting" });
    expect(recheck).toBeDisabled();
    expect(recheck).toHaveAccessibleDescription("Viewers can't make changes. Ask an admin.");
  });

  it("shows nothing for a disconnected connection", () => {
    setup(makeIntegration({ status: "disconnected", secret: erasedSecret }));
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });
});
