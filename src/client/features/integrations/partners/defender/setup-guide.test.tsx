import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { partnerCatalog } from "../../../../../shared/partners/registry";
import type { ConnectDraft } from "../../features";
import { DefenderSetupGuide as SetupGuide } from "./setup-guide";

const TENANT = "11111111-2222-3333-4444-555555555555";
const APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

function defender() {
  const [entry] = partnerCatalog();
  if (!entry) throw new Error("The catalog has no Defender entry.");
  return entry;
}

function draft({
  features = ["alerts", "devices"],
  ...values
}: {
  features?: string[];
  tenantId?: string;
  appId?: string;
  baseUrl?: string;
} = {}): ConnectDraft {
  return { features, values };
}

/** The permission names under one API's heading in "Permissions to add". */
function permissionsUnder(api: string): string[] {
  const list = screen.getByRole("list", { name: `${api} application permissions` });
  return within(list)
    .getAllByRole("listitem")
    .map((item) => item.querySelector("code")?.textContent ?? "");
}

describe("SetupGuide", () => {
  it("lists the setup steps in order inside a labelled aside", () => {
    render(<SetupGuide partner={defender()} />);
    const guide = screen.getByRole("complementary", { name: "Setup guide" });
    const steps = within(guide).getAllByRole("list")[0];
    expect(steps?.tagName).toBe("OL");
    expect(within(guide).getByText(/Grant admin consent for/)).toBeInTheDocument();
  });

  it("without a draft, lists the default features' permissions", () => {
    render(<SetupGuide partner={defender()} />);
    expect(permissionsUnder("WindowsDefenderATP")).toEqual(["Alert.Read.All", "Machine.Read.All"]);
  });

  it("lists exactly the chosen features' permissions, grouped by API in the portal's terms", () => {
    render(
      <SetupGuide
        partner={defender()}
        draft={draft({ features: ["alerts", "incidents", "secret-expiry"] })}
      />,
    );
    const toAdd = screen.getByRole("list", { name: "Permissions to add" });
    const apis = within(toAdd).getAllByText(/→ Application permissions$/);
    expect(apis.map((path) => path.textContent)).toEqual([
      "APIs my organization uses → WindowsDefenderATP → Application permissions",
      "APIs my organization uses → Microsoft Threat Protection → Application permissions",
      "Microsoft APIs → Microsoft Graph → Application permissions",
    ]);
    expect(permissionsUnder("WindowsDefenderATP")).toEqual(["Alert.Read.All"]);
    expect(permissionsUnder("Microsoft Threat Protection")).toEqual(["Incident.Read.All"]);
    expect(permissionsUnder("Microsoft Graph")).toEqual(["Application.Read.All"]);
    expect(within(toAdd).queryByText("Machine.Read.All")).not.toBeInTheDocument();
    expect(within(toAdd).getByText("For Secret expiry")).toBeInTheDocument();
  });

  it("follows the draft: a feature chosen later adds its permissions", () => {
    const partner = defender();
    const { rerender } = render(<SetupGuide partner={partner} draft={draft({ features: ["alerts"] })} />);
    expect(
      screen.queryByRole("list", { name: "Microsoft Graph application permissions" }),
    ).not.toBeInTheDocument();
    rerender(<SetupGuide partner={partner} draft={draft({ features: ["alerts", "intune"] })} />);
    expect(permissionsUnder("Microsoft Graph")).toEqual([
      "DeviceManagementManagedDevices.Read.All",
      "DeviceManagementConfiguration.Read.All",
    ]);
  });

  it("says to choose a feature when none is chosen", () => {
    render(<SetupGuide partner={defender()} draft={draft({ features: [] })} />);
    expect(
      screen.getByText("Choose at least one feature to see the permissions it needs."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Permissions to add" })).not.toBeInTheDocument();
  });

  it("copies each permission and API name, and announces it", async () => {
    const user = userEvent.setup();
    render(<SetupGuide partner={defender()} draft={draft({ features: ["alerts", "incidents"] })} />);
    await user.click(screen.getByRole("button", { name: "Copy Incident.Read.All" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("Incident.Read.All");
    expect(screen.getByText("Incident.Read.All copied")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Copy Microsoft Threat Protection" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("Microsoft Threat Protection");
    await user.click(screen.getByRole("button", { name: "Copy WindowsDefenderATP" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("WindowsDefenderATP");
  });

  it("explains, collapsed, which permissions of the seed guides Patchbay does not need, and why", async () => {
    const user = userEvent.setup();
    render(<SetupGuide partner={defender()} draft={draft({ features: ["alerts", "indicators"] })} />);
    const summary = screen.getByText(/^Permissions the seed guides ask for that Patchbay does not need/);
    const notNeeded = screen.getByRole("list", { name: "Permissions Patchbay does not need", hidden: true });
    expect(notNeeded).not.toBeVisible();

    await user.click(summary);
    expect(notNeeded).toBeVisible();
    const item = (name: string) =>
      within(notNeeded)
        .getAllByRole("listitem")
        .find((li) => li.querySelector("code")?.textContent === name);
    expect(item("user_impersonation")).toHaveTextContent(/Azure Service Management · Delegated/);
    expect(item("user_impersonation")).toHaveTextContent(/signs in as the app itself/);
    expect(item("Data.Read")).toHaveTextContent(/reads no Application Insights telemetry/);
    expect(item("Machine.Read.All")).toHaveTextContent("Only for Devices, which is not chosen.");
    expect(item("Ti.Read.All")).toHaveTextContent(/asks for Ti\.ReadWrite\.All instead/);
    // What the chosen features need is never in the "not needed" list.
    expect(item("Alert.Read.All")).toBeUndefined();
    expect(item("Ti.ReadWrite.All")).toBeUndefined();
  });

  it("links to admin consent for the chosen cloud once Tenant ID and App ID are GUIDs", () => {
    const partner = defender();
    const { rerender } = render(
      <SetupGuide partner={partner} draft={draft({ tenantId: "contoso.onmicrosoft.com", appId: APP })} />,
    );
    expect(screen.queryByRole("link", { name: /Grant admin consent/ })).not.toBeInTheDocument();
    expect(
      screen.getByText(/Enter Tenant ID and App ID to get a direct admin-consent link/),
    ).toBeInTheDocument();

    rerender(<SetupGuide partner={partner} draft={draft({ tenantId: ` ${TENANT} `, appId: APP })} />);
    const commercial = screen.getByRole("link", { name: /Grant admin consent/ });
    expect(commercial).toHaveAttribute(
      "href",
      `https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${APP}`,
    );

    rerender(
      <SetupGuide
        partner={partner}
        draft={draft({
          tenantId: TENANT,
          appId: APP,
          baseUrl: "https://api-gov.securitycenter.microsoft.us",
        })}
      />,
    );
    const link = screen.getByRole("link", { name: /Grant admin consent/ });
    expect(link).toHaveAttribute(
      "href",
      `https://login.microsoftonline.us/${TENANT}/adminconsent?client_id=${APP}`,
    );
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(link).toHaveAccessibleName(/opens in a new tab/);
    expect(screen.getByText(/grants exactly the permissions the app registration lists/)).toBeInTheDocument();
  });

  it("reminds the admin to grant consent", () => {
    render(<SetupGuide partner={defender()} />);
    expect(screen.getByText("Grant admin consent", { selector: "strong" })).toBeInTheDocument();
  });

  it("opens Microsoft's docs in a new tab without opener or referrer", () => {
    render(<SetupGuide partner={defender()} />);
    const link = screen.getByRole("link", { name: /Grant tenant-wide admin consent/ });
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(link).toHaveAccessibleName(/opens in a new tab/);
  });
});
