import { render, screen, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { Integration } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { Providers } from "../../../app/providers";
import { createQueryClient } from "../../../lib/query-client";
import { integrationKeys } from "../api/query-keys";
import { defenderPermission, erasedSecret, graphPermission, makeIntegration } from "../integration-fixtures";
import { IntegrationDetail } from "./integration-detail";

const VIEWER_REASON = "Viewers can't make changes. Ask an admin.";
const DAY_MS = 24 * 3600 * 1000;

const degraded = makeIntegration({
  status: "degraded",
  config: { ...makeIntegration().config, features: ["alerts", "devices", "secret-expiry"] },
  secret: {
    ...makeIntegration().secret,
    expiresAt: new Date(Date.now() + 20 * DAY_MS - 60_000).toISOString(),
    expirySource: "graph",
  },
  features: [
    { id: "alerts", api: "WindowsDefenderATP", status: "working", missing: [], message: "Read one alert." },
    {
      id: "devices",
      api: "WindowsDefenderATP",
      status: "permission_missing",
      missing: ["Machine.Read.All"],
      message: "The app lacks Machine.Read.All.",
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
      defenderPermission("Alert.Read.All"),
      defenderPermission("Machine.Read.All"),
      graphPermission("Application.Read.All"),
    ],
    granted: [defenderPermission("Alert.Read.All"), graphPermission("Application.Read.All")],
    missing: [defenderPermission("Machine.Read.All")],
    unused: [defenderPermission("Ti.ReadWrite.All")],
  },
});

/** The detail as the page shows it, with its event log already loaded: rendering makes no request. */
function renderDetail(integration: Integration, readOnlyReason?: string) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(integrationKeys.events(integration.id), { events: [] });
  queryClient.setQueryData(integrationKeys.sync(integration.id), { sources: [], notices: [] });
  const router = createMemoryRouter([
    {
      path: "/",
      element: (
        <IntegrationDetail
          integration={integration}
          partner={partnerCatalog()[0]}
          readOnlyReason={readOnlyReason}
        />
      ),
    },
  ]);
  render(
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

function section(name: string): HTMLElement {
  const heading = screen.getByRole("heading", { level: 2, name });
  const element = heading.closest("section");
  if (!element) throw new Error(`No section for ${name}`);
  return element;
}

describe("IntegrationDetail", () => {
  it("shows the features' results, the permissions by API with the unused ones, and the consent link", () => {
    renderDetail(degraded);
    const features = within(section("Features")).getAllByRole("listitem");
    expect(features[1]).toHaveTextContent(/Devices\s*Permission missing/);
    expect(within(section("Features")).getByRole("button", { name: "Manage features" })).toBeEnabled();

    const permissions = section("Permissions");
    const required = within(permissions).getByRole("list", { name: "Required permissions" });
    expect(within(required).getByRole("list", { name: "WindowsDefenderATP permissions" })).toHaveTextContent(
      /Machine\.Read\.All\s*Missing/,
    );
    expect(within(required).getByRole("list", { name: "Microsoft Graph permissions" })).toHaveTextContent(
      /Application\.Read\.All\s*Granted/,
    );
    expect(within(permissions).getByRole("list", { name: "Granted but unused" })).toHaveTextContent(
      "Ti.ReadWrite.All",
    );
    expect(within(permissions).getByRole("link", { name: /^Grant admin consent/ })).toHaveAttribute(
      "href",
      expect.stringContaining("/adminconsent?client_id=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"),
    );
    expect(within(permissions).getByRole("button", { name: "Re-check after granting" })).toBeEnabled();
  });

  it("shows the secret's expiry and where it comes from in the App Secret section", () => {
    renderDetail(degraded);
    const secret = section("App Secret");
    expect(within(secret).getByText(/^Expires on/)).toHaveTextContent(/\(in 20 days\)/);
    expect(within(secret).getByText("· read from Microsoft Graph")).toBeInTheDocument();
    // Read from Graph: nothing to type.
    expect(within(secret).queryByLabelText("Secret expires on")).not.toBeInTheDocument();
  });

  it("offers an admin the expiry form when Graph did not tell", () => {
    renderDetail(makeIntegration());
    expect(within(section("App Secret")).getByText("Expiry unknown")).toBeInTheDocument();
    expect(within(section("App Secret")).getByLabelText("Secret expires on")).toBeInTheDocument();
  });

  it("shows a viewer every result, with each change disabled and the reason beside it", () => {
    renderDetail(makeIntegration(), VIEWER_REASON);
    for (const name of ["Manage features", "Re-check after granting", "Set expiry date", "Replace"]) {
      const button = screen.getByRole("button", { name });
      expect(button).toBeDisabled();
      expect(button).toHaveAccessibleDescription(VIEWER_REASON);
    }
    expect(screen.queryByLabelText("Secret expires on")).not.toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Feature results" })).toBeInTheDocument();
  });

  it("once disconnected, offers Connect again with the same features, and no consent, expiry or feature changes", () => {
    renderDetail(
      makeIntegration({
        status: "disconnected",
        secret: erasedSecret,
        disconnectedAt: "2025-11-22T10:00:00.000Z",
        config: { ...makeIntegration().config, features: ["alerts", "incidents"] },
      }),
    );
    const again = screen.getByRole("link", { name: "Connect again" });
    expect(new URL(again.getAttribute("href") ?? "", "http://x").searchParams.get("features")).toBe(
      "alerts,incidents",
    );
    expect(screen.queryByRole("link", { name: /^Grant admin consent/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Manage features" })).not.toBeInTheDocument();
    expect(screen.queryByText("Expiry unknown")).not.toBeInTheDocument();
  });

  it("offers deleting synced data as its own action beside Disconnect, and after disconnecting", () => {
    renderDetail(makeIntegration());
    expect(screen.getByRole("button", { name: "Disconnect" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Delete synced data and disconnect" })).toBeEnabled();
  });

  it("offers a disconnected connection Delete synced data next to Connect again", () => {
    renderDetail(
      makeIntegration({
        status: "disconnected",
        secret: erasedSecret,
        disconnectedAt: "2025-11-22T10:00:00.000Z",
      }),
    );
    expect(screen.getByRole("link", { name: "Connect again" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete synced data" })).toBeEnabled();
    expect(
      screen.queryByRole("button", { name: "Delete synced data and disconnect" }),
    ).not.toBeInTheDocument();
  });

  it("shows a viewer Delete synced data and disconnect disabled, with the reason", () => {
    renderDetail(makeIntegration(), VIEWER_REASON);
    const button = screen.getByRole("button", { name: "Delete synced data and disconnect" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(VIEWER_REASON);
  });
});
