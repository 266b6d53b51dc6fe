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

  it("reads PATCHBAY_EXTRA_SENTINELONE_HOSTS as host or host:port, and refuses anything else naming it", () => {
    expect(
      parseEnv({ PATCHBAY_EXTRA_SENTINELONE_HOSTS: " S1.Example.GOV , 127.0.0.1:9445 " })
        .PATCHBAY_EXTRA_SENTINELONE_HOSTS,
    ).toEqual(["s1.example.gov", "127.0.0.1:9445"]);
    expect(parseEnv({}).PATCHBAY_EXTRA_SENTINELONE_HOSTS).toEqual([]);
    expect(() => parseEnv({ PATCHBAY_EXTRA_SENTINELONE_HOSTS: "https://s1.example.gov/" })).toThrow(
      /PATCHBAY_EXTRA_SENTINELONE_HOSTS\.0: each entry must be host or host:port/,
    );
  });
});
