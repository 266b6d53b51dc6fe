import { describe, expect, it } from "vitest";
import { matchSecretExpiry, secretHint } from "./secret-expiry";

/** Matching the secret in use to Graph's passwordCredentials by hint (reference microsoft-graph.md §1.5). */

const now = new Date("2026-12-03T12:00:00Z");
const credential = (hint: string | null, endDateTime: string | null, displayName: string | null = null) => ({
  customKeyIdentifier: null,
  displayName,
  endDateTime,
  hint,
  keyId: "f0b0b335-1d71-4883-8f98-567911bfdca6",
  secretText: null,
  startDateTime: "2024-09-09T19:50:29.3086381Z",
});

describe("matchSecretExpiry", () => {
  it("uses only the first three characters of the secret", () => {
    expect(secretHint("abc8Q~rest-of-the-secret")).toBe("abc");
  });

  it("finds the one credential with the hint, not the earliest one", () => {
    const app = {
      passwordCredentials: [
        credential("old", "2027-01-01T00:00:00Z"),
        credential("abc", "2028-06-30T10:00:00Z", "prod"),
      ],
    };
    expect(matchSecretExpiry(app, "abc", now)).toEqual({
      kind: "unique",
      credential: { endsAt: "2028-06-30T10:00:00.000Z", keyId: expect.any(String), displayName: "prod" },
    });
  });

  it("takes the earliest end of several credentials sharing the hint", () => {
    const app = {
      passwordCredentials: [
        credential("abc", "2028-06-30T00:00:00Z"),
        credential("abc", "2027-02-01T00:00:00Z"),
      ],
    };
    expect(matchSecretExpiry(app, "abc", now)).toMatchObject({
      kind: "ambiguous",
      candidates: 2,
      credential: { endsAt: "2027-02-01T00:00:00.000Z" },
    });
  });

  it("reports no match with the earliest future end of the others, skipping expired ones", () => {
    const app = {
      passwordCredentials: [
        credential("xyz", "2025-01-01T00:00:00Z"),
        credential("def", "2027-03-01T00:00:00Z"),
      ],
    };
    expect(matchSecretExpiry(app, "abc", now)).toMatchObject({
      kind: "none",
      earliestFuture: { endsAt: "2027-03-01T00:00:00.000Z" },
    });
    expect(matchSecretExpiry({ passwordCredentials: [] }, "abc", now)).toEqual({
      kind: "none",
      earliestFuture: null,
    });
  });

  it("survives Graph's nulls and surprises: null lists, null or bad dates, entries of the wrong shape", () => {
    expect(matchSecretExpiry({ passwordCredentials: null }, "abc", now)).toEqual({
      kind: "none",
      earliestFuture: null,
    });
    const app = {
      passwordCredentials: [
        credential("abc", null),
        credential("abc", "not a date"),
        42,
        "x",
        credential(null, null),
      ],
    };
    expect(matchSecretExpiry(app, "abc", now)).toEqual({ kind: "none", earliestFuture: null });
    expect(matchSecretExpiry("not an object", "abc", now)).toEqual({ kind: "unreadable" });
  });

  it("prefers a live credential over an expired one that shares the hint (Entra keeps expired ones listed)", () => {
    const app = {
      passwordCredentials: [
        credential("abc", "2025-01-01T00:00:00Z"),
        credential("abc", "2028-06-30T00:00:00Z"),
      ],
    };
    expect(matchSecretExpiry(app, "abc", now)).toMatchObject({
      kind: "unique",
      credential: { endsAt: "2028-06-30T00:00:00.000Z" },
    });
  });

  it("ignores end dates no person could mean (a broken upstream)", () => {
    const app = {
      passwordCredentials: [
        credential("abc", "+010000-01-01T00:00:00Z"),
        credential("abc", "0001-01-01T00:00:00Z"),
      ],
    };
    expect(matchSecretExpiry(app, "abc", now)).toEqual({ kind: "none", earliestFuture: null });
  });
});
