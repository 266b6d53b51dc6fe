import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { type ConnectRequest, partnerCatalog } from "../../../../shared/partners/registry";
import type { ConnectDraft } from "../features";
import { ConnectForm, type SubmitOutcome } from "./connect-form";

const TENANT = "11111111-2222-3333-4444-555555555555";
const APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const SECRET = "abc8Q~fakeSecretValue.1234567890abcdefghij";

function defender(extraHosts: string[] = []) {
  const [entry] = partnerCatalog({ extraHosts });
  if (!entry) throw new Error("The catalog has no Defender entry.");
  return entry;
}

function setup({
  extraHosts = [],
  onTest = vi.fn(async (): Promise<SubmitOutcome> => ({ ok: true })),
  onConnect = vi.fn(async (): Promise<SubmitOutcome> => ({ ok: true })),
  onDraftChange = vi.fn((_draft: ConnectDraft) => {}),
}: {
  extraHosts?: string[];
  onTest?: (input: ConnectRequest) => Promise<SubmitOutcome>;
  onConnect?: (input: ConnectRequest) => Promise<SubmitOutcome>;
  onDraftChange?: (draft: ConnectDraft) => void;
} = {}) {
  const user = userEvent.setup();
  render(
    <ConnectForm
      partner={defender(extraHosts)}
      onTest={onTest}
      onConnect={onConnect}
      onDraftChange={onDraftChange}
    />,
  );
  return { user, onTest, onConnect, onDraftChange };
}

async function typeAndLeave(user: ReturnType<typeof userEvent.setup>, label: string, value: string) {
  const input = screen.getByLabelText(label);
  await user.clear(input);
  if (value !== "") await user.type(input, value);
  await user.tab();
  return input;
}

async function expectFieldError(label: string, message: RegExp) {
  const input = screen.getByLabelText(label);
  expect(input).toHaveAttribute("aria-invalid", "true");
  expect(input).toHaveAccessibleDescription(message);
  const alerts = await screen.findAllByRole("alert");
  expect(alerts.some((alert) => message.test(alert.textContent ?? ""))).toBe(true);
}

async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("Base URL"), "https://api.security.microsoft.com/");
  await user.type(screen.getByLabelText("Tenant ID"), `  ${TENANT.toUpperCase()} `);
  await user.type(screen.getByLabelText("App ID"), APP);
  await user.type(screen.getByLabelText("App Secret"), SECRET);
}

describe("ConnectForm", () => {
  it("labels every field exactly and masks the App Secret", () => {
    setup();
    expect(screen.getByLabelText("Base URL")).toBeInTheDocument();
    expect(screen.getByLabelText("Tenant ID")).toBeInTheDocument();
    expect(screen.getByLabelText("App ID")).toBeInTheDocument();
    const secret = screen.getByLabelText("App Secret");
    expect(secret).toHaveAttribute("type", "password");
    expect(secret).toHaveAttribute("autocomplete", "off");
    expect(screen.getByLabelText(/^Name/)).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Cloud and region" })).toBeInTheDocument();
  });

  it("shows the catalog's help text with each field", () => {
    setup();
    expect(screen.getByLabelText("App ID")).toHaveAccessibleDescription(/Application \(client\) ID/);
    expect(screen.getByLabelText("App Secret")).toHaveAccessibleDescription(/not its Secret ID/);
  });

  it("shows no error before a field is touched", async () => {
    const { user } = setup();
    await user.click(screen.getByLabelText("Base URL"));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Base URL")).toHaveAttribute("aria-invalid", "false");
  });

  it.each([
    ["", /Base URL is required/],
    ["https://api.securitycenter.microsoft.com/api", /Leave \/api off the Base URL/],
    ["https://api.securitycenter.microsoft.com/api/", /Leave \/api off the Base URL/],
    ["http://api.security.microsoft.com", /must use https:\/\/, not http:\/\//],
    ["api.security.microsoft.com", /must start with https:\/\//],
    ["https://example.com", /not a Microsoft Defender for Endpoint API host/],
    ["https://10.0.0.1", /not an IP address/],
    ["https://admin:pw@api.security.microsoft.com", /must not contain a user name or password/],
    ["https://api.security.microsoft.com:8443", /must not include a port/],
    ["https://api.security.microsoft.com?tenant=1", /must not contain a query string/],
    ["https://api.security.microsoft.com#top", /must not contain a fragment/],
    ["https://api.security.microsoft.com/machines", /no path/],
    ["https://security.microsoft.com", /Defender portal, not its API/],
  ])("rejects Base URL %j once touched", async (value, message) => {
    const { user } = setup();
    await typeAndLeave(user, "Base URL", value);
    await expectFieldError("Base URL", message);
  });

  it("accepts trailing-dot and mixed-case hosts", async () => {
    const { user } = setup();
    await typeAndLeave(user, "Base URL", "https://API.Security.Microsoft.com.");
    expect(screen.getByLabelText("Base URL")).toHaveAttribute("aria-invalid", "false");
    expect(screen.getByRole("combobox", { name: "Cloud and region" })).toHaveValue(
      "https://api.security.microsoft.com",
    );
  });

  it.each([
    ["Tenant ID", "", /Tenant ID is required/],
    ["Tenant ID", "not-a-guid", /Tenant ID must be a GUID/],
    ["Tenant ID", "contoso.onmicrosoft.com", /must be the GUID, not a domain name/],
    ["App ID", "1234", /App ID must be a GUID/],
    ["App Secret", "", /App Secret is required/],
    ["App Secret", TENANT, /looks like the secret's ID, not its Value/],
    ["App Secret", "two words", /contains spaces or line breaks/],
  ])("rejects %s %j once touched", async (label, value, message) => {
    const { user } = setup();
    await typeAndLeave(user, label, value);
    await expectFieldError(label, message);
  });

  it("rejects an App Secret longer than 1024 characters", async () => {
    const { user } = setup();
    const secret = screen.getByLabelText("App Secret");
    await user.click(secret);
    await user.paste("x".repeat(1025));
    await user.tab();
    await expectFieldError("App Secret", /longer than 1024 characters/);
  });

  it("shows and hides the App Secret", async () => {
    const { user } = setup();
    const secret = screen.getByLabelText("App Secret");
    await user.click(screen.getByRole("button", { name: "Show App Secret" }));
    expect(secret).toHaveAttribute("type", "text");
    await user.click(screen.getByRole("button", { name: "Hide App Secret" }));
    expect(secret).toHaveAttribute("type", "password");
  });

  it("fills Base URL from the region select, and selects the region a typed Base URL matches", async () => {
    const { user } = setup();
    const region = screen.getByRole("combobox", { name: "Cloud and region" });
    await user.selectOptions(region, "US Government · GCC High / DoD");
    expect(screen.getByLabelText("Base URL")).toHaveValue("https://api-gov.securitycenter.microsoft.us");

    await typeAndLeave(user, "Base URL", "https://eu.api.security.microsoft.com");
    expect(region).toHaveValue("https://eu.api.security.microsoft.com");

    await typeAndLeave(user, "Base URL", "https://example.com");
    expect(region).toHaveValue("custom");
  });

  it("groups regions by cloud and offers operator-configured hosts from the catalog", async () => {
    const { user } = setup({ extraHosts: ["127.0.0.1:9443"] });
    const region = screen.getByRole("combobox", { name: "Cloud and region" });
    expect(within(region).getByRole("group", { name: "US Government GCC" })).toBeInTheDocument();
    await typeAndLeave(user, "Base URL", "https://127.0.0.1:9443");
    expect(screen.getByLabelText("Base URL")).toHaveAttribute("aria-invalid", "false");
    expect(region).toHaveValue("https://127.0.0.1:9443");
  });

  it("warns, without blocking, when App ID equals Tenant ID", async () => {
    const { user } = setup();
    await typeAndLeave(user, "Tenant ID", TENANT);
    await typeAndLeave(user, "App ID", TENANT);
    const appId = screen.getByLabelText("App ID");
    expect(appId).toHaveAttribute("aria-invalid", "false");
    expect(appId).toHaveAccessibleDescription(/App ID is the same as Tenant ID/);
  });

  it("refuses an Entra secret Value pasted into Name, without showing it back", async () => {
    const { user, onConnect } = setup();
    await fillValid(user);
    const name = screen.getByLabelText(/^Name/);
    await user.type(name, SECRET);
    await user.tab();
    await expectFieldError("Name (optional)", /looks like an Entra client secret Value/);
    expect(name).toHaveAccessibleDescription(expect.not.stringContaining(SECRET));
    for (const alert of screen.getAllByRole("alert")) expect(alert).not.toHaveTextContent(SECRET);

    await user.click(screen.getByRole("button", { name: "Connect" }));
    expect(onConnect).not.toHaveBeenCalled();
  });

  it.each([
    ["an ID (a GUID)", TENANT, /Name looks like an ID \(a GUID\)/],
    ["a key", "A5LE3738uAOhQKPqDybP6+LTscSMYLP0", /Name looks like a key or a secret/],
  ])("warns, without blocking, when Name looks like %s", async (_label, value, warning) => {
    const { user, onConnect } = setup();
    await fillValid(user);
    const name = screen.getByLabelText(/^Name/);
    await user.type(name, value);
    await user.tab();
    expect(name).toHaveAttribute("aria-invalid", "false");
    expect(name).toHaveAccessibleDescription(warning);
    expect(name).toHaveAccessibleDescription(expect.not.stringContaining(value));

    await user.click(screen.getByRole("button", { name: "Connect" }));
    expect(onConnect).toHaveBeenCalledWith(expect.objectContaining({ name: value }));
  });

  it("sends normalised values to onConnect and clears the App Secret afterwards", async () => {
    const { user, onConnect } = setup();
    await fillValid(user);
    await user.type(screen.getByLabelText(/^Name/), "Contoso production");
    await user.click(screen.getByRole("button", { name: "Connect" }));

    expect(onConnect).toHaveBeenCalledWith({
      partner: "defender",
      name: "Contoso production",
      baseUrl: "https://api.security.microsoft.com",
      tenantId: TENANT,
      appId: APP,
      appSecret: SECRET,
      features: ["alerts", "devices"],
      probeAll: false,
    });
    expect(screen.getByLabelText("App Secret")).toHaveValue("");
  });

  it("leaves out a blank Name and keeps the App Secret after Test connection", async () => {
    const { user, onTest, onConnect } = setup();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Test connection" }));
    expect(onTest).toHaveBeenCalledWith(expect.not.objectContaining({ name: expect.anything() }));
    expect(onConnect).not.toHaveBeenCalled();
    expect(screen.getByLabelText("App Secret")).toHaveValue(SECRET);
  });

  it("shows every error and calls nothing when submitted empty", async () => {
    const { user, onConnect } = setup();
    await user.click(screen.getByRole("button", { name: "Connect" }));
    expect(onConnect).not.toHaveBeenCalled();
    for (const label of ["Base URL", "Tenant ID", "App ID", "App Secret"]) {
      expect(screen.getByLabelText(label)).toHaveAttribute("aria-invalid", "true");
    }
    expect(screen.getByLabelText("Base URL")).toHaveFocus();
  });

  it("maps the server's field errors onto the form", async () => {
    const onConnect = vi.fn(
      async (): Promise<SubmitOutcome> => ({
        ok: false,
        fieldErrors: { appId: "The server says App ID is wrong." },
      }),
    );
    const { user } = setup({ onConnect });
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Connect" }));
    await expectFieldError("App ID", /The server says App ID is wrong/);
    expect(screen.getByLabelText("App ID")).toHaveFocus();
    expect(screen.getByLabelText("App Secret")).toHaveValue(SECRET);
  });

  it("shows progress and disables both buttons while verification takes longer than 300 ms", async () => {
    let finish: (outcome: SubmitOutcome) => void = () => {};
    const onTest = vi.fn(() => new Promise<SubmitOutcome>((resolve) => (finish = resolve)));
    const { user } = setup({ onTest });
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Test connection" }));

    expect(await screen.findByText("Verifying with Microsoft…", {}, { timeout: 1_000 })).toBeInTheDocument();
    expect(screen.getByRole("form", { name: /Connect Microsoft Defender/ })).toHaveAttribute(
      "aria-busy",
      "true",
    );
    expect(screen.getByRole("button", { name: "Test connection" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Connect" })).toBeDisabled();

    finish({ ok: true });
    expect(await screen.findByRole("button", { name: "Connect" })).toBeEnabled();
    expect(screen.queryByText("Verifying with Microsoft…")).not.toBeInTheDocument();
  });

  describe("features", () => {
    it("offers one checkbox per catalog feature, grouped by API, with the default features checked", () => {
      setup();
      const features = screen.getByRole("group", { name: "Features" });
      const apis = within(features).getAllByRole("group");
      expect(apis.map((group) => group.querySelector("legend")?.textContent)).toEqual([
        "WindowsDefenderATP",
        "Microsoft Threat Protection",
        "Microsoft Graph",
      ]);
      const checkboxes = within(features).getAllByRole("checkbox");
      expect(checkboxes).toHaveLength(defender().features.length);
      expect(
        checkboxes.filter((box) => (box as HTMLInputElement).checked).map((box) => box.getAttribute("value")),
      ).toEqual(["alerts", "devices"]);

      const incidents = within(apis[1] as HTMLElement).getByRole("checkbox", { name: "Incidents" });
      expect(incidents).not.toBeChecked();
      expect(incidents).toHaveAccessibleDescription(
        "Syncs Defender XDR incidents with their alerts. Permission: Incident.Read.All.",
      );
      expect(
        screen.getByRole("checkbox", { name: "Intune devices and configuration" }),
      ).toHaveAccessibleDescription(
        /Permissions: DeviceManagementManagedDevices\.Read\.All, DeviceManagementConfiguration\.Read\.All\. Needs a Microsoft Intune licence\./,
      );
      expect(
        screen.getByRole("checkbox", { name: "Threat hunting (Microsoft Graph)" }),
      ).toHaveAccessibleDescription(/spends tenant quota/);
    });

    it("sends the chosen features and probeAll with Test connection and with Connect", async () => {
      const { user, onTest, onConnect } = setup();
      await fillValid(user);
      await user.click(screen.getByRole("checkbox", { name: "Devices" }));
      await user.click(screen.getByRole("checkbox", { name: "Incidents" }));
      await user.click(screen.getByRole("checkbox", { name: "Advanced hunting (Defender for Endpoint)" }));
      const probeAll = screen.getByRole("checkbox", {
        name: /^Also run probes that spend tenant quota: Advanced hunting/,
      });
      expect(probeAll).not.toBeChecked();
      await user.click(probeAll);

      await user.click(screen.getByRole("button", { name: "Test connection" }));
      expect(onTest).toHaveBeenCalledWith(
        expect.objectContaining({ features: ["alerts", "hunting", "incidents"], probeAll: true }),
      );
      await user.click(screen.getByRole("button", { name: "Connect" }));
      expect(onConnect).toHaveBeenCalledWith(
        expect.objectContaining({ features: ["alerts", "hunting", "incidents"], probeAll: true }),
      );
    });

    it("requires at least one feature, and announces why nothing was sent", async () => {
      const { user, onConnect } = setup();
      await fillValid(user);
      await user.click(screen.getByRole("checkbox", { name: "Alerts" }));
      await user.click(screen.getByRole("checkbox", { name: "Devices" }));
      await user.click(screen.getByRole("button", { name: "Connect" }));

      expect(onConnect).not.toHaveBeenCalled();
      const alert = await screen.findByRole("alert");
      expect(alert).toHaveTextContent("Choose at least one feature.");
      expect(screen.getByRole("group", { name: "Features" })).toHaveAccessibleDescription(
        /^Choose at least one feature\./,
      );
      expect(screen.getByRole("checkbox", { name: "Alerts" })).toHaveAttribute("aria-invalid", "true");

      await user.click(screen.getByRole("checkbox", { name: "Entra ID devices" }));
      await user.click(screen.getByRole("button", { name: "Connect" }));
      expect(onConnect).toHaveBeenCalledWith(expect.objectContaining({ features: ["entra-devices"] }));
      expect(screen.queryByText("Choose at least one feature.")).not.toBeInTheDocument();
    });

    it("tells the setup guide the chosen features and the fields typed so far, never the secret", async () => {
      const onDraftChange = vi.fn((_draft: ConnectDraft) => {});
      const { user } = setup({ onDraftChange });
      expect(onDraftChange).toHaveBeenLastCalledWith({
        features: ["alerts", "devices"],
        values: { baseUrl: "", tenantId: "", appId: "" },
      });
      await user.selectOptions(
        screen.getByRole("combobox", { name: "Cloud and region" }),
        "US Government · GCC High / DoD",
      );
      await user.type(screen.getByLabelText("Tenant ID"), TENANT);
      await user.type(screen.getByLabelText("App ID"), APP);
      await user.type(screen.getByLabelText("App Secret"), SECRET);
      await user.click(screen.getByRole("checkbox", { name: "Secret expiry" }));
      expect(onDraftChange).toHaveBeenLastCalledWith({
        features: ["alerts", "devices", "secret-expiry"],
        values: { baseUrl: "https://api-gov.securitycenter.microsoft.us", tenantId: TENANT, appId: APP },
      });
      expect(JSON.stringify(onDraftChange.mock.calls)).not.toContain(SECRET);
    });
  });
});
