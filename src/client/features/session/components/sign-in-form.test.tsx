import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FormOutcome } from "../../../lib/form-outcome";
import { SignInForm } from "./sign-in-form";

function setup(onSignIn = vi.fn(async (): Promise<FormOutcome> => ({ ok: true }))) {
  const user = userEvent.setup();
  render(<SignInForm onSignIn={onSignIn} />);
  return { user, onSignIn };
}

describe("SignInForm", () => {
  it("labels Email and Password and masks the password", () => {
    setup();
    expect(screen.getByLabelText("Email")).toHaveAttribute("type", "email");
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(screen.getByLabelText("Password")).toHaveAttribute("autocomplete", "current-password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
  });

  it("says what is missing and sends nothing when submitted empty", async () => {
    const { user, onSignIn } = setup();
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(onSignIn).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Email")).toHaveAccessibleDescription("Email is required.");
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Password is required.");
    expect(screen.getAllByRole("alert")).toHaveLength(2);
  });

  it("rejects an email address without a domain once the field is left", async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText("Email"), "ada");
    await user.tab();
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Enter an email address like name@example.com.",
    );
  });

  it("sends the normalised email and the password as typed", async () => {
    const { user, onSignIn } = setup();
    await user.type(screen.getByLabelText("Email"), "  Ada@Example.com ");
    await user.type(screen.getByLabelText("Password"), " pass word ");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(onSignIn).toHaveBeenCalledWith({ email: "ada@example.com", password: " pass word " });
  });

  it("announces the server's answer: a wrong password or throttling", async () => {
    const onSignIn = vi
      .fn<() => Promise<FormOutcome>>()
      .mockResolvedValueOnce({ ok: false, message: "Email or password is wrong." })
      .mockResolvedValueOnce({ ok: false, message: "Too many failed sign-ins. Try again in 5 minutes." });
    const { user } = setup(onSignIn);
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Email or password is wrong.");

    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/Try again in 5 minutes/);
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });
});
