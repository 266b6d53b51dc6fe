import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ApiToken } from "../../../../shared/auth";
import { type CreateTokenResult, CreateTokenSection } from "./create-token-section";

const SECRET = "pbt_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0";

const token: ApiToken = {
  id: "5b6c7d8e-9f01-4a23-b456-789abcdef012",
  name: "SIEM sync",
  role: "viewer",
  owner: { id: "0f4c3c1e-8d4a-4c55-9a0e-6c2b8f1d2a01", email: "ada@example.com", displayName: "Ada Admin" },
  prefix: "pbt_Zm9v",
  createdAt: "2025-11-22T09:00:00.000Z",
  expiresAt: "2026-02-20T09:00:00.000Z",
  lastUsedAt: null,
  revokedAt: null,
};

function setup(
  onCreate = vi.fn(async (): Promise<CreateTokenResult> => ({ ok: true, token, secret: SECRET })),
  maxRole: "admin" | "viewer" = "admin",
) {
  const user = userEvent.setup();
  render(
    <>
      <h2 id="create-token-heading">Create token</h2>
      <CreateTokenSection maxRole={maxRole} onCreate={onCreate} />
    </>,
  );
  return { user, onCreate };
}

describe("CreateTokenSection", () => {
  it("requires a name", async () => {
    const { user, onCreate } = setup();
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(onCreate).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(/Name is required/);
  });

  it("offers no role higher than the user's own", () => {
    setup(undefined, "viewer");
    const options = within(screen.getByLabelText("Role")).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual(["Viewer"]);
  });

  it("sends the expiry in days, or null for Never", async () => {
    const { user, onCreate } = setup();
    await user.type(screen.getByLabelText("Name"), "SIEM sync");
    await user.selectOptions(screen.getByLabelText("Role"), "Admin");
    await user.selectOptions(screen.getByLabelText("Expires in days"), "30 days");
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(onCreate).toHaveBeenLastCalledWith({ name: "SIEM sync", role: "admin", expiresInDays: 30 });
  });

  it("shows the secret once, with Copy, and forgets it afterwards", async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText("Name"), "SIEM sync");
    await user.selectOptions(screen.getByLabelText("Expires in days"), "Never");
    await user.click(screen.getByRole("button", { name: "Create token" }));

    const panel = await screen.findByRole("region", { name: "Token “SIEM sync” created" });
    expect(within(panel).getByRole("heading")).toHaveFocus();
    expect(panel).toHaveTextContent("Copy this token now: Patchbay shows it only once.");
    expect(within(panel).getByText(SECRET)).toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Copy API token" })).toBeInTheDocument();

    await user.click(within(panel).getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toBeInTheDocument();
  });

  it("says why the server refused the token", async () => {
    const { user } = setup(
      vi.fn(
        async (): Promise<CreateTokenResult> => ({
          ok: false,
          message: "A token's role can't be higher than its owner's.",
        }),
      ),
    );
    await user.type(screen.getByLabelText("Name"), "SIEM sync");
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "A token's role can't be higher than its owner's.",
    );
  });
});
