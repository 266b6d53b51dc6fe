import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { integrationEventSchema, integrationSchema } from "../../../shared/contract";
import { SIM_SEED } from "../../../simulator/seed";
import { createTestApp, setSimulatorFault, type TestApp } from "../../../test/test-app";
import { openDatabase } from "../../db/client";
import { cleanUpstream, cleanUpstreamText, MAX_UPSTREAM_TEXT } from "../../lib/upstream-text";

/** A rogue or broken upstream must never turn into a 500, a stale status or a leaking log line (issue 6). */

const hostile = SIM_SEED.hostileUpstream;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: "trace" });
});
afterEach(async () => {
  await setSimulatorFault(hostile.tenantId, null);
});
afterAll(async () => {
  await t.app.close();
});

// Anything PostgreSQL's jsonb refuses, or a page or log line should never show.
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u202e]|\\u0000|[\ud800-\udbff](?![\udc00-\udfff])/;

async function connectHostileTenant() {
  const created = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: {
      partner: "defender",
      baseUrl: t.simulator.origin,
      tenantId: hostile.tenantId,
      appId: hostile.appId,
      appSecret: hostile.appSecret,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return integrationSchema.parse(created.json());
}

describe("Microsoft's text with NUL, controls and a quarter megabyte in it", () => {
  it.each(["api", "token"] as const)(
    "a re-check whose %s answer is hostile records the failure instead of answering 500",
    async (target) => {
      const integration = await connectHostileTenant();
      try {
        await setSimulatorFault(hostile.tenantId, { kind: "hostile_text", target });
        const checked = await t.inject({ method: "POST", url: `/api/integrations/${integration.id}/check` });
        expect(checked.statusCode, checked.body.slice(0, 500)).toBe(200);
        const after = integrationSchema.parse(checked.json());
        // Stored and shown: the status moved on (it did not stay stale), with the upstream text made safe.
        expect(after.status).toBe("degraded");
        expect(after.error?.code).toBe("upstream_error");
        expect(after.lastCheckedAt).not.toBe(integration.lastCheckedAt);
        expect(checked.body).not.toMatch(UNSAFE);
        for (const value of Object.values(after.error?.detail ?? {})) {
          if (typeof value === "string") expect(value.length).toBeLessThanOrEqual(MAX_UPSTREAM_TEXT);
        }
        const events = await t.inject({ method: "GET", url: `/api/integrations/${integration.id}/events` });
        expect(events.statusCode).toBe(200);
        expect(events.body).not.toMatch(UNSAFE);
        expect(integrationEventSchema.array().parse(events.json().events)[0]?.kind).toBeDefined();
      } finally {
        await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
      }
    },
  );

  it("a dry-run test against a hostile answer is a clean report, not a 500", async () => {
    await setSimulatorFault(hostile.tenantId, { kind: "hostile_text", target: "api" });
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations/test",
      payload: {
        partner: "defender",
        baseUrl: t.simulator.origin,
        tenantId: hostile.tenantId,
        appId: hostile.appId,
        appSecret: hostile.appSecret,
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toMatch(UNSAFE);
  });
});

describe("the log", () => {
  it("never prints a failed query's parameters (they can be ciphertexts, IVs or password hashes)", async () => {
    const database = await openDatabase({ dataDir: "memory://" });
    const canary = "not-json-ciphertext-canary-4f1d";
    let failure: unknown;
    try {
      await database.db.execute(sql`select ${canary}::jsonb`);
    } catch (error) {
      failure = error;
    } finally {
      await database.close();
    }
    expect(failure).toBeInstanceOf(Error);
    t.app.log.error({ err: failure }, "a query failed");
    const line = t.logs.find((l) => l.includes("a query failed"));
    expect(line).toBeDefined();
    expect(line).toContain("Failed query: select $1::jsonb");
    expect(line).toContain("parameters withheld");
    expect(t.logs.join("\n")).not.toContain(canary);
  });
});

describe("cleanUpstreamText and cleanUpstream", () => {
  it("drop NUL, controls and direction overrides, mend unpaired surrogates and cap the length", () => {
    expect(cleanUpstreamText("a\u0000b\u0007c\u202ed\ud800e\tf\ng")).toBe("abcd\ufffde\tf\ng");
    const long = cleanUpstreamText("x".repeat(10_000));
    expect(long).toHaveLength(MAX_UPSTREAM_TEXT);
    expect(long.endsWith("…")).toBe(true);
    expect(cleanUpstreamText(`${"y".repeat(MAX_UPSTREAM_TEXT - 2)}😀`)).not.toMatch(/[\ud800-\udbff]…$/);
  });

  it("clean keys and values at any depth, and bound the size of what they keep", () => {
    const cleaned = cleanUpstream({ "k\u0000": ["v\u0000", { deep: "\u202eflip" }], n: Number.NaN });
    expect(cleaned).toEqual({ k: ["v", { deep: "flip" }], n: null });
    const wide = cleanUpstream(Array.from({ length: 1_500 }, (_, i) => i));
    expect(Array.isArray(wide) && wide.length).toBe(1_000);
  });
});

describe("the log, again", () => {
  it("never prints a query's parameters through the cause of another error either", async () => {
    const database = await openDatabase({ dataDir: "memory://" });
    const canary = "caused-by-canary-77a1";
    let failure: unknown;
    try {
      await database.db.execute(sql`select ${canary}::jsonb`);
    } catch (error) {
      failure = new Error("saving the report failed", { cause: error });
    } finally {
      await database.close();
    }
    t.app.log.error({ err: failure }, "a wrapped query failed");
    expect(t.logs.find((l) => l.includes("a wrapped query failed"))).toContain("parameters withheld");
    expect(t.logs.join("\n")).not.toContain(canary);
  });

  it("keeps long lists parseable: they are cut, never given a foreign element", () => {
    const cleaned = cleanUpstream(
      Array.from({ length: 1_500 }, (_, i) => ({ name: `Role.${i}`, api: "Graph" })),
    );
    expect(Array.isArray(cleaned) && cleaned.every((x) => typeof x === "object")).toBe(true);
  });
});
