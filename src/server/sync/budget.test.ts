import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freshPostgresDatabase } from "../../test/test-app";
import { type Database, openDatabase } from "../db/client";
import { rateBudgets } from "../db/schema";
import { SyncFailure } from "../partners/adapter";
import { budgetLeft, createCallBudget } from "./budget";

vi.setConfig({ testTimeout: 60_000 });

/**
 * The shared rate budget, on the real database (PGlite, or PostgreSQL when the suite has one): a sliding minute that
 * lets a burst as large as the limit through at once and not one call more, across any number of instances.
 */

const limits = { perMinute: 12, perHour: 1_500, reservePerMinute: 2 };
const limitsOf = () => limits;
let database: { db: Database; close(): Promise<void> };
beforeAll(async () => {
  const databaseUrl = await freshPostgresDatabase();
  database = await openDatabase(
    databaseUrl ? { databaseUrl, dataDir: "memory://" } : { dataDir: "memory://" },
  );
});
afterAll(async () => {
  await database.close();
});

const budget = (key: string, maxWaitMs = 0) =>
  createCallBudget(database.db, key, new AbortController().signal, { maxWaitMs, limitsOf });

async function row(key: string) {
  const [found] = await database.db.select().from(rateBudgets).where(eq(rateBudgets.key, key));
  if (!found) throw new Error(`no budget row for ${key}`);
  return found;
}

describe("the shared call budget", () => {
  it("lets the minute's limit (less the verification reserve) go at once, then refuses with how long to wait", async () => {
    const calls = budget("tenant-a");
    for (let i = 0; i < 10; i += 1) await calls.take("defender");
    const refused = await calls.take("defender").then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(SyncFailure);
    if (!(refused instanceof SyncFailure)) return;
    expect(refused.code).toBe("budget_exhausted");
    // The oldest of the ten leaves the sliding minute (61 s with the margin) about a minute from now.
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(55);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(62);
    expect(calls.waitedMs()).toBe(0);

    const stored = await row("tenant-a|defender");
    expect(stored.minuteCalls).toHaveLength(10);
    expect(stored.minuteCalls.every((at) => at instanceof Date)).toBe(true);
    expect(stored.hourCount).toBe(10);
    expect(budgetLeft(limits, stored)).toEqual({ calls: 0, blockedSeconds: 0 });
    // A minute later the whole burst has left the window.
    expect(budgetLeft(limits, stored, Date.now() + 62_000).calls).toBe(10);
  });

  it("never lets two instances together spend more than the limit", async () => {
    const instances = [budget("tenant-b"), budget("tenant-b"), budget("tenant-b")];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => instances[i % 3]?.take("defender")),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(10);
    expect((await row("tenant-b|defender")).minuteCalls).toHaveLength(10);
  });

  it("keeps budgets apart per tenant and API", async () => {
    const calls = budget("tenant-c");
    for (let i = 0; i < 10; i += 1) await calls.take("defender");
    await expect(calls.take("threat-protection")).resolves.toBeUndefined();
    await expect(budget("tenant-d").take("defender")).resolves.toBeUndefined();
  });

  it("holds every call while a 429's Retry-After lasts, and says so", async () => {
    const calls = budget("tenant-e");
    await calls.take("defender");
    await calls.throttled("defender", 30);
    const stored = await row("tenant-e|defender");
    expect(stored.throttled).toBe(1);
    expect(budgetLeft(limits, stored).blockedSeconds).toBeGreaterThan(25);
    await expect(calls.take("defender")).rejects.toMatchObject({ code: "budget_exhausted" });
  });

  it("waits for a slot when it may, and counts the wait as the partner's pace", async () => {
    // A limit of 3 a minute, with the first two calls made 60 s ago: the oldest leaves the window in about 1 s.
    await database.db.insert(rateBudgets).values({
      key: "tenant-f|defender",
      minuteCalls: [new Date(Date.now() - 60_000), new Date(Date.now() - 59_500)],
      hourStart: new Date(),
      hourCount: 2,
    });
    const small = createCallBudget(database.db, "tenant-f", new AbortController().signal, {
      maxWaitMs: 10_000,
      limitsOf: () => ({ perMinute: 3, perHour: 1_500, reservePerMinute: 1 }),
    });
    await small.take("defender");
    expect(small.waitedMs()).toBeGreaterThan(0);
    expect((await row("tenant-f|defender")).minuteCalls).toHaveLength(2);
  });
});
