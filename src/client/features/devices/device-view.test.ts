import { describe, expect, it } from "vitest";
import {
  defaultDeviceSort,
  devicesApiPath,
  deviceViewFromSearchParams,
  deviceViewToSearchParams,
} from "./device-view";

describe("device view", () => {
  it("asks the API for the filters, removed devices when wanted, the sort, the page size and the cursor", () => {
    const path = devicesApiPath(
      {
        health: "Inactive",
        os: "Windows11",
        q: "lab",
        removed: true,
        sort: { key: "lastSeenAt", order: "desc" },
      },
      { cursor: "c2", limit: 50 },
    );
    expect(path).toBe(
      "/devices?health=Inactive&os=Windows11&q=lab&removed=true&sort=lastSeenAt&order=desc&limit=50&cursor=c2",
    );
    expect(devicesApiPath({ sort: defaultDeviceSort }, { limit: 50 })).toBe(
      "/devices?sort=name&order=asc&limit=50",
    );
  });

  it("round-trips through the URL, dropping what the API would refuse", () => {
    const params = deviceViewToSearchParams({
      health: "NoSensorData",
      removed: true,
      sort: { key: "osPlatform", order: "desc" },
    });
    expect(params.toString()).toBe("health=NoSensorData&removed=true&sort=osPlatform&order=desc");
    expect(deviceViewFromSearchParams(params)).toEqual({
      health: "NoSensorData",
      os: undefined,
      integrationId: undefined,
      q: undefined,
      removed: true,
      sort: { key: "osPlatform", order: "desc" },
    });
    const odd = deviceViewFromSearchParams(
      new URLSearchParams({ removed: "yes", integrationId: "x", sort: "lastSeenAt" }),
    );
    expect(odd.removed).toBeUndefined();
    expect(odd.integrationId).toBeUndefined();
    expect(odd.sort).toEqual({ key: "lastSeenAt", order: "desc" });
  });
});
