import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type {
  AlertSummary,
  DeviceSummary,
  SyncNotice,
  SyncSourceState,
} from "../../../../shared/data-contract";
import { Providers } from "../../../app/providers";
import { createQueryClient } from "../../../lib/query-client";
import { syncedKeys } from "../../../lib/synced-data-keys";
import { integrationKeys } from "../api/query-keys";
import { DataSection } from "./data-section";

const ID = "7b0a8e5e-3c61-4a0b-9d1f-0c2b6f2e9a11";
const VIEWER_REASON = "Viewers can't make changes. Ask an admin.";

function source(overrides: Partial<SyncSourceState>): SyncSourceState {
  return {
    source: "alerts",
    label: "Alerts",
    state: "idle",
    records: 0,
    malformed: 0,
    intervalMinutes: 5,
    lastRunAt: null,
    lastSuccessAt: null,
    lastDataAt: null,
    nextRunAt: null,
    firstSyncDone: false,
    progress: null,
    lastError: null,
    ...overrides,
  };
}

/** 14 UTC days ending 2025-11-22, all zero unless `counts` says otherwise (by date). */
function alertDays(counts: Record<string, Partial<AlertSummary["days"][number]>> = {}): AlertSummary {
  return {
    days: Array.from({ length: 14 }, (_, index) => {
      const date = new Date(Date.UTC(2025, 10, 9 + index)).toISOString().slice(0, 10);
      return { date, informational: 0, low: 0, medium: 0, high: 0, critical: 0, unknown: 0, ...counts[date] };
    }),
  };
}

const noDevices: DeviceSummary = { total: 0, health: [], onboarding: [], risk: [], exposure: [] };

interface Setup {
  readOnlyReason?: string;
  disconnected?: boolean;
  notices?: SyncNotice[];
  alertSummary?: AlertSummary;
  deviceSummary?: DeviceSummary;
}

/** The section with its sync state and summaries already loaded: rendering makes no request. */
function renderSection(sources: SyncSourceState[], setup: Setup = {}) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(integrationKeys.sync(ID), { sources, notices: setup.notices ?? [] });
  queryClient.setQueryData(syncedKeys.alertSummary(ID), setup.alertSummary ?? alertDays());
  queryClient.setQueryData(syncedKeys.deviceSummary(ID), setup.deviceSummary ?? noDevices);
  const router = createMemoryRouter([
    {
      path: "/",
      element: (
        <DataSection
          integrationId={ID}
          disconnected={setup.disconnected ?? false}
          readOnlyReason={setup.readOnlyReason}
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

describe("DataSection", () => {
  it("shows each source's records, first-sync progress and last data in a named table", () => {
    const now = new Date().toISOString();
    renderSection([
      source({ records: 2397, lastSuccessAt: now, lastDataAt: now, firstSyncDone: true }),
      source({
        source: "devices",
        label: "Devices",
        state: "running",
        progress: { done: 400, total: 700 },
        intervalMinutes: 360,
      }),
    ]);
    const table = screen.getByRole("table", { name: "Sync sources" });
    const alerts = within(table).getByRole("row", { name: /^Alerts/ });
    expect(within(alerts).getByText("Up to date")).toBeInTheDocument();
    expect(within(alerts).getByText("2,397")).toBeInTheDocument();
    const devices = within(table).getByRole("row", { name: /^Devices/ });
    expect(within(devices).getByText("First sync: 400 records of 700")).toBeInTheDocument();
    expect(within(devices).getByRole("progressbar", { name: "Devices sync progress" })).toHaveAttribute(
      "value",
      "400",
    );
  });

  it("announces a failed source with what to do", () => {
    renderSection([
      source({
        state: "failed",
        lastError: {
          code: "rate_limited",
          message: "Microsoft throttled the sync (429); it resumes in 14 s.",
          remediation: "Nothing to do: Patchbay waits as Microsoft asks.",
        },
      }),
    ]);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Alerts: Microsoft throttled the sync (429); it resumes in 14 s.");
    expect(alert).toHaveTextContent("What to do: Nothing to do: Patchbay waits as Microsoft asks.");
  });

  it("shows a viewer Sync now disabled, with the reason, and a disconnected connection none", () => {
    renderSection([source({})], { readOnlyReason: VIEWER_REASON });
    const button = screen.getByRole("button", { name: "Sync now" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(VIEWER_REASON);
  });

  it("offers no Sync now once disconnected", () => {
    renderSection([source({ firstSyncDone: true })], { disconnected: true });
    expect(screen.queryByRole("button", { name: "Sync now" })).not.toBeInTheDocument();
    expect(screen.getByText("Stopped")).toBeInTheDocument();
  });

  it("says why a verified connection has no data, with what to do, above the sources", () => {
    renderSection([source({}), source({ source: "devices", label: "Devices" })], {
      notices: [
        {
          code: "no_devices_onboarded",
          source: "devices",
          message: "Defender lists no devices: none is onboarded yet.",
          remediation: "Onboard a device in the Microsoft Defender portal under Settings → Endpoints.",
        },
        {
          code: "first_sync_running",
          source: null,
          message: "The first sync is still running.",
          remediation: "Nothing to do: data appears as it arrives.",
        },
      ],
    });
    const notices = screen.getByRole("region", { name: "Why data is missing or late" });
    const [onboarding, running] = within(notices).getAllByRole("listitem");
    expect(onboarding).toHaveTextContent("Devices: Defender lists no devices: none is onboarded yet.");
    expect(onboarding).toHaveTextContent(
      "What to do: Onboard a device in the Microsoft Defender portal under Settings → Endpoints.",
    );
    expect(running).toHaveTextContent("The first sync is still running.");
    // Above the per-source table.
    const table = screen.getByRole("table", { name: "Sync sources" });
    expect(notices.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("shows no notices while data flows", () => {
    renderSection([source({ firstSyncDone: true })]);
    expect(screen.queryByRole("region", { name: "Why data is missing or late" })).not.toBeInTheDocument();
  });

  it("charts alerts by severity per day, with the numbers as a table behind Show as table", async () => {
    const user = userEvent.setup();
    renderSection([source({ firstSyncDone: true })], {
      alertSummary: alertDays({
        "2025-11-20": { high: 2, medium: 1 },
        "2025-11-22": { low: 4, informational: 1 },
      }),
    });
    const figure = screen.getByRole("figure", { name: "Alerts by severity, last 14 days" });
    // Screen readers get the chart in words instead of the drawing.
    expect(within(figure).getByRole("img")).toHaveAccessibleName(
      "8 alerts created in the last 14 days: 2 high, 1 medium, 4 low, 1 informational. The most were created on Nov 22: 5.",
    );
    await user.click(within(figure).getByText("Show as table"));
    const table = within(figure).getByRole("table", { name: "Alerts created per UTC day, by severity" });
    expect(table).toBeVisible();
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((cell) => cell.textContent),
    ).toEqual(["Day", "Critical", "High", "Medium", "Low", "Informational", "Unknown", "Total"]);
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(15);
    const nov20 = within(table).getByRole("row", { name: /^Nov 20/ });
    expect(
      within(nov20)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["0", "2", "1", "0", "0", "0", "3"]);
    expect(screen.getByRole("link", { name: "All alerts from this connection" })).toHaveAttribute(
      "href",
      `/alerts?integrationId=${ID}`,
    );
  });

  it("says so instead of drawing an empty chart", () => {
    renderSection([source({ firstSyncDone: true }), source({ source: "devices", label: "Devices" })]);
    expect(screen.getByText("No alerts were created in the last 14 days.")).toBeInTheDocument();
    expect(screen.getByText("No devices are listed yet.")).toBeInTheDocument();
    expect(screen.queryByRole("figure")).not.toBeInTheDocument();
  });

  it("summarises device health, onboarding, risk and exposure, each as a table too", async () => {
    const user = userEvent.setup();
    renderSection([source({ source: "devices", label: "Devices", firstSyncDone: true })], {
      deviceSummary: {
        total: 12,
        health: [
          { value: "Active", count: 9 },
          { value: "ImpairedCommunication", count: 3 },
        ],
        onboarding: [{ value: "Onboarded", count: 12 }],
        risk: [
          { value: "High", count: 2 },
          { value: "None", count: 10 },
        ],
        exposure: [{ value: "Medium", count: 12 }],
      },
    });
    // No alerts source: no alert chart.
    expect(screen.queryByText(/Alerts by severity/)).not.toBeInTheDocument();
    const figure = screen.getByRole("figure", { name: "Device health (12 devices)" });
    expect(within(figure).getByRole("img")).toHaveAccessibleName(
      "12 devices. Health status: Active 9, Impaired communication 3. Onboarding status: Onboarded 12. Risk level: High 2, None 10. Exposure level: Medium 12.",
    );
    await user.click(within(figure).getByText("Show as table"));
    for (const name of ["Health status", "Onboarding status", "Risk level", "Exposure level"]) {
      expect(within(figure).getByRole("table", { name })).toBeVisible();
    }
    const health = within(figure).getByRole("table", { name: "Health status" });
    expect(within(health).getByRole("row", { name: "Impaired communication 3" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "All devices from this connection" })).toHaveAttribute(
      "href",
      `/devices?integrationId=${ID}`,
    );
  });
});
