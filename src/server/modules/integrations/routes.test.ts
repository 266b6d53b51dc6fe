import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { partnersResponseSchema } from "../../../shared/catalog";
import {
  configText,
  integrationEventListSchema,
  integrationListSchema,
  integrationSchema,
  verificationReportSchema,
} from "../../../shared/contract";
import { apiErrorSchema } from "../../../shared/errors";
import { SIM_SEED } from "../../../simulator/seed";
import { createTestApp, setSimulatorFault, type TestApp } from "../../../test/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.app.close();
});

const connectBody = (scenario: keyof typeof SIM_SEED, overrides: Record<string, unknown> = {}) => ({
  partner: "defender",
  baseUrl: t.simulator.origin,
  tenantId: SIM_SEED[scenario].tenantId,
  appId: SIM_SEED[scenario].appId,
  appSecret: SIM_SEED[scenario].appSecret,
  ...overrides,
});

async function disconnectAll() {
  const list = integrationListSchema.parse(
    (await t.inject({ method: "GET", url: "/api/integrations?status=connected&limit=500" })).json(),
  );
  const degraded = integrationListSchema.parse(
    (await t.inject({ method: "GET", url: "/api/integrations?status=degraded&limit=500" })).json(),
  );
  for (const i of [...list.integrations, ...degraded.integrations]) {
    await t.inject({ method: "DELETE", url: `/api/integrations/${i.id}` });
  }
}

async function connect(scenario: keyof typeof SIM_SEED, overrides: Record<string, unknown> = {}) {
  const response = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: connectBody(scenario, overrides),
  });
  expect(response.statusCode, response.body).toBe(201);
  return integrationSchema.parse(response.json());
}

describe("system routes", () => {
  it("GET /api/health reports the version and the database in use", async () => {
    const response = await t.inject({ method: "GET", url: "/api/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: "ok",
      version: expect.any(String),
      database: t.databaseUrl ? "postgres" : "pglite",
    });
  });

  it("GET /api/partners serves the Defender catalog with every region and the operator's extra hosts", async () => {
    const response = await t.inject({ method: "GET", url: "/api/partners" });
    const { partners } = partnersResponseSchema.parse(response.json());
    const defender = partners.find((p) => p.id === "defender");
    expect(defender).toMatchObject({ id: "defender", vendor: "Microsoft", category: "EDR" });
    const baseUrl = defender?.fields.find((f) => f.name === "baseUrl");
    expect(baseUrl?.options.map((o) => o.value)).toEqual(
      expect.arrayContaining([
        "https://api.security.microsoft.com",
        "https://api.securitycenter.microsoft.com",
        "https://api-gcc.securitycenter.microsoft.us",
        "https://api-gov.securitycenter.microsoft.us",
        `https://${t.simulator.hostPort}`,
      ]),
    );
    expect(baseUrl?.options.find((o) => o.operatorConfigured)?.value).toBe(`https://${t.simulator.hostPort}`);
    expect(defender?.requiredPermissions).toEqual([
      { name: "Alert.Read.All", api: "WindowsDefenderATP" },
      { name: "Machine.Read.All", api: "WindowsDefenderATP" },
    ]);
  });

  it("sets a strict CSP and no-store on API responses", async () => {
    const response = await t.inject({ method: "GET", url: "/api/health" });
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("connect, manage and disconnect", () => {
  beforeEach(disconnectAll);

  it("connects a verified app: 201, status connected, secret configured but never returned", async () => {
    const integration = await connect("healthy", { name: "Contoso production" });
    expect(integration).toMatchObject({
      partner: "defender",
      name: "Contoso production",
      status: "connected",
      config: { baseUrl: t.simulator.origin, tenantId: SIM_SEED.healthy.tenantId, cloud: "commercial" },
      secret: { configured: true, fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) },
      permissions: { missing: [] },
    });
    expect(integration.lastReport?.steps.every((s) => s.status === "ok")).toBe(true);

    const fetched = await t.inject({ method: "GET", url: `/api/integrations/${integration.id}` });
    expect(integrationSchema.parse(fetched.json()).status).toBe("connected");
    const events = integrationEventListSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${integration.id}/events` })).json(),
    );
    expect(events.events.map((e) => e.kind)).toEqual(["connected"]);
  });

  it("stores a degraded connection when only a feature's permission is missing, and says which", async () => {
    const integration = await connect("machinesOnly");
    expect(integration.status).toBe("degraded");
    expect(integration.error?.code).toBe("permission_missing");
    expect(integration.permissions.missing).toEqual([{ name: "Alert.Read.All", api: "WindowsDefenderATP" }]);
  });

  it("refuses to store a connection that fails verification: 422 with the report, nothing stored", async () => {
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: connectBody("expiredSecret"),
    });
    expect(response.statusCode).toBe(422);
    const { error } = apiErrorSchema.parse(response.json());
    expect(error.code).toBe("verification_failed");
    expect(error.message).toContain("expired");
    expect(verificationReportSchema.parse(error.detail).error?.code).toBe("secret_expired");
    const list = integrationListSchema.parse(
      (await t.inject({ method: "GET", url: "/api/integrations" })).json(),
    );
    expect(
      list.integrations.filter((i) => configText(i.config, "tenantId") === SIM_SEED.expiredSecret.tenantId),
    ).toEqual([]);
  });

  it("answers 409 for a second active connection of the same tenant and app, naming the first", async () => {
    const first = await connect("healthy");
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: connectBody("healthy"),
    });
    expect(response.statusCode).toBe(409);
    const { error } = apiErrorSchema.parse(response.json());
    expect(error.code).toBe("conflict");
    expect(error.detail).toEqual({ integrationId: first.id });
  });

  it("gives exactly one 201 and one 409 to two concurrent connects of one tenant and app", async () => {
    const [a, b] = await Promise.all([
      t.inject({ method: "POST", url: "/api/integrations", payload: connectBody("healthy") }),
      t.inject({ method: "POST", url: "/api/integrations", payload: connectBody("healthy") }),
    ]);
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([201, 409]);
    const list = integrationListSchema.parse(
      (await t.inject({ method: "GET", url: "/api/integrations" })).json(),
    );
    expect(list.integrations.filter((i) => i.status !== "disconnected")).toHaveLength(1);
  });

  it("allows connecting again after a disconnect, keeping the old one as history", async () => {
    const first = await connect("healthy");
    await t.inject({ method: "DELETE", url: `/api/integrations/${first.id}` });
    const second = await connect("healthy");
    expect(second.id).not.toBe(first.id);
  });

  it("PATCH replaces the secret after verifying it; the same secret keeps its fingerprint", async () => {
    const integration = await connect("healthy");
    const response = await t.inject({
      method: "PATCH",
      url: `/api/integrations/${integration.id}`,
      payload: { appSecret: SIM_SEED.healthy.appSecret, name: "Renamed" },
    });
    expect(response.statusCode, response.body).toBe(200);
    const updated = integrationSchema.parse(response.json());
    expect(updated.name).toBe("Renamed");
    // A fresh IV per encryption; the fingerprint of the same secret is stable.
    expect(updated.secret.fingerprint).toBe(integration.secret.fingerprint);
    const events = integrationEventListSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${integration.id}/events` })).json(),
    );
    expect(events.events.map((e) => e.kind)).toEqual(["secret_replaced", "updated", "connected"]);
  });

  it("PATCH with a wrong secret answers 422 and keeps the stored one working", async () => {
    const integration = await connect("healthy");
    const response = await t.inject({
      method: "PATCH",
      url: `/api/integrations/${integration.id}`,
      payload: { appSecret: "Wr0ng~SecretValue.abcdefghijklmnopqrstuvw" },
    });
    expect(response.statusCode).toBe(422);
    expect(apiErrorSchema.parse(response.json()).error.message).toContain("Nothing was saved");
    const check = await t.inject({ method: "POST", url: `/api/integrations/${integration.id}/check` });
    expect(integrationSchema.parse(check.json()).status).toBe("connected");
  });

  it("PATCH without changes is a 400 that says what to send", async () => {
    const integration = await connect("healthy");
    const response = await t.inject({
      method: "PATCH",
      url: `/api/integrations/${integration.id}`,
      payload: {},
    });
    expect(response.statusCode).toBe(400);
    expect(apiErrorSchema.parse(response.json()).error.message).toMatch(/Nothing to change/);
  });

  it("re-check verifies again with the stored secret and records the event", async () => {
    const integration = await connect("healthy");
    const response = await t.inject({ method: "POST", url: `/api/integrations/${integration.id}/check` });
    expect(response.statusCode).toBe(200);
    const checked = integrationSchema.parse(response.json());
    expect(checked.status).toBe("connected");
    expect(Date.parse(checked.lastCheckedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(integration.lastCheckedAt ?? ""),
    );
    const events = integrationEventListSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${integration.id}/events` })).json(),
    );
    expect(events.events[0]?.kind).toBe("checked");
  });

  it("DELETE disconnects: status disconnected, secret gone, history kept, idempotent", async () => {
    const integration = await connect("healthy");
    const response = await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
    expect(response.statusCode).toBe(200);
    const gone = integrationSchema.parse(response.json());
    expect(gone.status).toBe("disconnected");
    expect(gone.secret).toMatchObject({ configured: false, fingerprint: null });
    const again = await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
    expect(again.statusCode).toBe(200);
    const events = integrationEventListSchema.parse(
      (await t.inject({ method: "GET", url: `/api/integrations/${integration.id}/events` })).json(),
    );
    expect(events.events.map((e) => e.kind)).toEqual(["disconnected", "connected"]);
    const check = await t.inject({ method: "POST", url: `/api/integrations/${integration.id}/check` });
    expect(check.statusCode).toBe(409);
    expect(apiErrorSchema.parse(check.json()).error.message).toContain("disconnected");
  });

  it("answers 404 in the envelope for an unknown or malformed id", async () => {
    for (const id of [
      "6b8d3b1e-0000-4000-8000-000000000000",
      "not-an-id",
      "%00",
      "-".repeat(36),
      "x".repeat(100),
    ]) {
      const response = await t.inject({ method: "GET", url: `/api/integrations/${id}` });
      expect(response.statusCode).toBe(404);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe("not_found");
    }
  });
});

describe("the connections list", () => {
  const list = async (query: string) => {
    const response = await t.inject({ method: "GET", url: `/api/integrations?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return integrationListSchema.parse(response.json());
  };
  const ids: string[] = [];
  beforeAll(async () => {
    await disconnectAll();
    // Newest last: two disconnected, one connected, one degraded (a feature's permission missing).
    for (const name of ["Paging Alpha", "Paging Bravo"]) {
      const made = await connect("healthy", { name });
      await t.inject({ method: "DELETE", url: `/api/integrations/${made.id}` });
      ids.push(made.id);
    }
    ids.push((await connect("healthy", { name: "Paging Charlie" })).id);
    ids.push((await connect("machinesOnly", { name: "Paging Delta" })).id);
  });

  it("pages newest first with a cursor: every connection once, in order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(
        `q=Paging&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.integrations.length).toBeLessThanOrEqual(3);
      seen.push(...page.integrations.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(2);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status as the connection shows it, by partner, and by name or id", async () => {
    expect((await list("q=Paging&status=disconnected")).integrations.map((i) => i.name)).toEqual([
      "Paging Bravo",
      "Paging Alpha",
    ]);
    expect((await list("q=Paging&status=connected")).integrations.map((i) => i.name)).toEqual([
      "Paging Charlie",
    ]);
    expect((await list("q=Paging&status=degraded")).integrations.map((i) => i.name)).toEqual([
      "Paging Delta",
    ]);
    expect((await list("q=Paging&partner=crowdstrike")).integrations).toEqual([]);
    expect((await list("q=charl")).integrations.map((i) => i.name)).toEqual(["Paging Charlie"]);
    expect((await list(`q=${ids[0]}`)).integrations.map((i) => i.name)).toEqual(["Paging Alpha"]);
    // A search is text, not a pattern.
    expect((await list("q=Pag%25ing")).integrations).toEqual([]);
  });

  it("sorts by name, either way", async () => {
    const names = (page: Awaited<ReturnType<typeof list>>) => page.integrations.map((i) => i.name);
    expect(names(await list("q=Paging&sort=name"))).toEqual([
      "Paging Alpha",
      "Paging Bravo",
      "Paging Charlie",
      "Paging Delta",
    ]);
    const first = await list("q=Paging&sort=name&order=desc&limit=2");
    expect(names(first)).toEqual(["Paging Delta", "Paging Charlie"]);
    const rest = await list(`q=Paging&sort=name&order=desc&limit=2&cursor=${first.nextCursor}`);
    expect(names(rest)).toEqual(["Paging Bravo", "Paging Alpha"]);
  });

  it("answers a bad query with a 400 naming the parameter, never a 500", async () => {
    const createdCursor = (await list("q=Paging&limit=1")).nextCursor;
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["status=checking", "status"],
      ["sort=tenant", "sort"],
      ["cursor=not-a-cursor", "cursor"],
      // A cursor issued for another sort is refused, not read as a wrong page.
      [`sort=name&cursor=${createdCursor}`, "cursor"],
    ] as const) {
      const response = await t.inject({ method: "GET", url: `/api/integrations?${query}` });
      expect(response.statusCode, query).toBe(400);
      const body = apiErrorSchema.parse(response.json());
      expect(body.error.code).toBe("validation_failed");
      expect(Object.keys(body.error.fields ?? {}), query).toContain(field);
    }
  });
});

describe("Disconnect during a slow re-check", () => {
  it("wins: the re-check's late result does not bring the connection back", async () => {
    await disconnectAll();
    const integration = await connect("faults");
    await setSimulatorFault(SIM_SEED.faults.tenantId, { kind: "slow", delayMs: 800, target: "api" });
    try {
      const check = t.inject({ method: "POST", url: `/api/integrations/${integration.id}/check` });
      await new Promise((r) => setTimeout(r, 300));
      const gone = await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` });
      expect(integrationSchema.parse(gone.json()).status).toBe("disconnected");
      const late = await check;
      expect(late.statusCode).toBe(409);
      // On a very slow machine the Disconnect may land before the check even loaded the row: 409 either way.
      expect(apiErrorSchema.parse(late.json()).error.message).toMatch(
        /while this request was verifying it|is disconnected/,
      );
      const now = integrationSchema.parse(
        (await t.inject({ method: "GET", url: `/api/integrations/${integration.id}` })).json(),
      );
      expect(now).toMatchObject({ status: "disconnected", secret: { configured: false } });
    } finally {
      await setSimulatorFault(SIM_SEED.faults.tenantId, null);
    }
  });
});

describe("the database after Disconnect", () => {
  it("holds no ciphertext, IV, key id or fingerprint for the disconnected row", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "patchbay-db-"));
    const fileApp = await createTestApp({ DATA_DIR: dataDir });
    const created = await fileApp.inject({
      method: "POST",
      url: "/api/integrations",
      payload: connectBody("healthy"),
    });
    const { id } = integrationSchema.parse(created.json());
    await fileApp.inject({ method: "DELETE", url: `/api/integrations/${id}` });
    await fileApp.app.close();

    // Read the row straight from the database the app used, PGlite on disk or PostgreSQL.
    const query = async (sql: string, params: unknown[]) => {
      if (fileApp.databaseUrl) {
        const client = new pg.Client({ connectionString: fileApp.databaseUrl });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows;
        } finally {
          await client.end();
        }
      }
      const db = await PGlite.create({ dataDir: `${dataDir}/pglite` });
      try {
        return (await db.query(sql, params)).rows;
      } finally {
        await db.close();
      }
    };
    try {
      const rows = await query(
        "select status, secret_ciphertext, secret_iv, secret_key_id, secret_fingerprint from integrations where id = $1",
        [id],
      );
      expect(rows).toEqual([
        {
          status: "disconnected",
          secret_ciphertext: null,
          secret_iv: null,
          secret_key_id: null,
          secret_fingerprint: null,
        },
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
