import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Permissions } from "../../../../shared/contract";
import { defenderPermission, graphPermission } from "../integration-fixtures";
import { PermissionList } from "./permission-list";

function stateOf(api: string, name: string): string {
  const group = screen.getByRole("list", { name: `${api} permissions` });
  const item = within(group)
    .getAllByRole("listitem")
    .find((li) => li.querySelector("code")?.textContent === name);
  return item?.textContent?.replace(name, "") ?? "absent";
}

describe("PermissionList", () => {
  it("groups the required permissions by API, each granted, missing or not checked on its own API", () => {
    const permissions: Permissions = {
      required: [
        defenderPermission("Alert.Read.All"),
        defenderPermission("Machine.Read.All"),
        graphPermission("Application.Read.All"),
      ],
      // A ReadWrite role satisfies Alert.Read.All; nothing at all is known of Microsoft Graph (no token for it).
      granted: [defenderPermission("Alert.ReadWrite.All")],
      missing: [defenderPermission("Machine.Read.All")],
      unused: [],
    };
    render(
      <PermissionList
        permissions={permissions}
        label="Required permissions"
        apiOrder={["WindowsDefenderATP", "Microsoft Graph"]}
      />,
    );
    const groups = within(screen.getByRole("list", { name: "Required permissions" })).getAllByRole("list");
    expect(groups.map((g) => g.getAttribute("aria-label"))).toEqual([
      "WindowsDefenderATP permissions",
      "Microsoft Graph permissions",
    ]);
    expect(stateOf("WindowsDefenderATP", "Alert.Read.All")).toBe("Granted");
    expect(stateOf("WindowsDefenderATP", "Machine.Read.All")).toBe("Missing");
    expect(stateOf("Microsoft Graph", "Application.Read.All")).toBe("Not checked");
    expect(screen.queryByText("Granted but unused")).not.toBeInTheDocument();
  });

  it("lists what the app holds but no enabled feature needs, apart, with why to remove it", () => {
    render(
      <PermissionList
        label="Required permissions"
        permissions={{
          required: [defenderPermission("Alert.Read.All")],
          granted: [defenderPermission("Alert.Read.All")],
          missing: [],
          unused: [defenderPermission("Machine.Isolate"), graphPermission("User.Read.All")],
        }}
      />,
    );
    expect(screen.getByText("Granted but unused")).toBeInTheDocument();
    expect(
      screen.getByText(/no enabled feature needs them: remove them .* to limit what this secret can do/),
    ).toBeInTheDocument();
    const unused = screen.getByRole("list", { name: "Granted but unused" });
    expect(within(unused).getByRole("list", { name: "WindowsDefenderATP permissions" })).toHaveTextContent(
      /Machine\.Isolate\s*Unused/,
    );
    expect(within(unused).getByRole("list", { name: "Microsoft Graph permissions" })).toHaveTextContent(
      /User\.Read\.All\s*Unused/,
    );
    expect(screen.getByRole("list", { name: "Required permissions" })).not.toHaveTextContent(
      "Machine.Isolate",
    );
  });
});
