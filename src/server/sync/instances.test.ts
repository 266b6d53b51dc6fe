import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { integrationSchema } from "../../shared/contract";
import { type Alert, alertSchema, pageSchema } from "../../shared/data-contract";
import { SIM_SEED } from "../../simulator/seed";
import { createTestApp, simulatorRequestCount, type TestApp } from "../../test/test-app";

vi.setConfig({ testTimeout: 180_000 });

/**
 * Two Patchbay instances on one PostgreSQL database sync the same connection at the same time: every page is
 * fetched from Microsoft once (the lease on the stream), every alert is stored once, and both instances do work.
 * PGlite is one process's database (DATA_DIR refuses a second), so this runs in the PostgreSQL pass.
 */

const seed = SIM_SEED.sharedSync;
const ALERTS = 1_200;
const postgres = process.env.PATCHBAY_TEST_POSTGRES_URL !== undefined;

let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  if (!postgres) return;
  const shared = { PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"), PATCHBAY_SYNC_PAGE_SIZE: "100" };
  a = await createTestApp(shared);
  b = await createTestApp({ ...shared, DATABASE_URL: a.databaseUrl ?? "" });
});

afterAll(async () => {
  await b?.app.close();
  await a?.app.close();
});

describe.skipIf(!postgres)("two instances, one connection", () => {
  it("fetches each page once and stores each alert once, with both instances sharing the work", async () => {
    const put = await fetch(`${a.simulator.origin}/__simulator/data/${seed.tenantId}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ alerts: ALERTS, machines: 50, days: 10 }),
    });
    expect(put.status).toBe(200);
    const connected = await a.inject({
      method: "POST",
      url: "/api/integrations",
      payload: {
        partner: "defender",
        baseUrl: a.simulator.origin,
        tenantId: seed.tenantId,
        appId: seed.appId,
        appSecret: seed.appSecret,
      },
    });
    expect(connected.statusCode, connected.body).toBe(201);
    const id = integrationSchema.parse(connected.json()).id;
    await a.app.syncEngine.ensureStreams(id);
    const before = await simulatorRequestCount(seed.tenantId, "/api/alerts");

    // Each instance keeps taking a page of alerts until the pass is complete, as their job workers would.
    const worker = async (t: TestApp) => {
      let pages = 0;
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline) {
        const outcome = await t.app.syncEngine.runStream(id, "alerts", { maxPages: 1 });
        if (outcome.kind === "ran" && outcome.failed) throw new Error("the sync failed");
        if (outcome.kind === "ran") {
          pages += 1;
          if (outcome.done) return pages;
          // A job hands the stream back and the next is queued: the other instance may take it meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 15));
          continue;
        }
        // Held by the other instance, or done by it: look again shortly.
        const [stream] = (await t.app.syncEngine.streams([id])).filter((s) => s.source === "alerts");
        if (stream?.firstCompletedAt) return pages;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      throw new Error("the sync never completed");
    };
    const [pagesA, pagesB] = await Promise.all([worker(a), worker(b)]);

    expect(pagesA).toBeGreaterThan(0);
    expect(pagesB).toBeGreaterThan(0);
    expect((await simulatorRequestCount(seed.tenantId, "/api/alerts")) - before).toBe(pagesA + pagesB);

    const items: Alert[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/alerts?integrationId=${id}&limit=500${cursor ? `&cursor=${cursor}` : ""}`;
      const page = pageSchema(alertSchema).parse((await b.inject({ method: "GET", url })).json());
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(items).toHaveLength(ALERTS - Math.ceil((ALERTS - 17) / 1000));
    expect(new Set(items.map((i) => i.externalId)).size).toBe(items.length);
  });
});
