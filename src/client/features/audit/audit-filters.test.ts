import { describe, expect, it } from "vitest";
import {
  auditApiPath,
  filtersFromSearchParams,
  filtersToSearchParams,
  isoToLocalInput,
  localInputToIso,
} from "./audit-filters";

const INTEGRATION = "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10";

describe("audit filters", () => {
  it("builds the API query from the filters and the cursor", () => {
    expect(auditApiPath({})).toBe("/audit");
    expect(
      auditApiPath(
        {
          actor: "ada",
          action: "integration.connect",
          integrationId: INTEGRATION,
          from: "2025-11-01T00:00:00.000Z",
          to: "2025-11-30T23:59:00.000Z",
        },
        "c123",
        50,
      ),
    ).toBe(
      `/audit?actor=ada&action=integration.connect&integrationId=${INTEGRATION}&from=2025-11-01T00%3A00%3A00.000Z&to=2025-11-30T23%3A59%3A00.000Z&cursor=c123&limit=50`,
    );
  });

  it("leaves out empty filters", () => {
    expect(filtersToSearchParams({ actor: "  ", action: undefined }).toString()).toBe("");
  });

  it("reads filters back from the URL and drops values the API would refuse", () => {
    const params = new URLSearchParams({
      actor: "token “SIEM sync”",
      action: "not.an.action",
      integrationId: "not-a-uuid",
      from: "2025-11-01T00:00:00.000Z",
      to: "yesterday",
    });
    expect(filtersFromSearchParams(params)).toEqual({
      actor: "token “SIEM sync”",
      from: "2025-11-01T00:00:00.000Z",
    });
  });

  it("converts datetime-local values (local time) to ISO and back", () => {
    const iso = localInputToIso("2025-11-22T10:30");
    expect(iso).toBe(new Date(2025, 10, 22, 10, 30).toISOString());
    expect(isoToLocalInput(iso)).toBe("2025-11-22T10:30");
    expect(localInputToIso("")).toBeUndefined();
    expect(isoToLocalInput(undefined)).toBe("");
  });
});
