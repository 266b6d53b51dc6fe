import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Role, User } from "../../../../shared/auth";
import { ApiRequestError } from "../../../lib/api-client";
import type { FormOutcome } from "../../../lib/form-outcome";
import { UsersTable, type UsersTableProps } from "./users-table";

const ada: User = {
  id: "0f4c3c1e-8d4a-4c55-9a0e-6c2b8f1d2a01",
  email: "ada@example.com",
  displayName: "Ada Admin",
  role: "admin",
  active: true,
  createdAt: "2025-11-01T09:00:00.000Z",
  lastSignInAt: "2025-11-22T09:00:00.000Z",
};
const vic: User = {
  id: "7a1d9b2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
  email: "vic@example.com",
  displayName: "Vic Viewer",
  role: "viewer",
  active: false,
  createdAt: "2025-11-02T09:00:00.000Z",
  lastSignInAt: null,
};

const lastAdmin = new ApiRequestError({
  status: 409,
  code: "conflict",
  message: "Ada Admin is the last active admin; make someone else an admin first.",
});

function setup(overrides: Partial<UsersTableProps> = {}) {
  const user = userEvent.setup();
  const props: UsersTableProps = {
    users: [ada, vic],
    currentUserId: ada.id,
    labelledBy: "users-heading",
    onChangeRole: vi.fn(async (_user: User, _role: Role) => {}),
    onSetActive: vi.fn(async (_user: User, _active: boolean) => {}),
    onResetPassword: vi.fn(async (): Promise<FormOutcome> => ({ ok: true })),
    ...overrides,
  };
  render(
    <>
      <h2 id="users-heading">People with access</h2>
      <UsersTable {...props} />
    </>,
  );
  return { user, props };
}

describe("UsersTable", () => {
  it("shows each user's name, email, role, status and last sign-in", () => {
    setup();
    const table = screen.getByRole("table", { name: "People with access" });
    const [, adaRow, vicRow] = within(table).getAllByRole("row");
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((cell) => cell.textContent),
    ).toEqual(["Name", "Email", "Role", "Status", "Last sign-in", "Actions"]);
    expect(adaRow).toHaveTextContent(/Ada Admin \(you\)\s*ada@example.com\s*Admin\s*Active/);
    expect(within(vicRow as HTMLElement).getByRole("rowheader")).toHaveTextContent("Vic Viewer");
    expect(vicRow).toHaveTextContent(/Viewer\s*Deactivated\s*Never/);
    expect(screen.getByRole("button", { name: "Deactivate Ada Admin" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Reactivate Vic Viewer" })).toBeInTheDocument();
  });

  it("changes a role in a dialog", async () => {
    const { user, props } = setup();
    await user.click(screen.getByRole("button", { name: "Change role of Vic Viewer" }));
    const dialog = screen.getByRole("dialog", { name: "Change the role of Vic Viewer" });
    await user.selectOptions(within(dialog).getByLabelText("Role"), "Admin");
    expect(within(dialog).getByLabelText("Role")).toHaveAccessibleDescription(/manages users and API tokens/);
    await user.click(within(dialog).getByRole("button", { name: "Save role" }));
    expect(props.onChangeRole).toHaveBeenCalledWith(vic, "admin");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("shows the server's last-admin message when a role change is refused", async () => {
    const { user } = setup({
      onChangeRole: vi.fn(async () => {
        throw lastAdmin;
      }),
    });
    await user.click(screen.getByRole("button", { name: "Change role of Ada Admin" }));
    const dialog = screen.getByRole("dialog");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "Viewer");
    await user.click(within(dialog).getByRole("button", { name: "Save role" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Ada Admin is the last active admin; make someone else an admin first.",
    );
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("names the effect of deactivating, and shows the last-admin message", async () => {
    const onSetActive = vi.fn(async () => {
      throw lastAdmin;
    });
    const { user } = setup({ onSetActive });
    await user.click(screen.getByRole("button", { name: "Deactivate Ada Admin" }));
    const dialog = screen.getByRole("alertdialog", { name: "Deactivate Ada Admin?" });
    expect(dialog).toHaveAccessibleDescription(/signs them out everywhere and revokes their API tokens/);
    await user.click(within(dialog).getByRole("button", { name: "Deactivate" }));
    expect(onSetActive).toHaveBeenCalledWith(ada, false);
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(/last active admin/);
  });

  it("reactivates after confirmation", async () => {
    const { user, props } = setup();
    await user.click(screen.getByRole("button", { name: "Reactivate Vic Viewer" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Reactivate" }));
    expect(props.onSetActive).toHaveBeenCalledWith(vic, true);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("resets a password with a new one of at least 12 characters", async () => {
    const { user, props } = setup();
    await user.click(screen.getByRole("button", { name: "Reset password of Vic Viewer" }));
    const dialog = screen.getByRole("dialog", { name: "Reset the password of Vic Viewer" });
    const password = within(dialog).getByLabelText("New password");
    await user.type(password, "short");
    await user.click(within(dialog).getByRole("button", { name: "Set password" }));
    expect(password).toHaveAccessibleDescription(/at least 12 characters/);
    expect(props.onResetPassword).not.toHaveBeenCalled();

    await user.clear(password);
    await user.type(password, "a long new passphrase");
    await user.click(within(dialog).getByRole("button", { name: "Set password" }));
    expect(props.onResetPassword).toHaveBeenCalledWith(vic, "a long new passphrase");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});
