import cookie from "@fastify/cookie";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiTokenSchema,
  auditPageSchema,
  createdApiTokenSchema,
  currentSessionSchema,
  SESSION_COOKIE,
  sessionSchema,
  userSchema,
} from "../../../shared/auth";
import { integrationSchema } from "../../../shared/contract";
import { apiErrorSchema } from "../../../shared/errors";
import { SIM_SEED } from "../../../simulator/seed";
import { createTestApp, type SessionHeaders, signIn, TEST_ADMIN, type TestApp } from "../../../test/test-app";
import guardPlugin from "./guard";
import type { AuthService } from "./service";

let t: TestApp;
let viewer: SessionHeaders;
const VIEWER = { email: "viewer@patchbay.test", password: "viewer password 123", displayName: "Vera Viewer" };

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.inject({
    method: "POST",
    url: "/api/users",
    payload: { ...VIEWER, role: "viewer" },
  });
  expect(created.statusCode, created.body).toBe(201);
  viewer = await signIn(t.app, VIEWER.email, VIEWER.password);
});
afterAll(async () => {
  await t.app.close();
});

const errorOf = (body: string) => apiErrorSchema.parse(JSON.parse(body)).error;
const sample = (url: string) => url.replaceAll(":id", "6b8d3b1e-0000-4000-8000-000000000000");

describe("every API route is guarded", () => {
  it("knows every route (the guard refuses to start a server with a route that declares no access level)", () => {
    expect(t.app.apiRoutes.length).toBeGreaterThanOrEqual(20);
    expect(
      t.app.apiRoutes
        .filter((r) => r.auth === "public")
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      "GET /api/health",
      "GET /api/health/live",
      "GET /api/health/ready",
      "GET /api/session/current",
      "GET /api/setup",
      "POST /api/session",
      "POST /api/setup",
    ]);
  });

  it("answers 401 in the envelope to every non-public route without credentials", async () => {
    for (const route of t.app.apiRoutes.filter((r) => r.auth !== "public")) {
      const response = await t.app.inject({
        method: route.method as "GET",
        url: sample(route.url),
        payload: {},
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(errorOf(response.body).code).toBe("unauthorized");
    }
  });

  it("answers 403 to a viewer on every admin route, and lets the viewer read", async () => {
    // Signing out is allowed to a viewer, and would end the session this walk uses: it has its own test.
    const routes = t.app.apiRoutes.filter(
      (r) => r.auth !== "public" && `${r.method} ${r.url}` !== "DELETE /api/session",
    );
    for (const route of routes) {
      const response = await t.app.inject({
        method: route.method as "GET",
        url: sample(route.url),
        headers: viewer,
        payload: {},
      });
      if (route.auth === "admin") {
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(errorOf(response.body).message).toContain("Your role (viewer) cannot do this");
      } else {
        expect([200, 204, 404], `${route.method} ${route.url}`).toContain(response.statusCode);
      }
    }
  });

  it("refuses to register a route that declares no access level", async () => {
    // A fresh instance with the real guard: the ready test app would refuse any new route for another reason.
    const bare = Fastify();
    await bare.register(cookie);
    await bare.register(guardPlugin, { auth: {} as AuthService, publicOrigin: null });
    bare.get("/api/guarded", { config: { auth: "viewer" } }, async () => "fine");
    expect(() => bare.get("/api/forgotten", async () => "oops")).toThrow(
      "Route GET /api/forgotten declares no access level (config.auth).",
    );
    await bare.close();
  });
});

describe("sessions", () => {
  it("sets an HttpOnly, SameSite=Lax cookie, not Secure over plain HTTP, and returns the user and a CSRF token", async () => {
    const response = await t.app.inject({ method: "POST", url: "/api/session", payload: TEST_ADMIN });
    expect(response.statusCode).toBe(200);
    const session = sessionSchema.parse(response.json());
    expect(session.user).toMatchObject({ email: TEST_ADMIN.email, role: "admin" });
    expect(session.csrfToken.length).toBeGreaterThan(20);
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(cookie?.secure).toBeFalsy();
  });

  it("marks the cookie Secure and sends HSTS when the request came over TLS (through a trusted proxy)", async () => {
    const proxied = await createTestApp({ PATCHBAY_TRUST_PROXY: "127.0.0.1" });
    try {
      const response = await proxied.app.inject({
        method: "POST",
        url: "/api/session",
        payload: TEST_ADMIN,
        headers: { "x-forwarded-proto": "https" },
      });
      expect(response.cookies.find((c) => c.name === `__Host-${SESSION_COOKIE}`)?.secure).toBe(true);
      expect(response.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    } finally {
      await proxied.app.close();
    }
  });

  it("says who is signed in", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/session", headers: viewer });
    expect(sessionSchema.parse(response.json()).user).toMatchObject({ email: VIEWER.email, role: "viewer" });
  });

  it("answers the browser's probe with 200 either way: the session, or null for a visitor (no 401 to log)", async () => {
    const signedIn = await t.app.inject({ method: "GET", url: "/api/session/current", headers: viewer });
    expect(signedIn.statusCode).toBe(200);
    expect(currentSessionSchema.parse(signedIn.json()).session?.user.email).toBe(VIEWER.email);
    for (const headers of [{}, { cookie: `${SESSION_COOKIE}=forged` }]) {
      const visitor = await t.app.inject({ method: "GET", url: "/api/session/current", headers });
      expect(visitor.statusCode).toBe(200);
      expect(currentSessionSchema.parse(visitor.json())).toEqual({ session: null });
    }
    // The API itself still refuses a caller without a session.
    expect((await t.app.inject({ method: "GET", url: "/api/session" })).statusCode).toBe(401);
  });

  it("rotates the session on sign-in: the cookie a browser had before stops working (no fixation)", async () => {
    const before = await signIn(t.app, VIEWER.email, VIEWER.password);
    const again = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: VIEWER.email, password: VIEWER.password },
      headers: { cookie: before.cookie },
    });
    const fresh = again.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(`${SESSION_COOKIE}=${fresh?.value}`).not.toBe(before.cookie);
    const old = await t.app.inject({
      method: "GET",
      url: "/api/session",
      headers: { cookie: before.cookie },
    });
    expect(old.statusCode).toBe(401);
  });

  it("ends the session on sign-out; the cookie cannot be replayed", async () => {
    const session = await signIn(t.app, VIEWER.email, VIEWER.password);
    const out = await t.app.inject({ method: "DELETE", url: "/api/session", headers: session });
    expect(out.statusCode).toBe(204);
    const replay = await t.app.inject({ method: "GET", url: "/api/integrations", headers: session });
    expect(replay.statusCode).toBe(401);
  });

  it("gives one message for a wrong password and an unknown account", async () => {
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "nobody@patchbay.test", password: "whatever password" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(errorOf(wrong.body).message).toBe("Email or password is wrong, or the account is deactivated.");
  });

  it("throttles failed sign-ins per account with a clear message, even for the right password", async () => {
    const email = "throttled@patchbay.test";
    await t.inject({
      method: "POST",
      url: "/api/users",
      payload: { email, displayName: "T", role: "viewer", password: "the right password" },
    });
    for (let i = 0; i < 5; i += 1) {
      const r = await t.app.inject({
        method: "POST",
        url: "/api/session",
        payload: { email, password: "wrong password!" },
      });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email, password: "the right password" },
    });
    expect(blocked.statusCode).toBe(429);
    expect(errorOf(blocked.body).message).toMatch(
      /Too many failed sign-ins for this account from this address\. Wait 15 minutes/,
    );
    // A stranger's failures do not lock the owner out from their own address.
    const owner = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email, password: "the right password" },
      remoteAddress: "10.20.30.40",
    });
    expect(owner.statusCode).toBe(200);
  });

  it("counts a parallel burst of guesses: it cannot slip past the limit", async () => {
    const email = "burst@patchbay.test";
    const attempts = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.app.inject({
          method: "POST",
          url: "/api/session",
          payload: { email, password: "a wrong guess!!" },
          remoteAddress: "10.1.1.1",
        }),
      ),
    );
    const codes = attempts.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(7);
  });

  it("believes X-Forwarded-For only from the configured proxies", async () => {
    const proxied = await createTestApp({ PATCHBAY_TRUST_PROXY: "127.0.0.1" });
    try {
      await proxied.app.inject({
        method: "POST",
        url: "/api/session",
        payload: { email: "spoof@patchbay.test", password: "whatever password" },
        remoteAddress: "10.9.9.9",
        headers: { "x-forwarded-for": "1.2.3.4" },
      });
      const page = auditPageSchema.parse(
        (await proxied.inject({ method: "GET", url: "/api/audit?action=session.sign_in_failed" })).json(),
      );
      expect(page.events[0]?.sourceIp).toBe("10.9.9.9");
    } finally {
      await proxied.app.close();
    }
  });
});

describe("CSRF", () => {
  const connect = {
    partner: "defender",
    baseUrl: "https://api.security.microsoft.com",
    tenantId: SIM_SEED.healthy.tenantId,
    appId: SIM_SEED.healthy.appId,
    appSecret: SIM_SEED.healthy.appSecret,
  };

  it("refuses a forged cross-site request that carries the session cookie", async () => {
    const forged = await t.app.inject({
      method: "POST",
      url: "/api/integrations/test",
      headers: {
        cookie: t.adminHeaders.cookie,
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      },
      payload: connect,
    });
    expect(forged.statusCode).toBe(403);
    expect(errorOf(forged.body).message).toContain("Cross-site request refused");
  });

  it("refuses a same-site request without the anti-CSRF token", async () => {
    const response = await t.app.inject({
      method: "DELETE",
      url: "/api/integrations/6b8d3b1e-0000-4000-8000-000000000000",
      headers: { cookie: t.adminHeaders.cookie, "sec-fetch-site": "same-origin" },
    });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response.body).message).toContain("x-csrf-token");
  });

  it("refuses a cross-site sign-in (login CSRF)", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/session",
      headers: { origin: "https://evil.example" },
      payload: TEST_ADMIN,
    });
    expect(response.statusCode).toBe(403);
  });

  it("accepts Patchbay's own origin with the token", async () => {
    const response = await t.app.inject({
      method: "DELETE",
      url: "/api/integrations/6b8d3b1e-0000-4000-8000-000000000000",
      headers: { ...t.adminHeaders, origin: "http://localhost:80", "sec-fetch-site": "same-origin" },
    });
    expect(response.statusCode).toBe(404);
  });

  it("sends no CORS headers to other origins", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: "/api/integrations",
      headers: { ...viewer, origin: "https://evil.example" },
    });
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: "/api/integrations",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("API tokens", () => {
  async function createToken(role: "admin" | "viewer", name = `${role} automation`) {
    const response = await t.inject({
      method: "POST",
      url: "/api/tokens",
      payload: { name, role, expiresInDays: 30 },
    });
    expect(response.statusCode, response.body).toBe(201);
    return createdApiTokenSchema.parse(response.json());
  }

  it("shows the secret once, stores only a hash, and authenticates Bearer requests without CSRF", async () => {
    const { token, secret } = await createToken("admin");
    expect(secret).toMatch(/^pbt_/);
    expect(token.prefix).toBe(`${secret.slice(0, 10)}…`);
    const list = await t.inject({ method: "GET", url: "/api/tokens" });
    expect(list.body).not.toContain(secret);
    const response = await t.app.inject({
      method: "POST",
      url: "/api/integrations/test",
      headers: { authorization: `Bearer ${secret}` },
      payload: { partner: "defender" },
    });
    expect(response.statusCode).toBe(400);
    const after = apiTokenSchema
      .array()
      .parse((await t.inject({ method: "GET", url: "/api/tokens" })).json().tokens);
    expect(after.find((x) => x.id === token.id)?.lastUsedAt).not.toBeNull();
  });

  it("limits a viewer-scoped token to reading", async () => {
    const { secret } = await createToken("viewer");
    const headers = { authorization: `Bearer ${secret}` };
    expect((await t.app.inject({ method: "GET", url: "/api/integrations", headers })).statusCode).toBe(200);
    const write = await t.app.inject({ method: "POST", url: "/api/integrations/test", headers, payload: {} });
    expect(write.statusCode).toBe(403);
  });

  it("stops working the moment it is revoked", async () => {
    const { token, secret } = await createToken("admin");
    const revoked = await t.inject({ method: "DELETE", url: `/api/tokens/${token.id}` });
    expect(apiTokenSchema.parse(revoked.json()).revokedAt).not.toBeNull();
    const response = await t.app.inject({
      method: "GET",
      url: "/api/integrations",
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(response.statusCode).toBe(401);
    expect(errorOf(response.body).message).toContain("invalid, expired or revoked");
  });

  it("cannot manage users or mint tokens: that needs a person signed in", async () => {
    const { secret } = await createToken("admin");
    const headers = { authorization: `Bearer ${secret}` };
    const mint = await t.app.inject({
      method: "POST",
      url: "/api/tokens",
      headers,
      payload: { name: "successor", role: "admin" },
    });
    expect(mint.statusCode).toBe(403);
    expect(errorOf(mint.body).message).toContain("not an API token");
    const addUser = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers,
      payload: {
        email: "sneaky@patchbay.test",
        displayName: "S",
        role: "admin",
        password: "sneaky password 1",
      },
    });
    expect(addUser.statusCode).toBe(403);
  });

  it("rejects made-up and malformed tokens with 401", async () => {
    for (const value of ["pbt_nope", "nope", "", `pbt_${"x".repeat(5000)}`]) {
      const response = await t.app.inject({
        method: "GET",
        url: "/api/integrations",
        headers: { authorization: `Bearer ${value}` },
      });
      expect(response.statusCode).toBe(401);
    }
  });
});

describe("users", () => {
  it("deactivating a user revokes their sessions and tokens at once", async () => {
    const email = "leaver@patchbay.test";
    const created = userSchema.parse(
      (
        await t.inject({
          method: "POST",
          url: "/api/users",
          payload: { email, displayName: "Leaver", role: "admin", password: "leaver password 1" },
        })
      ).json(),
    );
    const session = await signIn(t.app, email, "leaver password 1");
    const tokenResponse = await t.app.inject({
      method: "POST",
      url: "/api/tokens",
      headers: session,
      payload: { name: "leaver's script", role: "admin" },
    });
    const { secret } = createdApiTokenSchema.parse(tokenResponse.json());
    const off = await t.inject({
      method: "PATCH",
      url: `/api/users/${created.id}`,
      payload: { active: false },
    });
    expect(userSchema.parse(off.json()).active).toBe(false);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/integrations", headers: session })).statusCode,
    ).toBe(401);
    expect(
      (
        await t.app.inject({
          method: "GET",
          url: "/api/integrations",
          headers: { authorization: `Bearer ${secret}` },
        })
      ).statusCode,
    ).toBe(401);
    const again = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email, password: "leaver password 1" },
    });
    expect(again.statusCode).toBe(401);
  });

  it("will not remove the last active admin", async () => {
    const users = (await t.inject({ method: "GET", url: "/api/users" })).json().users as unknown[];
    const admin = userSchema
      .array()
      .parse(users)
      .find((u) => u.email === TEST_ADMIN.email);
    const response = await t.inject({
      method: "PATCH",
      url: `/api/users/${admin?.id}`,
      payload: { role: "viewer" },
    });
    expect(response.statusCode).toBe(409);
    expect(errorOf(response.body).message).toContain("last active admin");
  });

  it("resetting a password ends the user's sessions; the new password works", async () => {
    const list = userSchema
      .array()
      .parse((await t.inject({ method: "GET", url: "/api/users" })).json().users);
    const vera = list.find((u) => u.email === VIEWER.email);
    const session = await signIn(t.app, VIEWER.email, VIEWER.password);
    const reset = await t.inject({
      method: "POST",
      url: `/api/users/${vera?.id}/password`,
      payload: { password: "a brand new password" },
    });
    expect(reset.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/session", headers: session })).statusCode).toBe(
      401,
    );
    viewer = await signIn(t.app, VIEWER.email, "a brand new password");
    VIEWER.password = "a brand new password";
  });

  it("explains a weak password and a taken email", async () => {
    const weak = await t.inject({
      method: "POST",
      url: "/api/users",
      payload: { email: "x@patchbay.test", displayName: "X", role: "viewer", password: "short" },
    });
    expect(errorOf(weak.body).fields?.password).toBe("Password must be at least 12 characters.");
    const taken = await t.inject({
      method: "POST",
      url: "/api/users",
      payload: {
        email: TEST_ADMIN.email.toUpperCase(),
        displayName: "Dup",
        role: "viewer",
        password: "long enough password",
      },
    });
    expect(taken.statusCode).toBe(409);
  });
});

describe("the audit trail", () => {
  it("records connect, check and disconnect with the acting token's name, and filters and pages", async () => {
    const tokenResponse = await t.inject({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "audit robot", role: "admin" },
    });
    const { secret } = createdApiTokenSchema.parse(tokenResponse.json());
    const bearer = { authorization: `Bearer ${secret}`, "user-agent": "patchbay-cli/test" };
    const created = await t.app.inject({
      method: "POST",
      url: "/api/integrations",
      headers: bearer,
      payload: {
        partner: "defender",
        baseUrl: t.simulator.origin,
        tenantId: SIM_SEED.healthy.tenantId,
        appId: SIM_SEED.healthy.appId,
        appSecret: SIM_SEED.healthy.appSecret,
      },
    });
    const { id } = integrationSchema.parse(created.json());
    await t.app.inject({ method: "POST", url: `/api/integrations/${id}/check`, headers: bearer });
    await t.app.inject({ method: "DELETE", url: `/api/integrations/${id}`, headers: bearer });

    const page = auditPageSchema.parse(
      (await t.app.inject({ method: "GET", url: `/api/audit?integrationId=${id}`, headers: viewer })).json(),
    );
    expect(page.events.map((e) => e.action)).toEqual([
      "integration.disconnect",
      "integration.check",
      "integration.connect",
    ]);
    for (const event of page.events) {
      expect(event.actor).toMatchObject({
        type: "token",
        name: `token “audit robot” of Administrator <${TEST_ADMIN.email}>`,
      });
      expect(event.userAgent).toBe("patchbay-cli/test");
      expect(event.sourceIp).toBe("127.0.0.1");
    }
    expect(page.events[0]?.changes).toMatchObject({
      after: { status: "disconnected", secretFingerprint: null },
    });

    const failed = auditPageSchema.parse(
      (await t.inject({ method: "GET", url: "/api/audit?action=session.sign_in_failed" })).json(),
    );
    expect(failed.events.length).toBeGreaterThan(0);
    expect(failed.events.every((e) => e.outcome === "failure")).toBe(true);

    const byActor = auditPageSchema.parse(
      (await t.inject({ method: "GET", url: "/api/audit?actor=vera&limit=2" })).json(),
    );
    expect(byActor.events).toHaveLength(2);
    expect(byActor.nextCursor).not.toBeNull();
    const next = auditPageSchema.parse(
      (
        await t.inject({ method: "GET", url: `/api/audit?actor=vera&limit=2&cursor=${byActor.nextCursor}` })
      ).json(),
    );
    expect(Number(next.events[0]?.id)).toBeLessThan(Number(byActor.events[1]?.id));

    const future = auditPageSchema.parse(
      (await t.inject({ method: "GET", url: "/api/audit?from=2999-01-01T00:00:00Z" })).json(),
    );
    expect(future.events).toEqual([]);
  });

  it("answers 400, never 500, to a forged cursor or a NUL in a filter", async () => {
    const huge = Buffer.from("audit:99999999999999999999").toString("base64url");
    expect((await t.inject({ method: "GET", url: `/api/audit?cursor=${huge}` })).statusCode).toBe(400);
    expect((await t.inject({ method: "GET", url: "/api/audit?actor=%00" })).statusCode).toBe(400);
    const nulName = await t.inject({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "a\u0000b", role: "viewer" },
    });
    expect(nulName.statusCode).toBe(400);
  });

  it("explains bad filters with a 400 naming them", async () => {
    const response = await t.inject({ method: "GET", url: "/api/audit?from=yesterday&action=explode" });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(errorOf(response.body).fields ?? {}).sort()).toEqual(["action", "from"]);
  });
});

describe("first start", () => {
  it("offers a one-time setup link when no user exists, and nothing else gets in", async () => {
    const fresh = await createTestApp({}, 1000, false);
    try {
      const token = fresh.app.setupToken;
      expect(token).toEqual(expect.any(String));
      expect((await fresh.app.inject({ method: "GET", url: "/api/setup" })).json()).toEqual({ needed: true });
      expect((await fresh.app.inject({ method: "GET", url: "/api/integrations" })).statusCode).toBe(401);
      const admin = {
        email: "first@patchbay.test",
        displayName: "First Admin",
        password: "first admin password",
      };
      const wrong = await fresh.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { ...admin, token: "guess" },
      });
      expect(wrong.statusCode).toBe(401);
      expect(errorOf(wrong.body).message).toContain("setup link is invalid or has expired");
      const ok = await fresh.app.inject({ method: "POST", url: "/api/setup", payload: { ...admin, token } });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(sessionSchema.parse(ok.json()).user).toMatchObject({ email: admin.email, role: "admin" });
      const cookie = ok.cookies.find((c) => c.name === SESSION_COOKIE);
      const list = await fresh.app.inject({
        method: "GET",
        url: "/api/integrations",
        headers: { cookie: `${SESSION_COOKIE}=${cookie?.value}` },
      });
      expect(list.statusCode).toBe(200);
      expect((await fresh.app.inject({ method: "GET", url: "/api/setup" })).json()).toEqual({
        needed: false,
      });
      const again = await fresh.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { ...admin, token },
      });
      expect(again.statusCode).toBe(409);
    } finally {
      await fresh.app.close();
    }
  });
});
