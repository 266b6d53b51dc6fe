import { describe, expect, it } from "vitest";
import { rolesUpTo } from "../../lib/roles";
import { restrictionFor, safeNextPath, signInPath } from "./session";

describe("safeNextPath", () => {
  it.each([
    ["/audit?action=user.create", "/audit?action=user.create"],
    ["/integrations/abc", "/integrations/abc"],
    [null, "/integrations"],
    ["", "/integrations"],
    ["https://evil.example/", "/integrations"],
    ["//evil.example/", "/integrations"],
    ["/\\evil.example", "/integrations"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["/\t/evil.example", "/integrations"],
    ["/\n/evil.example", "/integrations"],
    ["/sign-in?next=/users", "/integrations"],
    ["/setup", "/integrations"],
  ])("turns %j into %j", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe("signInPath", () => {
  it("comes back to the page the user was on", () => {
    expect(signInPath("/audit?actor=ada")).toBe("/sign-in?next=%2Faudit%3Factor%3Dada");
    expect(signInPath("/integrations")).toBe("/sign-in");
  });
});

describe("roles", () => {
  it("explains what a viewer cannot do, and lets an admin do everything", () => {
    expect(restrictionFor("viewer")).toBe("Viewers can't make changes. Ask an admin.");
    expect(restrictionFor("admin")).toBeUndefined();
  });

  it("hands out no role higher than the user's own", () => {
    expect(rolesUpTo("admin")).toEqual(["admin", "viewer"]);
    expect(rolesUpTo("viewer")).toEqual(["viewer"]);
  });
});
