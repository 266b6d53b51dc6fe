import { describe, expect, it } from "vitest";
import { humanize } from "./humanize";

describe("humanize", () => {
  it("turns a partner's PascalCase values into words", () => {
    expect(humanize("InProgress")).toBe("In progress");
    expect(humanize("NoSensorDataImpairedCommunication")).toBe("No sensor data impaired communication");
    expect(humanize("CanBeOnboarded")).toBe("Can be onboarded");
  });

  it("leaves words, single words and acronyms alone", () => {
    expect(humanize("Active")).toBe("Active");
    expect(humanize("Windows11")).toBe("Windows11");
    expect(humanize("EDR")).toBe("EDR");
    expect(humanize("Not onboarded")).toBe("Not onboarded");
  });
});
