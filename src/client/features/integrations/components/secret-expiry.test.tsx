import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Integration } from "../../../../shared/contract";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { erasedSecret, makeIntegration } from "../integration-fixtures";
import { type SaveExpiryResult, SecretExpiry } from "./secret-expiry";

const DAY_MS = 24 * 3600 * 1000;
const VIEWER_REASON = "Viewers can't make changes. Ask an admin.";

/** An expiry `days` days from now (a minute short, so it reads "in `days` days" whatever the time of day). */
function inDays(days: number): string {
  return new Date(Date.now() + days * DAY_MS - 60_000).toISOString();
}

function withSecret(
  secret: Partial<Integration["secret"]>,
  overrides: Partial<Integration> = {},
): Integration {
  const base = makeIntegration();
  return makeIntegration({ secret: { ...base.secret, ...secret }, ...overrides });
}

function setup(
  integration: Integration,
  {
    onSaveExpiry = vi.fn(async (): Promise<SaveExpiryResult> => ({ ok: true })),
    readOnlyReason,
  }: { onSaveExpiry?: (date: string | null) => Promise<SaveExpiryResult>; readOnlyReason?: string } = {},
) {
  const user = userEvent.setup();
  render(
    <SecretExpiry integration={integration} onSaveExpiry={onSaveExpiry} readOnlyReason={readOnlyReason} />,
  );
  return { user, onSaveExpiry };
}

describe("SecretExpiry", () => {
  it("shows an expiry read from Microsoft Graph, with no form to type one", () => {
    const expiresAt = inDays(208);
    const { container } = render(
      <SecretExpiry integration={withSecret({ expiresAt, expirySource: "graph" })} onSaveExpiry={vi.fn()} />,
    );
    expect(screen.getByText(/^Expires on/)).toHaveTextContent(/\(in 208 days\)$/);
    expect(container.querySelector(`time[datetime="${expiresAt}"]`)).toBeInTheDocument();
    expect(screen.getByText("· read from Microsoft Graph")).toBeInTheDocument();
    expect(screen.queryByLabelText("Secret expires on")).not.toBeInTheDocument();
  });

  it("names where another partner's verification read the expiry (SentinelOne)", () => {
    const sentinelOne = partnerCatalog().find((entry) => entry.id === "sentinelone");
    render(
      <SecretExpiry
        integration={withSecret({ expiresAt: inDays(200), expirySource: "graph" })}
        partner={sentinelOne}
        onSaveExpiry={vi.fn()}
      />,
    );
    expect(screen.getByText("· read from SentinelOne")).toBeInTheDocument();
  });

  it("says how long ago an expired secret expired", () => {
    setup(
      withSecret({
        expiresAt: new Date(Date.now() - 3 * DAY_MS - 60_000).toISOString(),
        expirySource: "graph",
      }),
    );
    expect(screen.getByText(/^Expired on/)).toHaveTextContent(/\(3 days ago\)$/);
  });

  it("shows the date in UTC, so a typed date reads back unchanged", () => {
    setup(withSecret({ expiresAt: "2027-06-30T00:00:00.000Z", expirySource: "admin" }));
    const shown = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone: "UTC" }).format(
      new Date("2027-06-30T00:00:00.000Z"),
    );
    expect(screen.getByText(shown)).toBeInTheDocument();
    expect(screen.getByText("· typed by an admin")).toBeInTheDocument();
    expect(screen.getByLabelText("Secret expires on")).toHaveValue("2027-06-30");
  });

  it("says the expiry is unknown and lets an admin type it from Certificates & secrets", async () => {
    const { user, onSaveExpiry } = setup(makeIntegration());
    expect(screen.getByText("Expiry unknown")).toBeInTheDocument();
    const field = screen.getByLabelText("Secret expires on");
    expect(field).toHaveAttribute("type", "date");
    expect(field).toHaveAccessibleDescription(/Certificates & secrets/);
    expect(screen.queryByRole("button", { name: "Clear expiry date" })).not.toBeInTheDocument();

    await user.type(field, "2027-06-30");
    await user.click(screen.getByRole("button", { name: "Save expiry date" }));
    expect(onSaveExpiry).toHaveBeenCalledWith("2027-06-30");
  });

  it("refuses an empty or implausible date with the shared schema's message, sending nothing", async () => {
    const { user, onSaveExpiry } = setup(makeIntegration());
    await user.click(screen.getByRole("button", { name: "Save expiry date" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/Enter the date from the Expires column/);
    const field = screen.getByLabelText("Secret expires on");
    expect(field).toHaveAttribute("aria-invalid", "true");

    await user.type(field, "1999-12-31");
    await user.click(screen.getByRole("button", { name: "Save expiry date" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/must be a date like 2027-06-30/);
    expect(onSaveExpiry).not.toHaveBeenCalled();
  });

  it("clears a date an admin typed", async () => {
    const { user, onSaveExpiry } = setup(withSecret({ expiresAt: inDays(40), expirySource: "admin" }));
    await user.click(screen.getByRole("button", { name: "Clear expiry date" }));
    expect(onSaveExpiry).toHaveBeenCalledWith(null);
  });

  it("shows the server's refusal", async () => {
    const { user } = setup(makeIntegration(), {
      onSaveExpiry: vi.fn(
        async (): Promise<SaveExpiryResult> => ({
          ok: false,
          fieldError: "The server says this date is wrong.",
        }),
      ),
    });
    await user.type(screen.getByLabelText("Secret expires on"), "2027-06-30");
    await user.click(screen.getByRole("button", { name: "Save expiry date" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server says this date is wrong.");
    expect(screen.getByLabelText("Secret expires on")).toHaveFocus();
  });

  it("shows a viewer the expiry, and Set expiry date disabled with the reason", () => {
    setup(makeIntegration(), { readOnlyReason: VIEWER_REASON });
    expect(screen.getByText("Expiry unknown")).toBeInTheDocument();
    expect(screen.queryByLabelText("Secret expires on")).not.toBeInTheDocument();
    const set = screen.getByRole("button", { name: "Set expiry date" });
    expect(set).toBeDisabled();
    expect(set).toHaveAccessibleDescription(VIEWER_REASON);
  });

  it("offers no form once disconnected", () => {
    setup(makeIntegration({ status: "disconnected", secret: erasedSecret }));
    expect(screen.queryByLabelText("Secret expires on")).not.toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });
});
