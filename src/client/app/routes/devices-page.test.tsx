import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { Device, DeviceDetail } from "../../../shared/data-contract";
import { partnerCatalog } from "../../../shared/partners/registry";
import { integrationKeys, partnerKeys } from "../../features/integrations/api/query-keys";
import { makeIntegration } from "../../features/integrations/integration-fixtures";
import { createQueryClient } from "../../lib/query-client";
import { syncedKeys } from "../../lib/synced-data-keys";
import { Providers } from "../providers";
import { DevicesPage } from "./devices-page";

const integration = makeIntegration();

function device(overrides: Partial<Device>): Device {
  return {
    id: "d0000000-0000-4000-8000-000000000001",
    integrationId: integration.id,
    partner: "defender",
    externalId: "1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
    name: "lab-ws-01",
    healthStatus: "Active",
    osPlatform: "Windows11",
    onboardingStatus: "Onboarded",
    riskScore: "Medium",
    exposureLevel: "Low",
    lastSeenAt: "2025-11-22T09:00:00.000Z",
    removedAt: null,
    portalUrl: null,
    ...overrides,
  };
}

const workstation = device({});
const server = device({
  id: "d0000000-0000-4000-8000-000000000002",
  name: "fin-srv-02",
  healthStatus: "ImpairedCommunication",
  osPlatform: "WindowsServer2022",
  riskScore: "High",
  portalUrl: "https://security.microsoft.com/machines/v2/1e5bc9d7e413ddd7902c2932e418702b84d0cc08",
});
const retired = device({
  id: "d0000000-0000-4000-8000-000000000003",
  name: "old-kiosk",
  healthStatus: "Inactive",
  removedAt: "2025-11-01T00:00:00.000Z",
});

type Page = { items: Device[]; nextCursor: string | null };

function renderDevicesPage(
  path: string,
  setup: { pages?: { search: string; cursor?: string; page: Page }[]; details?: DeviceDetail[] } = {},
) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(integrationKeys.list(), { integrations: [integration] });
  queryClient.setQueryData(partnerKeys.all, { partners: partnerCatalog() });
  for (const { search, cursor, page } of setup.pages ?? []) {
    queryClient.setQueryData(syncedKeys.devicePage(search, cursor), page);
  }
  for (const detail of setup.details ?? []) queryClient.setQueryData(syncedKeys.device(detail.id), detail);
  const router = createMemoryRouter([{ path: "/devices", element: <DevicesPage /> }], {
    initialEntries: [path],
  });
  render(
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { user: userEvent.setup(), router };
}

function names(): string[] {
  const table = screen.getByRole("table", { name: "Devices" });
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) => row.querySelector("td button")?.textContent ?? "");
}

describe("DevicesPage", () => {
  it("lists devices with health, OS, onboarding, risk, exposure and connection, by name", () => {
    renderDevicesPage("/devices", {
      pages: [{ search: "", page: { items: [server, workstation], nextCursor: null } }],
    });
    const table = screen.getByRole("table", { name: "Devices" });
    const [, first] = within(table).getAllByRole("row");
    expect(first).toHaveTextContent(
      /fin-srv-02.*Impaired communication.*WindowsServer2022.*Onboarded.*High.*Low.*Contoso production/,
    );
    expect(screen.getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "ascending");
    expect(screen.getByRole("status")).toHaveTextContent("Devices 1–2, by name, A to Z.");
  });

  it("sorts by last seen, most recent first on the first press", async () => {
    const { user, router } = renderDevicesPage("/devices", {
      pages: [
        { search: "", page: { items: [server, workstation], nextCursor: null } },
        { search: "sort=lastSeenAt&order=desc", page: { items: [workstation, server], nextCursor: null } },
      ],
    });
    await user.click(screen.getByRole("button", { name: "Last seen" }));
    expect(router.state.location.search).toBe("?sort=lastSeenAt&order=desc");
    expect(screen.getByRole("columnheader", { name: /^Last seen/ })).toHaveAttribute(
      "aria-sort",
      "descending",
    );
    expect(screen.getByRole("columnheader", { name: /^Name/ })).not.toHaveAttribute("aria-sort");
    expect(names()).toEqual([workstation.name, server.name]);
  });

  it("filters by health, OS and search, and includes removed devices when asked", async () => {
    const filtered = "health=Inactive&os=Windows11&q=kiosk&removed=true";
    const { user, router } = renderDevicesPage("/devices", {
      pages: [
        { search: "", page: { items: [server, workstation], nextCursor: null } },
        { search: filtered, page: { items: [retired], nextCursor: null } },
      ],
    });
    const form = screen.getByRole("form", { name: "Filter devices" });
    await user.type(within(form).getByLabelText("Search"), "kiosk");
    await user.selectOptions(within(form).getByLabelText("Health"), "Inactive");
    await user.type(within(form).getByLabelText("Operating system"), "Windows11");
    await user.click(within(form).getByLabelText("Include removed devices"));
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));
    expect(router.state.location.search).toBe(`?${filtered}`);
    expect(names()).toEqual([retired.name]);
    expect(screen.getByRole("row", { name: /old-kiosk/ })).toHaveTextContent("Removed");
    expect(screen.getByLabelText("Include removed devices")).toBeChecked();
  });

  it("filters by partner, offering the catalog's partners, and reads it back from a shared link", async () => {
    const { user, router } = renderDevicesPage("/devices", {
      pages: [
        { search: "", page: { items: [server, workstation], nextCursor: null } },
        { search: "health=Active&partner=defender", page: { items: [workstation], nextCursor: null } },
      ],
    });
    const form = () => screen.getByRole("form", { name: "Filter devices" });
    const partner = within(form()).getByRole("combobox", { name: "Partner" });
    expect(
      within(partner)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Any partner", ...partnerCatalog().map((p) => p.name)]);
    await user.selectOptions(within(form()).getByLabelText("Health"), "Active");
    await user.selectOptions(partner, "Microsoft Defender for Endpoint");
    await user.click(within(form()).getByRole("button", { name: "Apply filters" }));
    expect(router.state.location.search).toBe("?health=Active&partner=defender");
    expect(names()).toEqual([workstation.name]);

    await act(() => router.navigate("/devices"));
    expect(await screen.findByRole("row", { name: /fin-srv-02/ })).toBeInTheDocument();
    await waitFor(() => expect(within(form()).getByRole("combobox", { name: "Partner" })).toHaveValue(""));
    await act(() => router.navigate(-1));
    await waitFor(() =>
      expect(within(form()).getByRole("combobox", { name: "Partner" })).toHaveValue("defender"),
    );
  });

  it("offers every health state Defender reports", () => {
    renderDevicesPage("/devices", {
      pages: [{ search: "", page: { items: [workstation], nextCursor: null } }],
    });
    const options = within(screen.getByLabelText("Health"))
      .getAllByRole("option")
      .map((option) => option.getAttribute("value"));
    expect(options).toEqual([
      "",
      "Active",
      "Inactive",
      "ImpairedCommunication",
      "NoSensorData",
      "NoSensorDataImpairedCommunication",
      "Unknown",
    ]);
  });

  it("opens a device's detail with the raw record and a link to the Defender portal", async () => {
    const detail: DeviceDetail = { ...server, raw: { computerDnsName: "fin-srv-02.contoso.local" } };
    const { user } = renderDevicesPage("/devices", {
      pages: [{ search: "", page: { items: [server, workstation], nextCursor: null } }],
      details: [detail],
    });
    const opener = screen.getByRole("button", { name: server.name });
    await user.click(opener);
    const dialog = screen.getByRole("dialog", { name: server.name });
    expect(within(dialog).getByText("Health").nextElementSibling).toHaveTextContent("Impaired communication");
    expect(within(dialog).getByRole("link", { name: /^Open in Microsoft Defender portal/ })).toHaveAttribute(
      "href",
      server.portalUrl,
    );
    await user.click(within(dialog).getByText("Raw record (JSON)"));
    expect(within(dialog).getByText(/fin-srv-02\.contoso\.local/)).toBeVisible();
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("offers to clear filters that match nothing", async () => {
    const { user, router } = renderDevicesPage("/devices?health=Unknown", {
      pages: [
        { search: "health=Unknown", page: { items: [], nextCursor: null } },
        { search: "", page: { items: [workstation], nextCursor: null } },
      ],
    });
    expect(screen.getByText("No devices match these filters.")).toBeInTheDocument();
    await user.click(
      within(screen.getByRole("region", { name: "Devices" })).getByRole("button", { name: "Clear filters" }),
    );
    expect(router.state.location.search).toBe("");
    expect(names()).toEqual([workstation.name]);
  });
});
