import { describe, expect, it } from "vitest";
import {
  alertsApiPath,
  alertViewFromSearchParams,
  alertViewToSearchParams,
  defaultAlertSort,
  describeAlertSort,
} from "./alert-view";

const INTEGRATION = "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10";
const NOW = Date.UTC(2025, 10, 22, 12, 0, 0);

describe("alert view", () => {
  it("asks the API for the filters, the range as a start time, the sort, the page size and the cursor", () => {
    const path = alertsApiPath(
      {
        severity: "high",
        status: "InProgress",
        range: "7d",
        integrationId: INTEGRATION,
        q: " contoso ",
        sort: { key: "severity", order: "desc" },
      },
      { cursor: "c2", limit: 50, now: NOW },
    );
    const [pathname, query] = path.split("?");
    expect(pathname).toBe("/alerts");
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      severity: "high",
      status: "InProgress",
      from: "2025-11-15T12:00:00.000Z",
      integrationId: INTEGRATION,
      q: "contoso",
      sort: "severity",
      order: "desc",
      limit: "50",
      cursor: "c2",
    });
  });

  it("always states the sort to the API, and leaves out what is not set", () => {
    expect(alertsApiPath({ sort: defaultAlertSort }, { limit: 50, now: NOW })).toBe(
      "/alerts?sort=createdAt&order=desc&limit=50",
    );
  });

  it("keeps the range, not a date, in the URL, and leaves the default sort out", () => {
    expect(alertViewToSearchParams({ range: "24h", q: "  ", sort: defaultAlertSort }).toString()).toBe(
      "range=24h",
    );
    expect(alertViewToSearchParams({ sort: { key: "title", order: "asc" } }).toString()).toBe(
      "sort=title&order=asc",
    );
  });

  it("reads the view back from the URL, dropping values the API would refuse", () => {
    const view = alertViewFromSearchParams(
      new URLSearchParams({
        severity: "catastrophic",
        status: "New",
        range: "1y",
        integrationId: "not-a-uuid",
        q: "ransom",
        sort: "title",
      }),
    );
    expect(view).toEqual({
      severity: undefined,
      status: "New",
      range: undefined,
      integrationId: undefined,
      q: "ransom",
      sort: { key: "title", order: "asc" },
    });
    expect(alertViewFromSearchParams(new URLSearchParams("sort=nope&order=sideways")).sort).toEqual(
      defaultAlertSort,
    );
  });

  it("says the sort in words", () => {
    expect(describeAlertSort(defaultAlertSort)).toBe("by time created, newest first");
    expect(describeAlertSort({ key: "severity", order: "desc" })).toBe("by severity, most severe first");
  });
});
