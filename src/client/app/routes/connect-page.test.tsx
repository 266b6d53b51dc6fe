import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { Role, Session } from "../../../shared/auth";
import { partnerCatalog } from "../../../shared/partners/registry";
import { partnerKeys } from "../../features/integrations/api/query-keys";
import { sessionKeys } from "../../features/session/api/query-keys";
import { createQueryClient } from "../../lib/query-client";
import { Providers } from "../providers";
import { ConnectPage } from "./connect-page";

function session(role: Role): Session {
  return {
    user: {
      id: "0f4c3c1e-8d4a-4c55-9a0e-6c2b8f1d2a01",
      email: "someone@example.com",
      displayName: "Someone",
      role,
      active: true,
      createdAt: "2025-11-01T09:00:00.000Z",
      lastSignInAt: null,
    },
    csrfToken: "csrf",
    expiresAt: "2099-01-01T00:00:00.000Z",
  };
}

/** The page as a direct visit finds it: the session and the catalog already loaded (no request is made). */
function renderConnectPage(role: Role, search = "") {
  const queryClient = createQueryClient();
  queryClient.setQueryData(sessionKeys.current, session(role));
  queryClient.setQueryData(partnerKeys.all, { partners: partnerCatalog() });
  const router = createMemoryRouter(
    [{ path: "/integrations/connect/:partnerId", element: <ConnectPage /> }],
    {
      initialEntries: [`/integrations/connect/defender${search}`],
    },
  );
  render(
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

describe("ConnectPage", () => {
  it("explains to a viewer why they cannot connect, instead of showing the form", () => {
    renderConnectPage("viewer");
    expect(
      screen.getByRole("heading", { level: 1, name: "Connect Microsoft Defender for Endpoint" }),
    ).toBeVisible();
    expect(screen.getByText("Viewers can't make changes. Ask an admin.")).toBeVisible();
    expect(screen.queryByLabelText("App Secret")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Connect" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to Integrations" })).toHaveAttribute("href", "/integrations");
  });

  it("shows an admin the form", () => {
    renderConnectPage("admin");
    expect(screen.getByLabelText("App Secret")).toBeInTheDocument();
    expect(screen.queryByText("Viewers can't make changes. Ask an admin.")).not.toBeInTheDocument();
  });

  it("keeps the setup guide in step with the form: chosen features' permissions and the consent link", async () => {
    const user = userEvent.setup();
    renderConnectPage("admin");
    const guide = screen.getByRole("complementary", { name: "Setup guide" });
    const toAdd = () => within(guide).getByLabelText("Permissions to add");
    expect(toAdd()).toHaveTextContent("Machine.Read.All");
    expect(toAdd()).not.toHaveTextContent("Incident.Read.All");

    await user.click(screen.getByLabelText("Incidents"));
    await user.click(screen.getByLabelText("Devices"));
    expect(toAdd()).toHaveTextContent("Incident.Read.All");
    expect(toAdd()).not.toHaveTextContent("Machine.Read.All");

    expect(within(guide).queryByRole("link", { name: /^Grant admin consent/ })).not.toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Cloud and region"), "US Government · GCC High / DoD");
    // Pasted, as an admin carries them over from the Entra portal.
    await user.click(screen.getByLabelText("Tenant ID"));
    await user.paste("11111111-2222-3333-4444-555555555555");
    await user.click(screen.getByLabelText("App ID"));
    await user.paste("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    expect(within(guide).getByRole("link", { name: /^Grant admin consent/ })).toHaveAttribute(
      "href",
      "https://login.microsoftonline.us/11111111-2222-3333-4444-555555555555/adminconsent?client_id=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    );
  });

  it("starts from the features a Connect again link carries, ignoring ids it does not know", () => {
    renderConnectPage(
      "admin",
      "?tenantId=11111111-2222-3333-4444-555555555555&features=incidents,nope,exposure",
    );
    const features = screen.getByRole("group", { name: "Features" });
    const checked = within(features)
      .getAllByRole("checkbox")
      .filter((box) => (box as HTMLInputElement).checked)
      .map((box) => box.getAttribute("value"));
    expect(checked).toEqual(["exposure", "incidents"]);
    expect(screen.getByLabelText("Tenant ID")).toHaveValue("11111111-2222-3333-4444-555555555555");
  });
});
