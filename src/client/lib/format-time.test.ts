import { describe, expect, it } from "vitest";
import { formatRelative } from "./format-time";

const now = new Date("2025-11-22T12:00:00.000Z");

describe("formatRelative", () => {
  it.each([
    ["2025-11-22T11:59:40.000Z", /just now/],
    ["2025-11-22T11:57:00.000Z", /3 minutes ago/],
    ["2025-11-22T09:00:00.000Z", /3 hours ago/],
    ["2025-11-21T12:00:00.000Z", /yesterday/],
    ["2025-11-22T12:10:00.000Z", /in 10 minutes/],
  ])("formats %s", (iso, expected) => {
    expect(formatRelative(iso, now)).toMatch(expected);
  });
});
