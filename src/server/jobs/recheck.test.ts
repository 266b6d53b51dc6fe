import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationEventListSchema, integrationSchema } from "../../shared/contract";
import { SIM_SEED } from "../../simulator/seed";
import { createTestApp, type TestApp } from "../../test/test-app";

let t: TestApp;
beforeAll(async () => {
  // An interval of 0.001 minutes makes a connection due for a re-check almost at once.
  t = await createTestApp({ PATCHBAY_RECHECK_MINUTES: "0.001" });
});
afterAll(async () => {
  await t.app.close();
});

async function events(id: string) {
  const response = await t.inject({ method: "GET", url: `/api/integrations/${id}/events` });
  return integrationEventListSchema.parse(response.json()).events;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("scheduled re-checks (pg-boss on the same database)", () => {
  it("re-check a connection once it is due, as the scheduler, and never a disconnected one", async () => {
    const created = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: {
        partner: "defender",
        baseUrl: t.simulator.origin,
        tenantId: SIM_SEED.healthy.tenantId,
        appId: SIM_SEED.healthy.appId,
        appSecret: SIM_SEED.healthy.appSecret,
      },
    });
    const { id } = integrationSchema.parse(created.json());
    const jobs = t.app.recheckJobs;
    if (jobs === null) throw new Error("the scheduler should be on");

    await new Promise((r) => setTimeout(r, 100));
    expect(await jobs.sweep()).toBe(1);
    const checked = await waitFor(
      async () => (await events(id)).find((e) => e.kind === "checked"),
      "the scheduled re-check",
    );
    expect(checked.actor).toBe("scheduler");

    await t.inject({ method: "DELETE", url: `/api/integrations/${id}` });
    expect(await jobs.sweep()).toBe(0);
  });
});
