import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationSchema } from "../../../shared/contract";
import { apiErrorSchema } from "../../../shared/errors";
import { SIM_SEED } from "../../../simulator/seed";
import { createTestApp, TEST_ADMIN, type TestApp } from "../../../test/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: "trace" });
});
afterAll(async () => {
  await t.app.close();
});

describe("secrets", () => {
  it("never appear in any response or log line of a test / fail / connect / rotate / re-check / disconnect cycle", async () => {
    const secret = SIM_SEED.healthy.appSecret;
    const wrongSecret = "Leak~CanaryValue.0123456789abcdefghijklm";
    const base = {
      partner: "defender",
      baseUrl: t.simulator.origin,
      tenantId: SIM_SEED.healthy.tenantId,
      appId: SIM_SEED.healthy.appId,
    };
    const bodies: string[] = [];
    const headers: string[] = [];
    const call = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) => {
      const response = await t.inject({ method, url, ...(payload ? { payload } : {}) });
      bodies.push(response.body);
      headers.push(JSON.stringify(response.headers));
      return response;
    };

    await call("POST", "/api/integrations/test", { ...base, appSecret: secret });
    await call("POST", "/api/integrations/test", { ...base, appSecret: wrongSecret });
    await call("POST", "/api/integrations", { ...base, appSecret: wrongSecret });
    const created = await call("POST", "/api/integrations", { ...base, appSecret: secret });
    const { id } = integrationSchema.parse(created.json());
    await call("GET", "/api/integrations");
    await call("GET", `/api/integrations/${id}`);
    await call("PATCH", `/api/integrations/${id}`, { appSecret: wrongSecret });
    await call("PATCH", `/api/integrations/${id}`, { appSecret: secret });
    await call("POST", `/api/integrations/${id}/check`);
    await call("GET", `/api/integrations/${id}/events`);
    await call("DELETE", `/api/integrations/${id}`);
    // A secret pasted into the wrong field must not be echoed back by a validation message either.
    await call("POST", "/api/integrations/test", { ...base, tenantId: secret, appSecret: secret });

    expect(t.logs.length).toBeGreaterThan(10);
    const everything = [...bodies, ...headers, ...t.logs].join("\n");
    for (const value of [
      secret,
      wrongSecret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString("base64"),
      TEST_ADMIN.password,
    ]) {
      expect(everything).not.toContain(value);
    }
    // No bearer token either: a JWT starts with the base64 of '{"'.
    expect(everything).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  });
});

describe("log redaction", () => {
  it("censors secret-bearing keys whatever a future log call passes", () => {
    const before = t.logs.length;
    t.app.log.info(
      { appSecret: "redact-me-1", body: { appSecret: "redact-me-2" }, password: "redact-me-3" },
      "probe",
    );
    const line = t.logs.slice(before).join("");
    expect(line).toContain("[redacted]");
    expect(line).not.toMatch(/redact-me/);
  });
});

describe("bad input never yields a 500, a hang or a stack trace", () => {
  const garbage: unknown[] = [
    null,
    [],
    42,
    "defender",
    {},
    { partner: "okta" },
    { partner: "defender" },
    { partner: "defender", baseUrl: 7, tenantId: [], appId: {}, appSecret: null },
    {
      partner: "defender",
      baseUrl: "https://api.security.microsoft.com",
      tenantId: "x".repeat(20_000),
      appId: "\u0000",
      appSecret: "🔑",
    },
    { partner: "defender", baseUrl: "javascript:alert(1)", tenantId: "", appId: "", appSecret: "" },
    { partner: "defender", baseUrl: "https://[::1]", tenantId: "{}", appId: "../../etc", appSecret: "a b" },
    { partner: "defender", baseUrl: "https://%", tenantId: "a", appId: "b", appSecret: "c".repeat(2000) },
  ];

  it.each(garbage.map((g) => [JSON.stringify(g)?.slice(0, 60) ?? String(g), g]))(
    "POST /api/integrations with %s → 400 in the envelope",
    async (_label, payload) => {
      for (const url of ["/api/integrations", "/api/integrations/test"]) {
        const response = await t.inject({
          method: "POST",
          url,
          headers: { "content-type": "application/json" },
          payload: JSON.stringify(payload),
        });
        expect(response.statusCode).toBe(400);
        const { error } = apiErrorSchema.parse(response.json());
        expect(error.code).toBe("validation_failed");
        expect(response.body).not.toMatch(/at .+\.(ts|js):\d+/);
      }
    },
  );

  it("explains /api/ on the Base URL in fields.baseUrl (the headline rule)", async () => {
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations",
      payload: {
        ...{ partner: "defender" },
        baseUrl: "https://api.securitycenter.microsoft.com/api/",
        tenantId: SIM_SEED.healthy.tenantId,
        appId: SIM_SEED.healthy.appId,
        appSecret: SIM_SEED.healthy.appSecret,
      },
    });
    expect(response.statusCode).toBe(400);
    const { error } = apiErrorSchema.parse(response.json());
    expect(error.fields?.baseUrl).toBe(
      "Leave /api off the Base URL — Patchbay adds /api itself. Use https://api.securitycenter.microsoft.com.",
    );
  });

  it("refuses prototype-pollution payloads before they reach any code", async () => {
    for (const payload of [
      '{"__proto__":{"partner":"defender"}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
    ]) {
      const response = await t.inject({
        method: "POST",
        url: "/api/integrations",
        headers: { "content-type": "application/json" },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe("bad_request");
    }
  });

  it("refuses JSON nested deeper than 16 levels", async () => {
    const deep = `${"[".repeat(40)}${"]".repeat(40)}`;
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations",
      headers: { "content-type": "application/json" },
      payload: `{"partner":${deep}}`,
    });
    expect(response.statusCode).toBe(400);
    expect(apiErrorSchema.parse(response.json()).error.message).toContain("nested deeper than 16 levels");
  });

  it("answers a malformed URL in the envelope", async () => {
    const response = await t.inject({ method: "GET", url: "/api/integrations/%zz" });
    expect(response.statusCode).toBe(400);
    expect(apiErrorSchema.parse(response.json()).error.code).toBe("bad_request");
  });

  it("answers 400 for malformed JSON", async () => {
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations",
      headers: { "content-type": "application/json" },
      payload: '{"partner": "defender",',
    });
    expect(response.statusCode).toBe(400);
    expect(apiErrorSchema.parse(response.json()).error.message).toBe("The request body is not valid JSON.");
  });

  it("answers 413 for a body over 64 KiB", async () => {
    const response = await t.inject({
      method: "POST",
      url: "/api/integrations",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ partner: "defender", appSecret: "x".repeat(70 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(apiErrorSchema.parse(response.json()).error.code).toBe("payload_too_large");
  });

  it("answers 415 for a body that is not JSON", async () => {
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const response = await t.inject({
        method: "POST",
        url: "/api/integrations",
        headers: { "content-type": contentType },
        payload: "partner=defender",
      });
      expect(response.statusCode).toBe(415);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe("unsupported_media_type");
    }
  });

  it("answers 404 in the envelope for unknown API paths and methods", async () => {
    for (const [method, url] of [
      ["GET", "/api/nope"],
      ["PUT", "/api/integrations"],
      ["GET", "/api"],
    ] as const) {
      const response = await t.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe("not_found");
    }
  });
});

describe("rate limiting", () => {
  it("answers 429 in the envelope once a client exceeds the mutation budget", async () => {
    const limited = await createTestApp({}, 2);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await limited.inject({
          method: "POST",
          url: "/api/integrations/test",
          payload: {},
        });
        codes.push(response.statusCode);
      }
      expect(codes).toEqual([400, 400, 429]);
      const response = await limited.inject({
        method: "POST",
        url: "/api/integrations/test",
        payload: {},
      });
      expect(apiErrorSchema.parse(response.json()).error).toMatchObject({ code: "rate_limited" });
      expect(response.headers["retry-after"]).toBeDefined();
      // Reads are not limited.
      expect((await limited.inject({ method: "GET", url: "/api/integrations" })).statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });
});
