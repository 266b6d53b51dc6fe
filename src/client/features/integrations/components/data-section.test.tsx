import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SyncSourceState } from "../../../../shared/data-contract";
import { Providers } from "../../../app/providers";
import { createQueryClient } from "../../../lib/query-client";
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

/** The section with its sync state already loaded: rendering makes no request. */
function renderSection(sources: SyncSourceState[], readOnlyReason?: string, disconnected = false) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(integrationKeys.sync(ID), { sources });
  render(
    <Providers queryClient={queryClient}>
      <DataSection integrationId={ID} disconnected={disconnected} readOnlyReason={readOnlyReason} />
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
    renderSection([source({})], VIEWER_REASON);
    const button = screen.getByRole("button", { name: "Sync now" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(VIEWER_REASON);
  });

  it("offers no Sync now once disconnected", () => {
    renderSection([source({ firstSyncDone: true })], undefined, true);
    expect(screen.queryByRole("button", { name: "Sync now" })).not.toBeInTheDocument();
    expect(screen.getByText("Stopped")).toBeInTheDocument();
  });
});
