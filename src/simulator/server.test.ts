import { execFile } from "node:child_process";
import { createPublicKey, verify as verifySignature } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ensureCertificate } from "./certificate";
import { SIM_DEFENDER_DATA, SIM_SEED, SIM_UNKNOWN_TENANT_ID, type SimScenario } from "./seed";
import { type Simulator, startSimulator } from "./server";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

let sim: Simulator;
let certDir: string;

function send(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string; agent?: Agent; signal?: AbortSignal } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: sim.cert,
        headers: options.headers,
        agent: options.agent ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default";

function tokenRequest(
  scenario: Pick<SimScenario, "tenantId" | "appId" | "appSecret">,
  overrides: Record<string, string | null> = {},
  headers: Record<string, string> = {},
): Promise<Reply> {
  const form = new URLSearchParams({
    client_id: scenario.appId,
    scope: DEFENDER_SCOPE,
    grant_type: "client_credentials",
    "x-client-SKU": "msal.js.node",
    "x-client-VER": "7.2.1",
    "x-ms-lib-capability": "retry-after, h429",
    "client-request-id": "0d3f6a1e-0c3c-4b7e-9a55-0b8d3c1f2a77",
    client_secret: scenario.appSecret,
  });
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) form.delete(k);
    else form.set(k, v);
  }
  return send("POST", `${sim.origin}/${scenario.tenantId}/oauth2/v2.0/token`, {
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8", ...headers },
    body: form.toString(),
  });
}

const tokenSuccessSchema = z.object({
  token_type: z.literal("Bearer"),
  expires_in: z.number(),
  ext_expires_in: z.number(),
  access_token: z.string(),
});

const entraErrorSchema = z.object({
  error: z.string(),
  error_description: z.string(),
  error_codes: z.array(z.number()),
  timestamp: z.string(),
  trace_id: z.string(),
  correlation_id: z.string(),
  error_uri: z.string(),
});

const defenderErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), target: z.string() }),
});

const listSchema = z.object({
  "@odata.context": z.string(),
  value: z.array(z.record(z.string(), z.unknown())),
});

const claimsSchema = z.object({
  aud: z.string(),
  iss: z.string(),
  iat: z.number(),
  nbf: z.number(),
  exp: z.number(),
  app_displayname: z.string(),
  appid: z.string(),
  appidacr: z.string(),
  idp: z.string(),
  oid: z.string(),
  sub: z.string(),
  tid: z.string(),
  uti: z.string(),
  ver: z.string(),
  roles: z.array(z.string()).optional(),
});

function decodeSegment(token: string, index: 0 | 1): unknown {
  const part = token.split(".")[index] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

async function tokenFor(scenario: SimScenario, scope = DEFENDER_SCOPE): Promise<string> {
  const reply = await tokenRequest(scenario, { scope });
  expect(reply.status).toBe(200);
  return tokenSuccessSchema.parse(reply.json).access_token;
}

function api(pathAndQuery: string, token?: string): Promise<Reply> {
  return send("GET", `${sim.origin}${pathAndQuery}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

function expectEntraError(reply: Reply, status: number, error: string, code: number): string {
  expect(reply.status).toBe(status);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  const body = entraErrorSchema.parse(reply.json);
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
  expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  expect(body.error_description).toMatch(
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: ${body.trace_id}\\r\\nCorrelation ID: ${body.correlation_id}\\r\\nTimestamp: ${body.timestamp}$`,
      "s",
    ),
  );
  return body.error_description;
}

beforeAll(async () => {
  certDir = await mkdtemp(path.join(tmpdir(), "patchbay-sim-"));
  sim = await startSimulator({ port: 0, decoyPort: 0, certDir });
});

afterAll(async () => {
  await sim?.close();
  await rm(certDir, { recursive: true, force: true });
});

describe("certificate", () => {
  it("caches the certificate and keeps the key private", async () => {
    const again = await ensureCertificate(certDir);
    expect(again.cert).toBe(sim.cert);
    expect(again.certPath).toBe(sim.certPath);
    const keyMode = (await stat(again.keyPath)).mode & 0o777;
    expect(keyMode).toBe(0o600);
  });
});

describe("control and discovery endpoints", () => {
  it("reports health", async () => {
    const reply = await send("GET", `${sim.origin}/__simulator/health`);
    expect(reply.status).toBe(200);
  });

  it("serves OIDC metadata, instance discovery and the JWKS", async () => {
    const tid = SIM_SEED.healthy.tenantId;
    const meta = await send("GET", `${sim.origin}/${tid}/v2.0/.well-known/openid-configuration`);
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({
      token_endpoint: `${sim.origin}/${tid}/oauth2/v2.0/token`,
      issuer: `${sim.origin}/${tid}/v2.0`,
      jwks_uri: `${sim.origin}/${tid}/discovery/v2.0/keys`,
    });

    const unknown = await send(
      "GET",
      `${sim.origin}/${SIM_UNKNOWN_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    expectEntraError(unknown, 400, "invalid_tenant", 90002);

    const instance = await send(
      "GET",
      `${sim.origin}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${sim.origin}/${tid}/oauth2/v2.0/authorize`)}`,
    );
    expect(instance.json).toEqual({
      tenant_discovery_endpoint: `${sim.origin}/${tid}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: sim.hostPort, preferred_cache: sim.hostPort, aliases: [sim.hostPort] }],
    });

    const keys = await send("GET", `${sim.origin}/${tid}/discovery/v2.0/keys`);
    expect(
      z.object({ keys: z.array(z.object({ kid: z.string(), n: z.string() })).length(1) }).parse(keys.json),
    );
  });
});

describe("token endpoint", () => {
  it("issues a signed v1.0 token with both roles for the healthy app", async () => {
    const token = await tokenFor(SIM_SEED.healthy);
    const header = z
      .object({ typ: z.literal("JWT"), alg: z.literal("RS256"), kid: z.string() })
      .parse(decodeSegment(token, 0));
    const claims = claimsSchema.parse(decodeSegment(token, 1));
    const tid = SIM_SEED.healthy.tenantId;
    expect(claims).toMatchObject({
      aud: "https://api.securitycenter.microsoft.com",
      iss: `https://sts.windows.net/${tid}/`,
      idp: `https://sts.windows.net/${tid}/`,
      appid: SIM_SEED.healthy.appId,
      appidacr: "1",
      tid,
      ver: "1.0",
    });
    expect(claims.oid).toBe(claims.sub);
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.roles?.sort()).toEqual(["Alert.Read.All", "Machine.Read.All"]);

    const jwks = z
      .object({ keys: z.array(z.object({ kid: z.string(), kty: z.string(), n: z.string(), e: z.string() })) })
      .parse((await send("GET", `${sim.origin}/${tid}/discovery/v2.0/keys`)).json);
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    if (!jwk) return;
    const [h, p, s] = token.split(".");
    const key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" });
    expect(
      verifySignature("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(s ?? "", "base64url")),
    ).toBe(true);
  });

  it("answers with the success body shape", async () => {
    const reply = await tokenRequest(SIM_SEED.faults);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^application\/json/);
    const body = tokenSuccessSchema.parse(reply.json);
    expect(body.expires_in).toBe(3599);
    expect(body.ext_expires_in).toBe(3599);
    expect(claimsSchema.parse(decodeSegment(body.access_token, 1)).roles?.sort()).toEqual([
      "Alert.Read.All",
      "Machine.Read.All",
    ]);
  });

  it("issues a token without roles when admin consent is missing", async () => {
    const claims = claimsSchema.parse(decodeSegment(await tokenFor(SIM_SEED.noConsent), 1));
    expect(claims.roles).toBeUndefined();
    expect(Object.keys(claims)).not.toContain("roles");
  });

  it("issues only Machine.Read.All for the machinesOnly app", async () => {
    const claims = claimsSchema.parse(decodeSegment(await tokenFor(SIM_SEED.machinesOnly), 1));
    expect(claims.roles).toEqual(["Machine.Read.All"]);
  });

  it("refuses an expired secret with AADSTS7000222", async () => {
    const text = expectEntraError(await tokenRequest(SIM_SEED.expiredSecret), 401, "invalid_client", 7000222);
    expect(text).toContain(`for app '${SIM_SEED.expiredSecret.appId}' are expired`);
  });

  it("answers AADSTS500011 when Defender is not provisioned", async () => {
    expectEntraError(await tokenRequest(SIM_SEED.noDefender), 400, "invalid_resource", 500011);
  });

  it("maps tenant, app and secret mistakes to the real AADSTS codes", async () => {
    const healthy = SIM_SEED.healthy;
    expectEntraError(
      await tokenRequest({ ...healthy, tenantId: SIM_UNKNOWN_TENANT_ID }),
      400,
      "invalid_request",
      90002,
    );
    expectEntraError(
      await tokenRequest({ ...healthy, tenantId: "%7B%7Btenantid%7D%7D" }),
      400,
      "invalid_request",
      900023,
    );
    expectEntraError(
      await tokenRequest({ ...healthy, appId: SIM_SEED.machinesOnly.appId }),
      400,
      "unauthorized_client",
      700016,
    );
    const wrong = expectEntraError(
      await tokenRequest({ ...healthy, appSecret: healthy.secretId }),
      401,
      "invalid_client",
      7000215,
    );
    expect(wrong).toContain("client secret value, not the client secret ID");
    expectEntraError(await tokenRequest(healthy, { client_secret: null }), 401, "invalid_client", 7000218);
    expectEntraError(
      await tokenRequest(healthy, { grant_type: "password" }),
      400,
      "unsupported_grant_type",
      70003,
    );
    expectEntraError(
      await tokenRequest(healthy, { scope: "https://api.securitycenter.microsoft.com" }),
      400,
      "invalid_scope",
      1002012,
    );
    expectEntraError(
      await tokenRequest(healthy, { scope: "https://api.example.com/.default" }),
      400,
      "invalid_scope",
      70011,
    );
  });

  it("refuses every token request of a US Government tenant as cross-cloud (AADSTS900432)", async () => {
    const otherCloud = SIM_SEED.otherCloud;
    for (const reply of [
      await tokenRequest(otherCloud),
      await tokenRequest({ ...otherCloud, appSecret: otherCloud.secretId }),
      await tokenRequest(otherCloud, { client_secret: null }),
      await tokenRequest(otherCloud, { scope: "https://api-gov.securitycenter.microsoft.us/.default" }),
      await tokenRequest({ ...otherCloud, tenantId: "litwareinc.onmicrosoft.us" }),
    ]) {
      const text = expectEntraError(reply, 400, "invalid_request", 900432);
      expect(text).toMatch(
        /^AADSTS900432: Confidential Client is not supported in Cross Cloud request\.\r\n/,
      );
      expect(text).not.toContain(otherCloud.appSecret);
    }

    const meta = await send(
      "GET",
      `${sim.origin}/${otherCloud.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({ tenant_region_scope: "USGov" });
    const commercial = await send(
      "GET",
      `${sim.origin}/${SIM_SEED.healthy.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(commercial.json).toMatchObject({ tenant_region_scope: "NA" });
  });

  it("refuses a Conditional Access-blocked app with AADSTS53003, but only once its secret is right", async () => {
    const blocked = SIM_SEED.blockedByPolicy;
    const text = expectEntraError(await tokenRequest(blocked), 400, "invalid_grant", 53003);
    expect(text).toMatch(
      /^AADSTS53003: Access has been blocked by Conditional Access policies\. The access policy does not allow token issuance\.\r\n/,
    );

    expectEntraError(
      await tokenRequest({ ...blocked, appSecret: SIM_SEED.healthy.appSecret }),
      401,
      "invalid_client",
      7000215,
    );
    expectEntraError(
      await tokenRequest({ ...blocked, appSecret: blocked.secretId }),
      401,
      "invalid_client",
      7000215,
    );
    expectEntraError(await tokenRequest(blocked, { client_secret: null }), 401, "invalid_client", 7000218);
  });

  it("resolves tenant domains, accepts every WindowsDefenderATP scope and HTTP Basic client auth", async () => {
    const domainReply = await tokenRequest({ ...SIM_SEED.healthy, tenantId: "contoso.onmicrosoft.com" });
    expect(domainReply.status).toBe(200);

    for (const scope of [
      "https://securitycenter.onmicrosoft.com/windowsatpservice/.default",
      "https://api-gcc.securitycenter.microsoft.us/.default",
      "https://api-gov.securitycenter.microsoft.us/.default",
      "https://securitycenter.onmicrosoft.us/windowsatpservice/.default",
    ]) {
      const claims = claimsSchema.parse(decodeSegment(await tokenFor(SIM_SEED.healthy, scope), 1));
      expect(claims.aud).toBe(scope.slice(0, -"/.default".length));
    }

    const { appId, appSecret } = SIM_SEED.healthy;
    const basic = Buffer.from(`${encodeURIComponent(appId)}:${encodeURIComponent(appSecret)}`).toString(
      "base64",
    );
    const reply = await tokenRequest(
      SIM_SEED.healthy,
      { client_id: null, client_secret: null },
      { authorization: `Basic ${basic}` },
    );
    expect(reply.status).toBe(200);
  });
});

describe("Defender API", () => {
  let healthyToken = "";
  beforeAll(async () => {
    healthyToken = await tokenFor(SIM_SEED.healthy);
  });

  it("requires a valid WindowsDefenderATP bearer token (401)", async () => {
    for (const reply of [
      await api("/api/machines"),
      await api("/api/machines", "not-a-jwt"),
      await api("/api/machines", `${healthyToken.slice(0, -4)}AAAA`),
      await api(
        "/api/machines",
        await tokenFor(SIM_SEED.healthy, "https://api.security.microsoft.com/.default"),
      ),
    ]) {
      expect(reply.status).toBe(401);
      expect(defenderErrorSchema.parse(reply.json).error.code).toBe("Unauthorized");
    }
  });

  it("answers 403 when the token lacks the permission", async () => {
    const noRoles = await api("/api/machines?$top=1", await tokenFor(SIM_SEED.noConsent));
    expect(noRoles.status).toBe(403);
    expect(defenderErrorSchema.parse(noRoles.json).error.code).toBe("Forbidden");

    const machinesOnly = await tokenFor(SIM_SEED.machinesOnly);
    expect((await api("/api/machines?$top=1", machinesOnly)).status).toBe(200);
    const alerts = await api("/api/alerts?$top=1", machinesOnly);
    expect(alerts.status).toBe(403);
    expect(defenderErrorSchema.parse(alerts.json).error.message).toContain("Alert.Read.All");
  });

  it("lists machines and alerts with the OData envelope", async () => {
    const machines = await api("/api/machines", healthyToken);
    expect(machines.status).toBe(200);
    expect(machines.headers["content-type"]).toMatch(/^application\/json/);
    const body = listSchema.parse(machines.json);
    expect(body["@odata.context"]).toBe(`${sim.origin}/api/$metadata#Machines`);
    expect(body.value.length).toBe(SIM_DEFENDER_DATA[SIM_SEED.healthy.tenantId]?.machines.length);
    expect(body.value[0]).toHaveProperty("computerDnsName");

    const alerts = listSchema.parse((await api("/api/v1.0/alerts", healthyToken)).json);
    expect(alerts["@odata.context"]).toBe(`${sim.origin}/api/$metadata#Alerts`);
    expect(alerts.value.length).toBeGreaterThanOrEqual(5);
  });

  it("pages with $top and $skip and validates $top", async () => {
    const all = listSchema.parse((await api("/api/alerts", healthyToken)).json).value.map((a) => a.id);
    const page1 = listSchema
      .parse((await api("/api/alerts?$top=2", healthyToken)).json)
      .value.map((a) => a.id);
    const page2 = listSchema
      .parse((await api("/api/alerts?$top=2&$skip=2", healthyToken)).json)
      .value.map((a) => a.id);
    expect(page1).toEqual(all.slice(0, 2));
    expect(page2).toEqual(all.slice(2, 4));
    const past = listSchema.parse((await api(`/api/alerts?$top=2&$skip=${all.length}`, healthyToken)).json);
    expect(past.value).toEqual([]);

    for (const top of ["0", "10001", "abc"]) {
      const reply = await api(`/api/machines?$top=${top}`, healthyToken);
      expect(reply.status).toBe(400);
      expect(["InvalidInput", "ODataError"]).toContain(defenderErrorSchema.parse(reply.json).error.code);
    }
  });

  it("filters by lastUpdateTime and orders results", async () => {
    const alerts = SIM_DEFENDER_DATA[SIM_SEED.healthy.tenantId]?.alerts ?? [];
    const sorted = [...alerts].sort((a, b) => a.lastUpdateTime.localeCompare(b.lastUpdateTime));
    const cursor = sorted[2]?.lastUpdateTime ?? "";
    const gt = listSchema.parse(
      (await api(`/api/alerts?$filter=lastUpdateTime+gt+${cursor}&$orderby=lastUpdateTime+asc`, healthyToken))
        .json,
    );
    expect(gt.value.map((a) => a.id)).toEqual(sorted.slice(3).map((a) => a.id));
    const ge = listSchema.parse(
      (await api(`/api/alerts?$filter=${encodeURIComponent(`lastUpdateTime ge ${cursor}`)}`, healthyToken))
        .json,
    );
    expect(ge.value.length).toBe(sorted.length - 2);

    const desc = listSchema.parse(
      (await api("/api/alerts?$orderby=lastUpdateTime%20desc&$top=1", healthyToken)).json,
    );
    expect(desc.value[0]?.id).toBe(sorted.at(-1)?.id);

    const lastSeen = listSchema.parse(
      (await api("/api/machines?$filter=lastSeen+gt+2026-11-20T00:00:00Z", healthyToken)).json,
    );
    for (const m of lastSeen.value) expect(String(m.lastSeen) > "2026-11-20").toBe(true);

    const bad = await api("/api/alerts?$filter=nope+gt+2020-01-01Z", healthyToken);
    expect(bad.status).toBe(400);
  });

  it("answers 404 ResourceNotFound for unknown API paths", async () => {
    const reply = await api("/api/machinez", healthyToken);
    expect(reply.status).toBe(404);
    expect(defenderErrorSchema.parse(reply.json).error.code).toBe("ResourceNotFound");
  });

  it("answers the decoy with an HTML portal page", async () => {
    const reply = await send("GET", `${sim.decoyOrigin}/api/machines?$top=1`, {
      headers: { authorization: `Bearer ${healthyToken}` },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^text\/html/);
    expect(reply.text).toContain("<html");
  });
});

describe("faults", () => {
  const tenant = SIM_SEED.faults.tenantId;
  const control = (method: string, body?: unknown) =>
    send(method, `${sim.origin}/__simulator/faults/${tenant}`, {
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("switches faults through the control endpoint", async () => {
    const token = await tokenFor(SIM_SEED.faults);

    expect((await control("PUT", { kind: "rate_limit", retryAfterSeconds: 7, target: "api" })).status).toBe(
      200,
    );
    const limited = await api("/api/machines?$top=1", token);
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("7");
    expect(defenderErrorSchema.parse(limited.json).error.code).toBe("TooManyRequests");
    // Other tenants are unaffected.
    expect((await api("/api/machines?$top=1", await tokenFor(SIM_SEED.healthy))).status).toBe(200);

    await control("PUT", { kind: "server_error", target: "api" });
    const failed = await api("/api/alerts", token);
    expect(failed.status).toBe(500);
    expect(defenderErrorSchema.parse(failed.json).error.code).toBe("InternalServerError");

    await control("PUT", { kind: "non_json", target: "api" });
    const html = await api("/api/alerts", token);
    expect(html.status).toBe(200);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.text).toMatch(/^<!DOCTYPE html>\s*<html/);

    await control("PUT", { kind: "rate_limit", retryAfterSeconds: 3, target: "token" });
    const tokenLimited = await tokenRequest(SIM_SEED.faults);
    expectEntraError(tokenLimited, 429, "temporarily_unavailable", 90055);
    expect(tokenLimited.headers["retry-after"]).toBe("3");
    expect((await api("/api/alerts", token)).status).toBe(200); // api target no longer faulted

    await control("PUT", { kind: "server_error", target: "token" });
    expectEntraError(await tokenRequest(SIM_SEED.faults), 500, "server_error", 50000);

    expect((await control("DELETE")).status).toBe(204);
    expect((await tokenRequest(SIM_SEED.faults)).status).toBe(200);

    expect((await control("PUT", { kind: "slow", target: "api" })).status).toBe(400);
    expect((await control("PUT", "nonsense")).status).toBe(400);
  });

  it("answers 401 to the tenant's valid tokens with the unauthorized fault", async () => {
    const token = await tokenFor(SIM_SEED.faults);
    const healthyToken = await tokenFor(SIM_SEED.healthy);

    expect((await control("PUT", { kind: "unauthorized", target: "api" })).status).toBe(200);
    for (const path of ["/api/machines?$top=1", "/api/alerts?$top=1"]) {
      const reply = await api(path, token);
      expect(reply.status).toBe(401);
      expect(reply.headers["content-type"]).toMatch(/^application\/json/);
      expect(reply.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
      const body = defenderErrorSchema.parse(reply.json);
      expect(body.error.code).toBe("Unauthorized");
      expect(body.error.message).toBe("Invalid or expired authorization header.");
      expect(body.error.target).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    // Entra still issues tokens, and other tenants' tokens still work.
    expect((await tokenRequest(SIM_SEED.faults)).status).toBe(200);
    expect((await api("/api/machines?$top=1", healthyToken)).status).toBe(200);

    // Only the API can refuse a token: the token endpoint is not a target of this fault.
    const refused = await control("PUT", { kind: "unauthorized", target: "token" });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { code: "InvalidFault" } });
    expect(() => sim.setFault(tenant, { kind: "unauthorized", target: "token" } as never)).toThrow();
    expect((await api("/api/machines?$top=1", token)).status).toBe(401); // the api fault is still in place

    expect((await control("DELETE")).status).toBe(204);
    expect((await api("/api/machines?$top=1", token)).status).toBe(200);
  });

  it("delays with slow and survives a client that gives up", async () => {
    sim.setFault(tenant, { kind: "slow", delayMs: 150, target: "api" });
    const token = await tokenFor(SIM_SEED.faults);
    const started = Date.now();
    expect((await api("/api/machines?$top=1", token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    sim.setFault(tenant, { kind: "slow", delayMs: 20_000, target: "api" });
    const controller = new AbortController();
    const pending = send("GET", `${sim.origin}/api/machines`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    sim.setFault(tenant, null);
    expect((await api("/api/machines?$top=1", token)).status).toBe(200);
  });

  it("never records secrets or tokens in the request log", async () => {
    const log = JSON.stringify(sim.requests());
    expect(log).toContain("/oauth2/v2.0/token");
    for (const s of Object.values(SIM_SEED)) expect(log).not.toContain(s.appSecret);
    expect(log).not.toContain("eyJ");
    const apiCall = sim
      .requests()
      .find((r) => r.path.startsWith("/api/alerts") && r.tenant === SIM_SEED.healthy.tenantId);
    expect(apiCall).toBeDefined();
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After after 100 calls per minute for one app", async () => {
    sim.reset();
    const token = await tokenFor(SIM_SEED.machinesOnly);
    const agent = new Agent({ keepAlive: true, maxSockets: 10, ca: sim.cert });
    try {
      const statuses: number[] = [];
      for (let batch = 0; batch < 11; batch++) {
        const replies = await Promise.all(
          Array.from({ length: 10 }, () =>
            send("GET", `${sim.origin}/api/machines?$top=1`, {
              headers: { authorization: `Bearer ${token}` },
              agent,
            }),
          ),
        );
        statuses.push(...replies.map((r) => r.status));
      }
      expect(statuses.filter((s) => s === 200).length).toBe(100);
      const limited = await send("GET", `${sim.origin}/api/machines?$top=1`, {
        headers: { authorization: `Bearer ${token}` },
        agent,
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      sim.reset();
      expect((await api("/api/machines?$top=1", token)).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});

describe("close()", () => {
  it("does not hang on a pending slow request", async () => {
    const local = await startSimulator({ certDir });
    try {
      local.setFault(SIM_SEED.healthy.tenantId, { kind: "slow", delayMs: 60_000, target: "token" });
      const pending = new Promise<number>((resolve, reject) => {
        const req = request(
          `${local.origin}/${SIM_SEED.healthy.tenantId}/oauth2/v2.0/token`,
          {
            method: "POST",
            ca: local.cert,
            agent: false,
            headers: { "content-type": "application/x-www-form-urlencoded" },
          },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on("error", reject);
        req.end("grant_type=client_credentials");
      });
      pending.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await local.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      await expect(pending).rejects.toThrow();
    } finally {
      await local.close();
    }
  });
});

describe("msal-node interoperability", () => {
  it("acquires a token and surfaces AADSTS errors through @azure/msal-node", async () => {
    const script = `
      import { ConfidentialClientApplication } from "@azure/msal-node";
      const [origin, hostPort, credentials] = process.argv.slice(1);
      const run = async ({ tenantId, appId, appSecret }) => {
        const app = new ConfidentialClientApplication({ auth: { clientId: appId, clientSecret: appSecret, authority: origin + "/" + tenantId, knownAuthorities: [hostPort] } });
        try {
          const r = await app.acquireTokenByClientCredential({ scopes: ["https://api.securitycenter.microsoft.com/.default"], skipCache: true });
          return { ok: true, roles: JSON.parse(Buffer.from(r.accessToken.split(".")[1], "base64url").toString()).roles };
        } catch (e) {
          return { ok: false, errorCode: e.errorCode, errorNo: e.errorNo, status: e.status };
        }
      };
      const results = [];
      for (const c of JSON.parse(credentials)) results.push(await run(c));
      console.log(JSON.stringify(results));
    `;
    const scenarios = [
      SIM_SEED.healthy,
      SIM_SEED.expiredSecret,
      SIM_SEED.otherCloud,
      SIM_SEED.blockedByPolicy,
    ].map(({ tenantId, appId, appSecret }) => ({ tenantId, appId, appSecret }));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--input-type=module", "-e", script, sim.origin, sim.hostPort, JSON.stringify(scenarios)],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: sim.certPath }, timeout: 15_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const results = z
      .array(z.record(z.string(), z.unknown()))
      .parse(JSON.parse(output.trim().split("\n").at(-1) ?? ""));
    expect(results).toEqual([
      { ok: true, roles: ["Machine.Read.All", "Alert.Read.All"] },
      { ok: false, errorCode: "invalid_client", errorNo: 7000222, status: 401 },
      { ok: false, errorCode: "invalid_request", errorNo: 900432, status: 400 },
      { ok: false, errorCode: "invalid_grant", errorNo: 53003, status: 400 },
    ]);
  });
});
