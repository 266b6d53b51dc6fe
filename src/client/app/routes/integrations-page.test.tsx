import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { Session } from "../../../shared/auth";
import type { Integration } from "../../../shared/contract";
import type { ConnectionFreshness } from "../../../shared/data-contract";
import { partnerCatalog } from "../../../shared/partners/registry";
import { integrationKeys, partnerKeys } from "../../features/integrations/api/query-keys";
import { defenderConfig, makeIntegration } from "../../features/integrations/integration-fixtures";
import { sessionKeys } from "../../features/session/api/query-keys";
import { createQueryClient } from "../../lib/query-client";
import { Providers } from "../providers";
import { IntegrationsPage } from "./integrations-page";

const admin: Session = {
  user: {
    id: "0f4c3c1e-8d4a-4c55-9a0e-6c2b8f1d2a01",
    email: "admin@example.com",
    displayName: "Admin",
    role: "admin",
    active: true,
    createdAt: "2025-11-01T09:00:00.000Z",
    lastSignInAt: null,
  },
  csrfToken: "csrf",
  expiresAt: "2099-01-01T00:00:00.000Z",
};

/** Every Microsoft feature on, and Intune's licence missing. */
const contoso = makeIntegration({
  config: {
    ...makeIntegration().config,
    features: [
      "secret-expiry",
      "alerts",
      "devices",
      "incidents",
      "graph-hunting",
      "intune",
      "entra-devices",
      "hunting",
    ],
  },
  features: [
    ...makeIntegration().features,
    {
      id: "intune",
      api: "Microsoft Graph",
      status: "not_licensed",
      missing: [],
      message: "No Intune licence.",
    },
  ],
});
const fabrikam = makeIntegration({
  id: "0b8e7c52-5c1f-4a4e-8f43-7cf0d0c6c7a1",
  name: "Fabrikam",
  status: "degraded",
  config: defenderConfig({ tenantId: "22222222-2222-3333-4444-555555555555" }),
});
const lab = makeIntegration({
  id: "1c8e7c52-5c1f-4a4e-8f43-7cf0d0c6c7a2",
  name: "Northwind lab",
  config: defenderConfig({ tenantId: "33333333-2222-3333-4444-555555555555", features: [] }),
  features: [],
});

const threeMinutesAgo = () => new Date(Date.now() - 3 * 60_000).toISOString();

function freshness(integration: Integration, overrides: Partial<ConnectionFreshness>): ConnectionFreshness {
  return {
    integrationId: integration.id,
    sources: 2,
    lastDataAt: null,
    firstSyncDone: true,
    running: false,
    failing: 0,
    ...overrides,
  };
}

/** The page with the catalog, the connections and their freshness already loaded: rendering makes no request. */
function renderIntegrationsPage(path = "/integrations") {
  const queryClient = createQueryClient();
  queryClient.setQueryData(sessionKeys.current, admin);
  queryClient.setQueryData(partnerKeys.all, { partners: partnerCatalog() });
  queryClient.setQueryData(integrationKeys.list(), { integrations: [contoso, fabrikam, lab] });
  queryClient.setQueryData(integrationKeys.freshness(), {
    integrations: [
      freshness(contoso, { sources: 5, lastDataAt: threeMinutesAgo() }),
      freshness(fabrikam, { firstSyncDone: false, running: true, failing: 1 }),
      freshness(lab, { sources: 0 }),
    ],
  });
  const router = createMemoryRouter([{ path: "/integrations", element: <IntegrationsPage /> }], {
    initialEntries: [path],
  });
  render(
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { user: userEvent.setup(), router };
}

const rowOf = (name: string) =>
  screen.getByRole("link", { name: `Manage ${name}` }).closest("li") ?? document.body;

describe("IntegrationsPage", () => {
  it("groups partners under their category, each card with its connections' status, data freshness and features", () => {
    renderIntegrationsPage();
    const edr = screen.getByRole("region", { name: "EDR" });
    expect(within(edr).getByRole("heading", { level: 2, name: "EDR" })).toBeInTheDocument();
    const card = within(edr).getByRole("article", { name: "Microsoft Defender for Endpoint" });
    expect(within(card).getByRole("heading", { level: 3 })).toHaveTextContent(
      "Microsoft Defender for Endpoint",
    );

    expect(rowOf("Contoso production")).toHaveTextContent(/Connected\s*Contoso production/);
    expect(rowOf("Contoso production")).toHaveTextContent(/Data: last received 3 minutes ago/);
    expect(rowOf("Fabrikam")).toHaveTextContent(/Degraded\s*Fabrikam/);
    expect(rowOf("Fabrikam")).toHaveTextContent("No data yet · first sync running");
    expect(rowOf("Fabrikam")).toHaveTextContent("1 source failing");
    expect(rowOf("Northwind lab")).toHaveTextContent(
      "Sync off: none of its features brings data into Patchbay",
    );

    // The Microsoft features, in the catalog's order, with the one that does not work saying why.
    const features = within(card).getByRole("list", { name: "Contoso production features" });
    expect(
      within(features)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      "Alerts",
      "Devices",
      "Advanced hunting (Defender for Endpoint)",
      "Incidents",
      "Threat hunting (Microsoft Graph)",
      "Intune devices and configuration (not licensed)",
      "Entra ID devices",
      "Secret expiry",
    ]);
    expect(within(card).queryByRole("list", { name: "Northwind lab features" })).not.toBeInTheDocument();
  });

  it("searches partners and connections, keeping the query in the URL and announcing how many match", async () => {
    const { user, router } = renderIntegrationsPage();
    const search = screen.getByRole("searchbox", { name: "Search integrations" });
    expect(screen.getByRole("search", { name: "Integrations" })).toContainElement(search);
    expect(search).toHaveAccessibleDescription(/connection name/);

    await user.type(search, "fabrikam");
    expect(router.state.location.search).toBe("?q=fabrikam");
    expect(screen.getByRole("link", { name: "Manage Fabrikam" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Manage Contoso production" })).not.toBeInTheDocument();
    expect(screen.getByText("2 other connections do not match the search.")).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole("status")).toHaveTextContent("1 partner matches “fabrikam”."),
    );
    expect(search).toHaveFocus();

    await user.clear(search);
    await user.type(search, "endpoint microsoft");
    expect(screen.getByRole("link", { name: "Manage Contoso production" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Manage Fabrikam" })).toBeInTheDocument();

    await user.clear(search);
    await user.type(search, "okta");
    expect(screen.queryByRole("article")).not.toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "EDR" })).not.toBeInTheDocument();
    expect(screen.getByText("No partner matches “okta”.")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("No partner matches “okta”."));

    await user.click(screen.getByRole("button", { name: "Clear search" }));
    expect(search).toHaveValue("");
    expect(search).toHaveFocus();
    expect(router.state.location.search).toBe("");
    expect(screen.getByRole("article", { name: "Microsoft Defender for Endpoint" })).toBeInTheDocument();
  });

  it("reads the search from a shared link, and follows the URL when it changes", async () => {
    const { router } = renderIntegrationsPage("/integrations?q=Northwind");
    expect(screen.getByRole("searchbox", { name: "Search integrations" })).toHaveValue("Northwind");
    expect(screen.getByRole("link", { name: "Manage Northwind lab" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Manage Fabrikam" })).not.toBeInTheDocument();
    await act(() => router.navigate("/integrations"));
    expect(screen.getByRole("searchbox", { name: "Search integrations" })).toHaveValue("");
    expect(screen.getByRole("link", { name: "Manage Fabrikam" })).toBeInTheDocument();
  });
});
