import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FormOutcome } from "../../../lib/form-outcome";
import { AddUserForm } from "./add-user-form";

function setup(onAdd = vi.fn(async (): Promise<FormOutcome> => ({ ok: true }))) {
  const user = userEvent.setup();
  render(
    <>
      <h2 id="add-user-heading">Add user</h2>
      <AddUserForm onAdd={onAdd} />
    </>,
  );
  return { user, onAdd };
}

async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("Email"), "vic@example.com");
  await user.type(screen.getByLabelText("Display name"), "Vic Viewer");
  await user.type(screen.getByLabelText("Initial password"), "a long initial passphrase");
}

describe("AddUserForm", () => {
  it("adds a viewer by default, then empties the form", async () => {
    const { user, onAdd } = setup();
    expect(screen.getByRole("form", { name: "Add user" })).toBeInTheDocument();
    await fill(user);
    await user.click(screen.getByRole("button", { name: "Add user" }));
    expect(onAdd).toHaveBeenCalledWith({
      email: "vic@example.com",
      displayName: "Vic Viewer",
      role: "viewer",
      password: "a long initial passphrase",
    });
    expect(screen.getByLabelText("Email")).toHaveValue("");
    expect(screen.getByLabelText("Initial password")).toHaveValue("");
  });

  it("puts the server's field errors on the fields", async () => {
    const { user } = setup(
      vi.fn(
        async (): Promise<FormOutcome> => ({
          ok: false,
          message: "Check the highlighted fields.",
          fieldErrors: { email: "A user with this email already exists." },
        }),
      ),
    );
    await fill(user);
    await user.selectOptions(screen.getByLabelText("Role"), "Admin");
    await user.click(screen.getByRole("button", { name: "Add user" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("A user with this email already exists.");
    expect(screen.getByLabelText("Email")).toHaveFocus();
    expect(screen.getByLabelText("Email")).toHaveValue("vic@example.com");
  });
});
