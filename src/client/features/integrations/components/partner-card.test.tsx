import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it, vi } from "vitest";
import type { Integration } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { erasedSecret, makeIntegration } from "../integration-fixtures";
import { PartnerCard } from "./partner-card";

function renderCard(
  integrations: Integration[],
  onDisconnect = vi.fn(async () => {}),
  readOnlyReason?: string,
) {
  const [partner] = partnerCatalog();
  if (!partner) throw new Error("The catalog has no Defender entry.");
  const router = createMemoryRouter([
    {
      path: "/",
      element: (
        <PartnerCard
          partner={partner}
          integrations={integrations}
          onDisconnect={onDisconnect}
          readOnlyReason={readOnlyReason}
        />
      ),
    },
  ]);
  render(<RouterProvider router={router} />);
  return { onDisconnect };
}

describe("PartnerCard", () => {
  it("describes the partner and links to its connect page", () => {
    renderCard([]);
    const card = screen.getByRole("article", { name: "Microsoft Defender for Endpoint" });
    expect(within(card).getByText(/Microsoft · EDR/)).toBeInTheDocument();
    expect(within(card).getByText("Not connected.")).toBeInTheDocument();
    expect(within(card).getByRole("link", { name: /^Connect/ })).toHaveAttribute(
      "href",
      "/integrations/connect/defender",
    );
  });

  it("lists each live connection with status, tenant, Manage and Disconnect", () => {
    const degraded = makeIntegration({
      id: "0b8e7c52-5c1f-4a4e-8f43-7cf0d0c6c7a1",
      name: "Fabrikam",
      status: "degraded",
    });
    renderCard([makeIntegration(), degraded]);
    const list = screen.getByRole("list", { name: /connections$/ });
    // The connections, not the feature lists inside them.
    const rows = within(list)
      .getAllByRole("listitem")
      .filter((item) => item.parentElement === list);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(/Connected\s*Contoso production/);
    expect(rows[0]).toHaveTextContent("11111111-2222-3333-4444-555555555555");
    expect(rows[1]).toHaveTextContent(/Degraded\s*Fabrikam/);
    expect(screen.getByRole("link", { name: "Manage Fabrikam" })).toHaveAttribute(
      "href",
      "/integrations/0b8e7c52-5c1f-4a4e-8f43-7cf0d0c6c7a1",
    );
    expect(screen.getByRole("button", { name: "Disconnect Fabrikam" })).toBeInTheDocument();
  });

  it("keeps disconnected connections in a collapsed history", () => {
    renderCard([
      makeIntegration({
        status: "disconnected",
        disconnectedAt: "2025-11-22T10:00:00.000Z",
        secret: erasedSecret,
      }),
    ]);
    expect(screen.queryByRole("button", { name: /Disconnect/ })).not.toBeInTheDocument();
    expect(screen.getByText("Disconnected (1)")).toBeInTheDocument();
    expect(screen.getByText("Not connected.")).toBeInTheDocument();
  });

  it("disconnects the chosen connection after confirmation", async () => {
    const user = userEvent.setup();
    const { onDisconnect } = renderCard([makeIntegration()]);
    await user.click(screen.getByRole("button", { name: "Disconnect Contoso production" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Disconnect" }));
    expect(onDisconnect).toHaveBeenCalledWith(expect.objectContaining({ name: "Contoso production" }));
  });

  it("shows a viewer Connect disabled with the reason, and no Disconnect", () => {
    renderCard([makeIntegration()], vi.fn(), "Viewers can't make changes. Ask an admin.");
    expect(screen.queryByRole("link", { name: /^Connect/ })).not.toBeInTheDocument();
    const connect = screen.getByRole("button", { name: "Connect Microsoft Defender for Endpoint" });
    expect(connect).toBeDisabled();
    expect(connect).toHaveAccessibleDescription("Viewers can't make changes. Ask an admin.");
    expect(screen.getByText("Viewers can't make changes. Ask an admin.")).toBeVisible();
    expect(screen.queryByRole("button", { name: /Disconnect/ })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "View Contoso production" })).toHaveAttribute(
      "href",
      "/integrations/6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
    );
  });

  describe("secret expiry", () => {
    const DAY_MS = 24 * 3600 * 1000;
    const withExpiry = (expiresAt: string | null) =>
      makeIntegration({
        secret: { ...makeIntegration().secret, expiresAt, expirySource: expiresAt ? "graph" : null },
      });
    const note = () => within(screen.getByRole("list", { name: /connections$/ })).getByText(/^Secret expire/);

    it("says in how many days the secret expires, quietly while it is far off", () => {
      renderCard([withExpiry(new Date(Date.now() + 90 * DAY_MS - 60_000).toISOString())]);
      expect(note()).toHaveTextContent("Secret expires in 90 days");
      expect(note().parentElement).not.toHaveClass(/expirySoon|expired/);
    });

    it("turns amber within 30 days", () => {
      renderCard([withExpiry(new Date(Date.now() + 12 * DAY_MS - 60_000).toISOString())]);
      expect(note()).toHaveTextContent("Secret expires in 12 days");
      expect(note().parentElement).toHaveClass(/expirySoon/);
      expect(note().parentElement?.querySelector("svg")).toBeInTheDocument();
    });

    it("turns red once expired", () => {
      renderCard([withExpiry(new Date(Date.now() - 2 * DAY_MS - 60_000).toISOString())]);
      expect(note()).toHaveTextContent("Secret expired 2 days ago");
      expect(note().parentElement).toHaveClass(/expired/);
    });

    it("says nothing when the expiry is unknown", () => {
      renderCard([withExpiry(null)]);
      expect(screen.queryByText(/^Secret expire/)).not.toBeInTheDocument();
    });
  });
});
