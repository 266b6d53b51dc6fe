import { describe, expect, it } from "vitest";
import {
  adminConsentUrl,
  DEFAULT_FEATURES,
  defenderFeatures,
  permissionsFor,
  seedPermissions,
} from "./features";
import { defenderClouds } from "./schema";

describe("adminConsentUrl", () => {
  it("points commercial and GCC tenants at login.microsoftonline.com", () => {
    expect(adminConsentUrl(defenderClouds.commercial.authorityHost, "t-1", "a-1")).toBe(
      "https://login.microsoftonline.com/t-1/adminconsent?client_id=a-1",
    );
    expect(adminConsentUrl(defenderClouds.gcc.authorityHost, "t-1", "a-1")).toContain(
      "login.microsoftonline.com",
    );
  });

  it("points GCC High and DoD tenants at login.microsoftonline.us", () => {
    expect(adminConsentUrl(defenderClouds["gcc-high"].authorityHost, "t-1", "a-1")).toBe(
      "https://login.microsoftonline.us/t-1/adminconsent?client_id=a-1",
    );
  });
});

describe("the features", () => {
  it("default to alerts and devices, whose permissions are round 1's", () => {
    expect(DEFAULT_FEATURES).toEqual(["alerts", "devices"]);
    expect(permissionsFor(DEFAULT_FEATURES)).toEqual([
      { name: "Alert.Read.All", api: "WindowsDefenderATP" },
      { name: "Machine.Read.All", api: "WindowsDefenderATP" },
    ]);
  });

  it("list each permission once even when two features share one", () => {
    const all = permissionsFor(defenderFeatures.map((f) => f.id));
    expect(new Set(all.map((p) => `${p.api}|${p.name}`)).size).toBe(all.length);
  });

  it("give every seed-guide permission a feature or a reason", () => {
    for (const p of seedPermissions)
      expect(p.feature !== null || p.note.startsWith("Not needed by Patchbay")).toBe(true);
  });
});
