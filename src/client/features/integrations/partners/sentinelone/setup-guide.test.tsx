import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { partnerCatalog } from "../../../../../shared/partners/registry";
import { SentinelOneSetupGuide } from "./setup-guide";

function sentinelOne(extraSentinelOneHosts: string[] = []) {
  const entry = partnerCatalog({ extraSentinelOneHosts }).find((p) => p.id === "sentinelone");
  if (!entry) throw new Error("The catalog has no SentinelOne entry.");
  return entry;
}

describe("SentinelOneSetupGuide", () => {
  it("walks through a Service User with the Viewer role, its scope, its expiry and the token shown once", () => {
    render(<SentinelOneSetupGuide partner={sentinelOne()} />);
    const guide = screen.getByRole("complementary", { name: "Setup guide" });
    const steps = within(guide)
      .getAllByRole("listitem")
      .map((li) => li.textContent ?? "");
    expect(steps[0]).toContain("browser's address bar");
    expect(steps[1]).toContain("Settings → Users → Service Users → New Service User");
    expect(steps[2]).toContain("Account or the Site");
    expect(steps[3]).toContain("Viewer");
    expect(steps[4]).toContain("shows it only once");
  });

  it("lists the role permissions of the chosen features only", () => {
    render(<SentinelOneSetupGuide partner={sentinelOne()} draft={{ features: ["devices"], values: {} }} />);
    const list = screen.getByRole("list", { name: "Role permissions needed" });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((li) => li.querySelector("code")?.textContent),
    ).toEqual(["Endpoints: View"]);
  });

  it("shows the API address Patchbay will call for the Console URL typed so far, path removed", () => {
    const { rerender } = render(
      <SentinelOneSetupGuide
        partner={sentinelOne()}
        draft={{ features: ["alerts"], values: { consoleUrl: "usea1-contoso.sentinelone.net/dashboard" } }}
      />,
    );
    expect(screen.getByText("https://usea1-contoso.sentinelone.net/web/api/v2.1/")).toBeInTheDocument();
    rerender(
      <SentinelOneSetupGuide
        partner={sentinelOne(["127.0.0.1:9445"])}
        draft={{ features: ["alerts"], values: { consoleUrl: "https://127.0.0.1:9445" } }}
      />,
    );
    expect(screen.getByText("https://127.0.0.1:9445/web/api/v2.1/")).toBeInTheDocument();
    rerender(
      <SentinelOneSetupGuide
        partner={sentinelOne()}
        draft={{ features: ["alerts"], values: { consoleUrl: "https://console.sentinelone.net" } }}
      />,
    );
    expect(screen.queryByText(/\/web\/api\/v2\.1\/$/)).not.toBeInTheDocument();
  });
});
