import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../../shared/auth";
import { AuditTable, changedFields } from "./audit-table";

const INTEGRATION = "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10";

const roleChange: AuditEvent = {
  id: "2",
  at: "2025-11-22T10:00:00.000Z",
  action: "user.update",
  outcome: "success",
  actor: {
    type: "user",
    id: "0f4c3c1e-8d4a-4c55-9a0e-6c2b8f1d2a01",
    name: "Ada Admin <ada@example.com>",
    email: "ada@example.com",
  },
  target: { type: "user", id: "7a1d9b2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d" },
  integrationId: null,
  sourceIp: "192.0.2.10",
  userAgent: "Mozilla/5.0",
  message: "Changed the role of Vic Viewer.",
  changes: {
    before: { role: "viewer", displayName: "Vic Viewer", active: true },
    after: { role: "admin", displayName: "Vic Viewer", active: true },
  },
  occurrences: 1,
  lastAt: null,
};

const failedConnect: AuditEvent = {
  id: "1",
  at: "2025-11-22T09:00:00.000Z",
  action: "integration.disconnect",
  outcome: "failure",
  actor: {
    type: "token",
    id: "5b6c7d8e",
    name: "token “SIEM sync” of Ada Admin <ada@example.com>",
    email: "ada@example.com",
  },
  target: { type: "integration", id: INTEGRATION },
  integrationId: INTEGRATION,
  sourceIp: null,
  userAgent: null,
  message: "The token's role (viewer) cannot do this.",
  changes: null,
  occurrences: 1,
  lastAt: null,
};

function renderTable(events: AuditEvent[]) {
  const router = createMemoryRouter([
    {
      path: "/",
      element: (
        <>
          <h2 id="events-heading">Events</h2>
          <AuditTable
            events={events}
            labelledBy="events-heading"
            integrationNames={new Map([[INTEGRATION, "Contoso production"]])}
          />
        </>
      ),
    },
  ]);
  render(<RouterProvider router={router} />);
}

describe("changedFields", () => {
  it("keeps only what changed, added and removed fields included", () => {
    expect(
      changedFields({
        before: { role: "viewer", name: "a", gone: 1 },
        after: { role: "admin", name: "a", new: [1] },
      }),
    ).toEqual([
      { field: "gone", before: 1, after: undefined },
      { field: "new", before: undefined, after: [1] },
      { field: "role", before: "viewer", after: "admin" },
    ]);
  });
});

describe("AuditTable", () => {
  it("shows time, actor, action, outcome, target, source and message", () => {
    renderTable([roleChange, failedConnect]);
    const table = screen.getByRole("table", { name: "Events" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .filter((cell) => cell.closest("table") === table)
        .map((cell) => cell.textContent),
    ).toEqual(["Time", "Actor", "Action", "Outcome", "Target", "Source address", "Message", "Changes"]);
    // The diffs are tables of their own; keep the rows of the events table.
    const rows = within(table)
      .getAllByRole("row")
      .filter((row) => row.closest("table") === table);
    // The email Patchbay knows is its own element, apart from the name the user chose.
    const actor = within(rows[1] as HTMLElement).getAllByRole("cell")[1] as HTMLElement;
    expect(actor.textContent).toBe("Ada Adminada@example.com");
    expect(within(actor).getByText("ada@example.com")).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent("Success");
    expect(rows[1]).toHaveTextContent("192.0.2.10");
    expect(rows[2]).toHaveTextContent(/token “SIEM sync” of Ada Admin\s*ada@example.com/);
    expect(rows[2]).toHaveTextContent("Failure");
    expect(within(rows[2] as HTMLElement).getByRole("link", { name: "Contoso production" })).toHaveAttribute(
      "href",
      `/integrations/${INTEGRATION}`,
    );
  });

  it("says how often a counted event happened, and when last", () => {
    renderTable([{ ...failedConnect, occurrences: 25, lastAt: "2025-11-22T09:14:00.000Z" }]);
    const table = screen.getByRole("table", { name: "Events" });
    expect(within(table).getByText(/25 times, last/)).toBeInTheDocument();
  });

  it("expands a before/after diff of the changed fields", async () => {
    const user = userEvent.setup();
    renderTable([roleChange]);
    const toggle = screen.getByText("1 field changed");
    await user.click(toggle);
    const diff = screen.getByRole("table", { name: /Before and after/ });
    expect(diff).toBeVisible();
    const [, row] = within(diff).getAllByRole("row");
    expect(within(row as HTMLElement).getByRole("rowheader")).toHaveTextContent("role");
    expect(row).toHaveTextContent(/role\s*viewer\s*admin/);
    expect(diff).not.toHaveTextContent("displayName");
  });
});
