import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { SetupGuide } from "./setup-guide";

function defender() {
  const [entry] = partnerCatalog();
  if (!entry) throw new Error("The catalog has no Defender entry.");
  return entry;
}

describe("SetupGuide", () => {
  it("lists the setup steps in order inside a labelled aside", () => {
    render(<SetupGuide partner={defender()} />);
    const guide = screen.getByRole("complementary", { name: "Setup guide" });
    const steps = within(guide).getAllByRole("list")[0];
    expect(steps?.tagName).toBe("OL");
    expect(within(guide).getByText(/Grant admin consent for/)).toBeInTheDocument();
  });

  it("offers each required permission and the API name to copy", async () => {
    const user = userEvent.setup();
    render(<SetupGuide partner={defender()} />);
    expect(screen.getByText("WindowsDefenderATP")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Copy Machine.Read.All" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("Machine.Read.All");
    await user.click(screen.getByRole("button", { name: "Copy Alert.Read.All" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("Alert.Read.All");
    expect(screen.getByRole("button", { name: "Copy WindowsDefenderATP" })).toBeInTheDocument();
  });

  it("reminds the admin to grant consent", () => {
    render(<SetupGuide partner={defender()} />);
    expect(screen.getByText("Grant admin consent", { selector: "strong" })).toBeInTheDocument();
  });

  it("opens Microsoft's docs in a new tab without a referrer", () => {
    render(<SetupGuide partner={defender()} />);
    const link = screen.getByRole("link", { name: /Grant tenant-wide admin consent/ });
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noreferrer");
    expect(link).toHaveAccessibleName(/opens in a new tab/);
  });
});
