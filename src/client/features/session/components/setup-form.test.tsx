import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FormOutcome } from "../../../lib/form-outcome";
import { SetupForm } from "./setup-form";

const PASSWORD = "correct horse battery";

function setup(onSetup = vi.fn(async (): Promise<FormOutcome> => ({ ok: true }))) {
  const user = userEvent.setup();
  render(<SetupForm onSetup={onSetup} />);
  return { user, onSetup };
}

async function fill(user: ReturnType<typeof userEvent.setup>, confirm: string) {
  await user.type(screen.getByLabelText("Email"), "ada@example.com");
  await user.type(screen.getByLabelText("Display name"), "Ada Admin");
  await user.type(screen.getByLabelText("Password"), PASSWORD);
  await user.type(screen.getByLabelText("Confirm password"), confirm);
}

describe("SetupForm", () => {
  it("refuses a confirmation that differs from the password", async () => {
    const { user, onSetup } = setup();
    await fill(user, `${PASSWORD}!`);
    await user.click(screen.getByRole("button", { name: "Create admin account" }));
    expect(onSetup).not.toHaveBeenCalled();
    const confirm = screen.getByLabelText("Confirm password");
    expect(confirm).toHaveAttribute("aria-invalid", "true");
    expect(confirm).toHaveAccessibleDescription(/passwords don't match/);
    expect(screen.getByRole("alert")).toHaveTextContent(/passwords don't match/);
  });

  it("compares the passwords even while another field is invalid", async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText("Password"), PASSWORD);
    await user.type(screen.getByLabelText("Confirm password"), "something else");
    await user.tab();
    expect(screen.getByLabelText("Confirm password")).toHaveAccessibleDescription(/passwords don't match/);
  });

  it("asks for a password of at least 12 characters", async () => {
    const { user } = setup();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(/At least 12 characters/);
    await user.type(screen.getByLabelText("Password"), "short");
    await user.tab();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(
      /Password must be at least 12 characters/,
    );
  });

  it("sends email, display name and password (not the confirmation)", async () => {
    const { user, onSetup } = setup();
    await fill(user, PASSWORD);
    await user.click(screen.getByRole("button", { name: "Create admin account" }));
    expect(onSetup).toHaveBeenCalledWith({
      email: "ada@example.com",
      displayName: "Ada Admin",
      password: PASSWORD,
    });
  });

  it("announces an expired setup link", async () => {
    const { user } = setup(
      vi.fn(async (): Promise<FormOutcome> => ({ ok: false, message: "This setup link has expired." })),
    );
    await fill(user, PASSWORD);
    await user.click(screen.getByRole("button", { name: "Create admin account" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This setup link has expired.");
  });
});
