import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("refuses DATABASE_URL without PATCHBAY_MASTER_KEY, naming the variable and how to make one", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://localhost/patchbay" })).toThrow(EnvError);
    expect(() => parseEnv({ DATABASE_URL: "postgres://localhost/patchbay" })).toThrow(
      /PATCHBAY_MASTER_KEY: is required with DATABASE_URL.*openssl rand -base64 32/,
    );
  });

  it("takes DATABASE_URL with a master key, and the embedded database without one", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(
      parseEnv({ DATABASE_URL: "postgres://localhost/patchbay", PATCHBAY_MASTER_KEY: key }).DATABASE_URL,
    ).toBe("postgres://localhost/patchbay");
    expect(parseEnv({}).DATABASE_URL).toBeUndefined();
  });
});
