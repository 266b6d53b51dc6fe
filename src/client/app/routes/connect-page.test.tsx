import { render, screen } from "@testing-library/react";
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
function renderConnectPage(role: Role) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(sessionKeys.current, session(role));
  queryClient.setQueryData(partnerKeys.all, { partners: partnerCatalog() });
  const router = createMemoryRouter(
    [{ path: "/integrations/connect/:partnerId", element: <ConnectPage /> }],
    {
      initialEntries: ["/integrations/connect/defender"],
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
});
