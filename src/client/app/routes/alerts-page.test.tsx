import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { Alert, AlertDetail } from "../../../shared/data-contract";
import { partnerCatalog } from "../../../shared/partners/registry";
import { integrationKeys, partnerKeys } from "../../features/integrations/api/query-keys";
import { makeIntegration } from "../../features/integrations/integration-fixtures";
import { createQueryClient } from "../../lib/query-client";
import { syncedKeys } from "../../lib/synced-data-keys";
import { Providers } from "../providers";
import { AlertsPage } from "./alerts-page";

const integration = makeIntegration();

function alert(overrides: Partial<Alert>): Alert {
  return {
    id: "a0000000-0000-4000-8000-000000000001",
    integrationId: integration.id,
    partner: "defender",
    externalId: "da638000000000000000_1",
    title: "Suspicious PowerShell command line",
    severity: "medium",
    status: "New",
    createdAt: "2025-11-22T09:00:00.000Z",
    updatedAt: "2025-11-22T09:30:00.000Z",
    deviceName: "lab-ws-01",
    category: "Execution",
    portalUrl: null,
    ...overrides,
  };
}

const ransomware = alert({
  id: "a0000000-0000-4000-8000-000000000002",
  externalId: "da638000000000000000_2",
  title: "Ransomware behavior detected",
  severity: "high",
  status: "InProgress",
  deviceName: "fin-srv-02",
  portalUrl: "https://security.microsoft.com/alerts/da638000000000000000_2",
});
const powershell = alert({});
const tor = alert({
  id: "a0000000-0000-4000-8000-000000000003",
  title: "Connection to a Tor exit node",
  severity: "low",
});

type Page = { items: Alert[]; nextCursor: string | null };

interface Setup {
  /** Pages of the list, by the URL's search params (filters and sort) and cursor. */
  pages?: { search: string; cursor?: string; page: Page }[];
  details?: AlertDetail[];
  integrations?: ReturnType<typeof makeIntegration>[];
}

/** The page with what it asks for already loaded: rendering makes no request. */
function renderAlertsPage(path: string, setup: Setup = {}) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(integrationKeys.list(), { integrations: setup.integrations ?? [integration] });
  queryClient.setQueryData(partnerKeys.all, { partners: partnerCatalog() });
  for (const { search, cursor, page } of setup.pages ?? []) {
    queryClient.setQueryData(syncedKeys.alertPage(search, cursor), page);
  }
  for (const detail of setup.details ?? []) queryClient.setQueryData(syncedKeys.alert(detail.id), detail);
  const router = createMemoryRouter([{ path: "/alerts", element: <AlertsPage /> }], {
    initialEntries: [path],
  });
  render(
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { user: userEvent.setup(), router };
}

function titles(): string[] {
  const table = screen.getByRole("table", { name: "Alerts" });
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell")[0]?.querySelector("button")?.textContent ?? "");
}

function header(name: string): HTMLElement {
  const cell = screen.getByRole("columnheader", { name: new RegExp(`^${name}`) });
  return cell;
}

describe("AlertsPage", () => {
  it("lists alerts with severity, status, device and connection, newest first", () => {
    renderAlertsPage("/alerts", {
      pages: [{ search: "", page: { items: [ransomware, powershell], nextCursor: null } }],
    });
    const table = screen.getByRole("table", { name: "Alerts" });
    const [, first] = within(table).getAllByRole("row");
    expect(first).toHaveTextContent(
      /Ransomware behavior detected.*High.*In progress.*fin-srv-02.*Contoso production/,
    );
    expect(header("Created")).toHaveAttribute("aria-sort", "descending");
    expect(header("Title")).not.toHaveAttribute("aria-sort");
    expect(screen.getByRole("status")).toHaveTextContent("Alerts 1–2, by time created, newest first.");
  });

  it("sorts by a header: the URL and the request follow, and aria-sort says which way", async () => {
    const { user, router } = renderAlertsPage("/alerts", {
      pages: [
        { search: "", page: { items: [ransomware, powershell, tor], nextCursor: null } },
        { search: "sort=title&order=asc", page: { items: [tor, ransomware, powershell], nextCursor: null } },
        { search: "sort=title&order=desc", page: { items: [powershell, ransomware, tor], nextCursor: null } },
      ],
    });
    await user.click(screen.getByRole("button", { name: "Title" }));
    expect(router.state.location.search).toBe("?sort=title&order=asc");
    expect(header("Title")).toHaveAttribute("aria-sort", "ascending");
    expect(header("Created")).not.toHaveAttribute("aria-sort");
    expect(titles()).toEqual([tor.title, ransomware.title, powershell.title]);

    await user.click(screen.getByRole("button", { name: "Title" }));
    expect(router.state.location.search).toBe("?sort=title&order=desc");
    expect(header("Title")).toHaveAttribute("aria-sort", "descending");
    expect(titles()).toEqual([powershell.title, ransomware.title, tor.title]);
    expect(screen.getByRole("status")).toHaveTextContent("by title, Z to A");
  });

  it("applies the filters to the URL and the request, and clears them when nothing matches", async () => {
    const filtered = "severity=high&status=InProgress&range=7d&q=fin";
    const { user, router } = renderAlertsPage("/alerts", {
      pages: [
        { search: "", page: { items: [ransomware, powershell], nextCursor: null } },
        { search: filtered, page: { items: [ransomware], nextCursor: null } },
        { search: "severity=informational", page: { items: [], nextCursor: null } },
      ],
    });
    // The form starts again from the URL once applied: look it up each time.
    const form = () => screen.getByRole("form", { name: "Filter alerts" });
    await user.type(within(form()).getByLabelText("Search"), "fin");
    await user.selectOptions(within(form()).getByLabelText("Severity"), "High");
    await user.selectOptions(within(form()).getByLabelText("Status"), "In progress");
    await user.selectOptions(within(form()).getByLabelText("Time range"), "Last 7 days");
    await user.click(within(form()).getByRole("button", { name: "Apply filters" }));
    expect(router.state.location.search).toBe(`?${filtered}`);
    expect(titles()).toEqual([ransomware.title]);

    await user.selectOptions(within(form()).getByLabelText("Severity"), "Informational");
    await user.selectOptions(within(form()).getByLabelText("Status"), "Any status");
    await user.selectOptions(within(form()).getByLabelText("Time range"), "Any time");
    await user.clear(within(form()).getByLabelText("Search"));
    await user.click(within(form()).getByRole("button", { name: "Apply filters" }));
    expect(screen.getByText("No alerts match these filters.")).toBeInTheDocument();
    const list = screen.getByRole("region", { name: "Alerts" });
    await user.click(within(list).getByRole("button", { name: "Clear filters" }));
    expect(router.state.location.search).toBe("");
    expect(titles()).toEqual([ransomware.title, powershell.title]);
  });

  it("filters by partner, offering the catalog's partners, and keeps it in the URL and the request", async () => {
    const { user, router } = renderAlertsPage("/alerts", {
      pages: [
        { search: "", page: { items: [ransomware, powershell], nextCursor: null } },
        { search: "partner=defender", page: { items: [ransomware], nextCursor: null } },
      ],
    });
    const form = () => screen.getByRole("form", { name: "Filter alerts" });
    const partner = within(form()).getByRole("combobox", { name: "Partner" });
    expect(
      within(partner)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Any partner", ...partnerCatalog().map((p) => p.name)]);
    await user.selectOptions(partner, "Microsoft Defender for Endpoint");
    await user.click(within(form()).getByRole("button", { name: "Apply filters" }));
    expect(router.state.location.search).toBe("?partner=defender");
    expect(titles()).toEqual([ransomware.title]);
    expect(within(form()).getByRole("combobox", { name: "Partner" })).toHaveValue("defender");

    await user.click(within(form()).getByRole("button", { name: "Clear filters" }));
    expect(router.state.location.search).toBe("");
    expect(within(form()).getByRole("combobox", { name: "Partner" })).toHaveValue("");
  });

  it("ignores a partner in a link that no partner has", () => {
    renderAlertsPage("/alerts?partner=acme", {
      pages: [{ search: "", page: { items: [powershell], nextCursor: null } }],
    });
    expect(screen.getByRole("combobox", { name: "Partner" })).toHaveValue("");
    expect(titles()).toEqual([powershell.title]);
  });

  it("reads the filters from a shared link", () => {
    renderAlertsPage(`/alerts?severity=high&partner=defender&integrationId=${integration.id}`, {
      pages: [
        {
          search: `severity=high&partner=defender&integrationId=${integration.id}`,
          page: { items: [ransomware], nextCursor: null },
        },
      ],
    });
    expect(screen.getByLabelText("Severity")).toHaveValue("high");
    expect(screen.getByLabelText("Partner")).toHaveValue("defender");
    expect(screen.getByLabelText("Connection")).toHaveValue(integration.id);
    expect(titles()).toEqual([ransomware.title]);
  });

  it("pages forward with the server's cursor and back again", async () => {
    const { user } = renderAlertsPage("/alerts", {
      pages: [
        { search: "", page: { items: [ransomware, powershell], nextCursor: "cursor-2" } },
        { search: "", cursor: "cursor-2", page: { items: [tor], nextCursor: null } },
      ],
    });
    const previous = screen.getByRole("button", { name: "Previous page" });
    const next = screen.getByRole("button", { name: "Next page" });
    expect(previous).toHaveAttribute("aria-disabled", "true");
    await user.click(next);
    expect(titles()).toEqual([tor.title]);
    expect(screen.getByText("Page 2")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Alerts 51–51");
    // The last page: Next stays focusable but does nothing.
    expect(next).toHaveAttribute("aria-disabled", "true");
    expect(next).toHaveFocus();
    await user.click(previous);
    expect(titles()).toEqual([ransomware.title, powershell.title]);
    expect(screen.getByText("Page 1")).toBeInTheDocument();
  });

  it("opens an alert's detail: its evidence, the raw record and a link to the Defender portal", async () => {
    const detail: AlertDetail = {
      ...ransomware,
      description: "Files on fin-srv-02 were encrypted in bulk.",
      evidence: [
        { kind: "file", name: "locker.exe", detail: "SHA-256 9f86d081884c7d65" },
        { kind: "user", name: "CONTOSO\\svc-backup", detail: null },
      ],
      raw: { id: "da638000000000000000_2", severity: "High" },
    };
    const { user } = renderAlertsPage("/alerts", {
      pages: [{ search: "", page: { items: [ransomware, powershell], nextCursor: null } }],
      details: [detail],
    });
    const opener = screen.getByRole("button", { name: ransomware.title });
    await user.click(opener);
    const dialog = screen.getByRole("dialog", { name: ransomware.title });
    expect(dialog).toHaveAccessibleDescription("Alert from Contoso production");
    expect(within(dialog).getByText(detail.description ?? "")).toBeInTheDocument();
    const evidence = within(dialog).getByRole("list", { name: "Evidence" });
    const items = within(evidence).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent(/file\s*locker\.exe\s*SHA-256 9f86d081884c7d65/i);
    expect(items[1]).toHaveTextContent("CONTOSO\\svc-backup");
    const portal = within(dialog).getByRole("link", { name: /^Open in Microsoft Defender portal/ });
    expect(portal).toHaveAttribute("href", ransomware.portalUrl);
    expect(portal).toHaveAttribute("target", "_blank");
    await user.click(within(dialog).getByText("Raw record (JSON)"));
    expect(within(dialog).getByText(/"severity": "High"/)).toBeVisible();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("shows no portal link when the partner gave none", async () => {
    const detail: AlertDetail = { ...powershell, description: null, evidence: [], raw: {} };
    const { user } = renderAlertsPage("/alerts", {
      pages: [{ search: "", page: { items: [powershell], nextCursor: null } }],
      details: [detail],
    });
    await user.click(screen.getByRole("button", { name: powershell.title }));
    const dialog = screen.getByRole("dialog", { name: powershell.title });
    expect(within(dialog).getByText("The partner sent no evidence with this alert.")).toBeInTheDocument();
    expect(within(dialog).queryByRole("link", { name: /Defender portal/ })).not.toBeInTheDocument();
  });

  it("says there is no connection yet, and where to make one", () => {
    renderAlertsPage("/alerts", { integrations: [] });
    expect(screen.getByText(/^No connection yet/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to Integrations" })).toHaveAttribute("href", "/integrations");
  });

  it("points to the connections' Data section when nothing has synced yet", () => {
    renderAlertsPage("/alerts", { pages: [{ search: "", page: { items: [], nextCursor: null } }] });
    expect(screen.getByText(/^No alerts have been synced yet/)).toBeInTheDocument();
    const list = screen.getByRole("region", { name: "Alerts" });
    expect(within(list).getByRole("link", { name: "Go to Integrations" })).toBeInTheDocument();
    expect(within(list).queryByRole("button", { name: "Clear filters" })).not.toBeInTheDocument();
  });
});
