import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { filtersToSearchParams } from "../audit-filters";
import { AuditFiltersForm } from "./audit-filters-form";

const integrations = [
  { id: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10", name: "Contoso production" },
  { id: "0b8e7c52-5c1f-4a4e-8f43-7cf0d0c6c7a1", name: "Fabrikam (disconnected)" },
];

function setup(filters = {}) {
  const user = userEvent.setup();
  const onApply = vi.fn();
  render(<AuditFiltersForm filters={filters} integrations={integrations} onApply={onApply} />);
  return { user, onApply };
}

describe("AuditFiltersForm", () => {
  it("labels every filter", () => {
    setup();
    expect(screen.getByRole("form", { name: "Filter the audit log" })).toBeInTheDocument();
    for (const label of ["Actor", "Action", "Integration", "From", "To"]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(screen.getByLabelText("From")).toHaveAttribute("type", "datetime-local");
  });

  it("applies the filters as the URL's query params, with times in ISO", async () => {
    const { user, onApply } = setup();
    await user.type(screen.getByLabelText("Actor"), " ada ");
    await user.selectOptions(screen.getByLabelText("Action"), "Integration disconnected");
    await user.selectOptions(screen.getByLabelText("Integration"), "Contoso production");
    await user.type(screen.getByLabelText("From"), "2025-11-01T08:00");
    await user.type(screen.getByLabelText("To"), "2025-11-30T18:30");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));

    const applied = onApply.mock.lastCall?.[0];
    const from = new Date(2025, 10, 1, 8, 0).toISOString();
    const to = new Date(2025, 10, 30, 18, 30).toISOString();
    expect(applied).toEqual({
      actor: "ada",
      action: "integration.disconnect",
      integrationId: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
      from,
      to,
    });
    expect(Object.fromEntries(filtersToSearchParams(applied))).toEqual({
      actor: "ada",
      action: "integration.disconnect",
      integrationId: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
      from,
      to,
    });
  });

  it("refuses a time range that ends before it starts", async () => {
    const { user, onApply } = setup();
    await user.type(screen.getByLabelText("From"), "2025-11-30T08:00");
    await user.type(screen.getByLabelText("To"), "2025-11-01T08:00");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(onApply).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("From must be before To.");
  });

  it("shows the filters in effect, and clears them", async () => {
    const { user, onApply } = setup({ actor: "ada", action: "user.create" });
    expect(screen.getByLabelText("Actor")).toHaveValue("ada");
    expect(screen.getByLabelText("Action")).toHaveValue("user.create");
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(onApply).toHaveBeenCalledWith({});
    expect(screen.getByLabelText("Actor")).toHaveValue("");
  });
});
