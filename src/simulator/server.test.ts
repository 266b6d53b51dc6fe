import { execFile } from "node:child_process";
import { createPublicKey, verify as verifySignature } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ensureCertificate } from "./certificate";
import {
  SIM_DEFENDER_DATA,
  SIM_FEATURE_ROLES,
  SIM_SEED,
  SIM_UNKNOWN_TENANT_ID,
  type SimScenario,
  simDateTime,
  simSecretEndDateTime,
} from "./seed";
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
const THREAT_PROTECTION_SCOPE = "https://api.security.microsoft.com/.default";
const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

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

const graphErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    innerError: z.object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
      "request-id": z.string().uuid(),
      "client-request-id": z.string().uuid(),
    }),
  }),
});

function expectGraphError(reply: Reply, status: number, code: string): string {
  expect(reply.status).toBe(status);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  const body = graphErrorSchema.parse(reply.json);
  expect(body.error.code).toBe(code);
  expect(reply.headers["request-id"]).toBe(body.error.innerError["request-id"]);
  return body.error.message;
}

function expectDefenderError(reply: Reply, status: number, code: string): string {
  expect(reply.status).toBe(status);
  const body = defenderErrorSchema.parse(reply.json);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

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

function post(pathAndQuery: string, token: string, body: unknown): Promise<Reply> {
  return send("POST", `${sim.origin}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
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

describe("one app registration, three resources", () => {
  const sorted = (roles: readonly string[] | undefined) => [...(roles ?? [])].sort();

  it("issues a token per resource whose audience and roles are that resource's only", async () => {
    const all = SIM_SEED.allFeatures;
    for (const [scope, roles] of [
      [DEFENDER_SCOPE, SIM_FEATURE_ROLES.defender],
      [THREAT_PROTECTION_SCOPE, SIM_FEATURE_ROLES.threatProtection],
      [GRAPH_SCOPE, SIM_FEATURE_ROLES.graph],
    ] as const) {
      const claims = claimsSchema.parse(decodeSegment(await tokenFor(all, scope), 1));
      expect(claims.aud).toBe(scope.slice(0, -"/.default".length));
      expect(claims.tid).toBe(all.tenantId);
      expect(claims.appid).toBe(all.appId);
      expect(sorted(claims.roles)).toEqual(sorted(roles));
    }
  });

  it("accepts every cloud's identifier URI of Threat Protection and Graph", async () => {
    for (const [scope, roles] of [
      ["https://api-gcc.security.microsoft.us/.default", SIM_FEATURE_ROLES.threatProtection],
      ["https://api-gov.security.microsoft.us/.default", SIM_FEATURE_ROLES.threatProtection],
      ["https://graph.microsoft.us/.default", SIM_FEATURE_ROLES.graph],
      ["https://dod-graph.microsoft.us/.default", SIM_FEATURE_ROLES.graph],
      ["https://api-gcc.securitycenter.microsoft.us/.default", SIM_FEATURE_ROLES.defender],
    ] as const) {
      const claims = claimsSchema.parse(decodeSegment(await tokenFor(SIM_SEED.allFeatures, scope), 1));
      expect(claims.aud).toBe(scope.slice(0, -"/.default".length));
      expect(sorted(claims.roles)).toEqual(sorted(roles));
    }
  });

  it("issues tokens without a roles claim for resources the app has no consent on", async () => {
    const scenario = SIM_SEED.graphNotConsented;
    for (const scope of [GRAPH_SCOPE, THREAT_PROTECTION_SCOPE]) {
      const claims = claimsSchema.parse(decodeSegment(await tokenFor(scenario, scope), 1));
      expect(Object.keys(claims)).not.toContain("roles");
    }
    const defender = claimsSchema.parse(decodeSegment(await tokenFor(scenario, DEFENDER_SCOPE), 1));
    expect(sorted(defender.roles)).toEqual(["Alert.Read.All", "Machine.Read.All"]);
    // The existing seeds hold Defender roles only.
    const healthyGraph = claimsSchema.parse(decodeSegment(await tokenFor(SIM_SEED.healthy, GRAPH_SCOPE), 1));
    expect(healthyGraph.roles).toBeUndefined();
  });

  it("keeps one resource per request and Defender resources to provisioned tenants", async () => {
    expectEntraError(
      await tokenRequest(SIM_SEED.allFeatures, { scope: `${GRAPH_SCOPE} ${DEFENDER_SCOPE}` }),
      400,
      "invalid_scope",
      70011,
    );
    // Microsoft Graph exists in every tenant; Threat Protection, like WindowsDefenderATP, needs Defender.
    expect((await tokenRequest(SIM_SEED.noDefender, { scope: GRAPH_SCOPE })).status).toBe(200);
    expectEntraError(
      await tokenRequest(SIM_SEED.noDefender, { scope: THREAT_PROTECTION_SCOPE }),
      400,
      "invalid_resource",
      500011,
    );
  });

  it("grants the over-privileged app exactly the roles it was given", async () => {
    const scenario = SIM_SEED.overPrivileged;
    const defender = claimsSchema.parse(decodeSegment(await tokenFor(scenario, DEFENDER_SCOPE), 1));
    expect(sorted(defender.roles)).toEqual(
      sorted([
        "Alert.Read.All",
        "Machine.Read.All",
        "Machine.Offboard",
        "Machine.RestrictExecution",
        "File.Read.All",
      ]),
    );
    const graph = claimsSchema.parse(decodeSegment(await tokenFor(scenario, GRAPH_SCOPE), 1));
    expect(graph.roles).toEqual(["Directory.Read.All"]);
    const allFeatureRoles: readonly string[] = [
      ...SIM_FEATURE_ROLES.defender,
      ...SIM_FEATURE_ROLES.threatProtection,
      ...SIM_FEATURE_ROLES.graph,
    ];
    for (const extra of [
      "Machine.Offboard",
      "Machine.RestrictExecution",
      "File.Read.All",
      "Directory.Read.All",
    ]) {
      expect(allFeatureRoles).not.toContain(extra);
    }
  });
});

describe("Defender API: vulnerability management, indicators and advanced queries", () => {
  let token = "";
  let healthyToken = "";
  beforeAll(async () => {
    token = await tokenFor(SIM_SEED.allFeatures);
    healthyToken = await tokenFor(SIM_SEED.healthy);
  });

  const lists = [
    ["/api/vulnerabilities", "Vulnerabilities", "Vulnerability.Read.All", "cvssV3"],
    ["/api/Software", "Software", "Software.Read.All", "exposedMachines"],
    ["/api/recommendations", "Recommendations", "SecurityRecommendation.Read.All", "recommendationName"],
    ["/api/indicators", "Indicators", "Ti.ReadWrite.All", "indicatorValue"],
  ] as const;

  it("lists each entity with the OData envelope, $top and $skip", async () => {
    for (const [path, entitySet, , property] of lists) {
      const all = await api(path, token);
      expect(all.status).toBe(200);
      expect(all.headers["content-type"]).toMatch(/^application\/json/);
      const body = listSchema.parse(all.json);
      expect(body["@odata.context"]).toBe(`${sim.origin}/api/$metadata#${entitySet}`);
      expect(body.value.length).toBeGreaterThanOrEqual(3);
      expect(body.value[0]).toHaveProperty(property);

      const first = listSchema.parse((await api(`${path}?$top=1`, token)).json).value;
      const second = listSchema.parse((await api(`${path}?$top=1&$skip=1`, token)).json).value;
      expect(first).toEqual(body.value.slice(0, 1));
      expect(second).toEqual(body.value.slice(1, 2));
    }
  });

  it("matches paths case-insensitively, as documented with /api/Software", async () => {
    const documented = listSchema.parse((await api("/api/Software?$top=2", token)).json);
    const lower = listSchema.parse((await api("/api/software?$top=2", token)).json);
    expect(lower.value).toEqual(documented.value);
    expect((await api("/api/V1.0/SOFTWARE?$top=1", token)).status).toBe(200);
  });

  it("answers with realistic shapes, nulls included", async () => {
    const [vulnerability] = listSchema.parse((await api("/api/vulnerabilities?$top=1", token)).json).value;
    expect(vulnerability).toMatchObject({
      id: expect.stringMatching(/^CVE-\d{4}-\d+$/),
      severity: expect.any(String),
      cvssV3: expect.any(Number),
      exploitTypes: expect.any(Array),
      firstDetected: null,
    });
    const [recommendation] = listSchema.parse(
      (await api("/api/recommendations?$filter=remediationType+eq+'ConfigurationChange'", token)).json,
    ).value;
    expect(recommendation).toMatchObject({ id: "scid-2010", productName: null, recommendedProgram: null });
    const indicators = listSchema.parse((await api("/api/indicators", token)).json).value;
    expect(indicators.map((i) => i.sourceType).sort()).toEqual(["AadApp", "User", "User"]);
    expect(indicators.find((i) => i.sourceType === "AadApp")?.createdBy).toBe(SIM_SEED.allFeatures.appId);
    expect(indicators.some((i) => i.expirationTime === null)).toBe(true);
  });

  it("returns the exposure score as a single entity", async () => {
    const reply = await api("/api/exposureScore", token);
    expect(reply.status).toBe(200);
    const body = z
      .object({ "@odata.context": z.string(), time: z.string(), score: z.number() })
      .strict()
      .parse(reply.json);
    expect(body["@odata.context"]).toBe(`${sim.origin}/api/$metadata#ExposureScore/$entity`);
    expect(body.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(body.score).toBeGreaterThan(0);
    expect((await api("/api/exposureScore/ByMachineGroups", token)).status).toBe(404);
  });

  it("bounds $top per entity (8,000 for vulnerabilities)", async () => {
    expect((await api("/api/vulnerabilities?$top=8000", token)).status).toBe(200);
    const message = expectDefenderError(
      await api("/api/vulnerabilities?$top=8001", token),
      400,
      "InvalidInput",
    );
    expect(message).toContain("8000");
    expect((await api("/api/Software?$top=10000", token)).status).toBe(200);
  });

  it("runs advanced queries: {Query} in, {Schema, Results} out", async () => {
    const reply = await post("/api/advancedqueries/run", token, {
      Query: "DeviceInfo | where Timestamp > ago(1d) | take 2 | project DeviceId, DeviceName",
    });
    expect(reply.status).toBe(200);
    const body = z
      .object({
        Schema: z.array(z.object({ Name: z.string(), Type: z.string() }).strict()),
        Results: z.array(z.record(z.string(), z.unknown())),
      })
      .strict()
      .parse(reply.json);
    expect(body.Schema).toEqual([
      { Name: "DeviceId", Type: "String" },
      { Name: "DeviceName", Type: "String" },
    ]);
    expect(body.Results).toHaveLength(2);
    const machineIds = SIM_DEFENDER_DATA[SIM_SEED.allFeatures.tenantId]?.machines.map((m) => m.id);
    expect(machineIds).toContain(body.Results[0]?.DeviceId);

    expect(await post("/api/advancedqueries/run", token, { Query: "NoSuchTable | take 1" })).toMatchObject({
      status: 400,
    });
    expectDefenderError(
      await post("/api/advancedqueries/run", token, { query: "DeviceInfo" }),
      400,
      "MissingRequiredParameter",
    );
    expectDefenderError(await post("/api/advancedqueries/run", token, "not json"), 400, "InvalidRequestBody");
    expectDefenderError(await api("/api/advancedqueries/run", token), 405, "MethodNotAllowed");
  });

  it("answers 403 naming the permission when the token lacks it", async () => {
    for (const [path, , role] of lists) {
      const message = expectDefenderError(await api(path, healthyToken), 403, "Forbidden");
      expect(message).toContain(role);
    }
    expect(expectDefenderError(await api("/api/exposureScore", healthyToken), 403, "Forbidden")).toContain(
      "Score.Read.All",
    );
    expect(
      expectDefenderError(
        await post("/api/advancedqueries/run", healthyToken, { Query: "DeviceInfo | take 1" }),
        403,
        "Forbidden",
      ),
    ).toContain("AdvancedQuery.Read.All");
  });

  it("answers 401 to a token for another resource", async () => {
    for (const scope of [GRAPH_SCOPE, THREAT_PROTECTION_SCOPE]) {
      const other = await tokenFor(SIM_SEED.allFeatures, scope);
      for (const path of ["/api/vulnerabilities", "/api/exposureScore", "/api/indicators"]) {
        const reply = await api(path, other);
        expect(expectDefenderError(reply, 401, "Unauthorized")).toContain("audience");
        expect(reply.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
      }
      expectDefenderError(
        await post("/api/advancedqueries/run", other, { Query: "DeviceInfo" }),
        401,
        "Unauthorized",
      );
    }
  });
});

describe("Defender XDR incidents (Microsoft Threat Protection)", () => {
  let token = "";
  beforeAll(async () => {
    token = await tokenFor(SIM_SEED.allFeatures, THREAT_PROTECTION_SCOPE);
  });

  it("lists incidents, newest first, with their alerts, devices and entities", async () => {
    const reply = await api("/api/incidents", token);
    expect(reply.status).toBe(200);
    const body = listSchema.parse(reply.json);
    expect(body["@odata.context"]).toBe(`${sim.origin}/api/$metadata#Incidents`);
    const alerts = SIM_DEFENDER_DATA[SIM_SEED.allFeatures.tenantId]?.alerts ?? [];
    expect(body.value).toHaveLength(alerts.length);
    const created = body.value.map((i) => String(i.createdTime));
    expect(created).toEqual([...created].sort().reverse());
    const incident = z
      .object({
        incidentId: z.number(),
        redirectIncidentId: z.null(),
        incidentName: z.string(),
        status: z.enum(["Active", "Resolved"]),
        classification: z.string(),
        determination: z.string(),
        tags: z.array(z.string()),
        alerts: z.array(
          z.object({
            alertId: z.string(),
            serviceSource: z.literal("MicrosoftDefenderATP"),
            devices: z.array(z.object({ mdatpDeviceId: z.string(), aadDeviceId: z.string().nullable() })),
            entities: z.array(z.object({ entityType: z.string(), sha1: z.string().nullable() })).min(1),
          }),
        ),
      })
      .parse(body.value[0]);
    expect(alerts.map((a) => a.id)).toContain(incident.alerts[0]?.alertId);

    const single = await api(`/api/incidents/${incident.incidentId}`, token);
    expect(single.status).toBe(200);
    expect(single.json).toMatchObject({ incidentId: incident.incidentId });
    expectDefenderError(await api("/api/incidents/1", token), 404, "ResourceNotFound");
  });

  it("honours $top up to 100 and $skip", async () => {
    const all = listSchema.parse((await api("/api/incidents", token)).json).value;
    const page = listSchema.parse((await api("/api/incidents?$top=2&$skip=1", token)).json).value;
    expect(page).toEqual(all.slice(1, 3));
    expect((await api("/api/incidents?$top=100", token)).status).toBe(200);
    expect(expectDefenderError(await api("/api/incidents?$top=101", token), 400, "InvalidInput")).toContain(
      "100",
    );
    const active = listSchema.parse(
      (await api("/api/incidents?$filter=status+eq+'Active'", token)).json,
    ).value;
    expect(active.every((i) => i.status === "Active")).toBe(true);
  });

  it("refuses a WindowsDefenderATP or Graph token with 401, and a token without roles with 403", async () => {
    for (const scope of [DEFENDER_SCOPE, GRAPH_SCOPE]) {
      const reply = await api("/api/incidents", await tokenFor(SIM_SEED.allFeatures, scope));
      expect(expectDefenderError(reply, 401, "Unauthorized")).toContain("audience");
    }
    expectDefenderError(await api("/api/incidents"), 401, "Unauthorized");
    const notConsented = await tokenFor(SIM_SEED.graphNotConsented, THREAT_PROTECTION_SCOPE);
    expect(expectDefenderError(await api("/api/incidents?$top=1", notConsented), 403, "Forbidden")).toContain(
      "Incident.Read.All",
    );
  });
});

describe("Microsoft Graph", () => {
  let token = "";
  beforeAll(async () => {
    token = await tokenFor(SIM_SEED.allFeatures, GRAPH_SCOPE);
  });

  const credentialSchema = z
    .object({
      customKeyIdentifier: z.null(),
      displayName: z.string().nullable(),
      endDateTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/),
      hint: z.string().length(3),
      keyId: z.string().uuid(),
      secretText: z.null(),
      startDateTime: z.string(),
    })
    .strict();
  const applicationSchema = z
    .object({
      "@odata.context": z.string(),
      id: z.string().uuid(),
      appId: z.string(),
      displayName: z.string(),
      passwordCredentials: z.array(credentialSchema),
    })
    .strict();

  async function passwordCredentials(scenario: SimScenario) {
    const graphToken = await tokenFor(scenario, GRAPH_SCOPE);
    const reply = await api(
      `/v1.0/applications(appId='${scenario.appId}')?$select=id,appId,displayName,passwordCredentials`,
      graphToken,
    );
    expect(reply.status).toBe(200);
    return applicationSchema.parse(reply.json);
  }

  it("reads the app's passwordCredentials with $select; the hint of the secret in use is unique", async () => {
    const scenario = SIM_SEED.allFeatures;
    const app = await passwordCredentials(scenario);
    expect(app["@odata.context"]).toBe(
      `${sim.origin}/v1.0/$metadata#applications(id,appId,displayName,passwordCredentials)/$entity`,
    );
    expect(app.appId).toBe(scenario.appId);
    const inUse = app.passwordCredentials.filter((c) => c.hint === scenario.appSecret.slice(0, 3));
    expect(inUse).toHaveLength(1);
    expect(inUse[0]?.keyId).toBe(scenario.secretId);
    expect(inUse[0]?.endDateTime).toBe(simSecretEndDateTime(scenario, sim.startedAt));
    const older = scenario.otherSecrets[0];
    const other = app.passwordCredentials.find((c) => c.keyId === older.secretId);
    expect(other?.hint).toBe(older.value.slice(0, 3));
    expect(other?.hint).not.toBe(inUse[0]?.hint);
    expect(other?.endDateTime).toBe(simDateTime(sim.startedAt, older.validDays));
    // The older secret ends first: matching by hint, not by the earliest end date, finds the secret in use.
    expect(Date.parse(other?.endDateTime ?? "")).toBeLessThan(Date.parse(inUse[0]?.endDateTime ?? ""));
  });

  it("computes expiry dates from the simulator's clock at start", async () => {
    const scenario = SIM_SEED.secretExpiringSoon;
    const [credential] = (await passwordCredentials(scenario)).passwordCredentials;
    expect(credential?.keyId).toBe(scenario.secretId);
    expect(credential?.endDateTime).toBe(simSecretEndDateTime(scenario, sim.startedAt));
    expect((Date.parse(credential?.endDateTime ?? "") - sim.startedAt.getTime()) / 86_400_000).toBe(5);
    const health = z
      .object({ startedAt: z.string() })
      .parse((await send("GET", `${sim.origin}/__simulator/health`)).json);
    expect(health.startedAt).toBe(sim.startedAt.toISOString());
  });

  it("shows two credentials with the hint of the secret in use, with different end dates", async () => {
    const scenario = SIM_SEED.ambiguousSecretHint;
    const app = await passwordCredentials(scenario);
    expect(app.passwordCredentials).toHaveLength(3);
    const matches = app.passwordCredentials.filter((c) => c.hint === scenario.appSecret.slice(0, 3));
    expect(matches.map((c) => c.keyId).sort()).toEqual(
      [scenario.secretId, scenario.otherSecrets[1].secretId].sort(),
    );
    expect(new Set(matches.map((c) => c.endDateTime)).size).toBe(2);
    expect(matches.map((c) => c.endDateTime).sort()).toEqual(
      [simSecretEndDateTime(scenario, sim.startedAt), simDateTime(sim.startedAt, 20)].sort(),
    );
    // The ambiguous twin is a real secret of the same app: it signs in too.
    expect((await tokenRequest({ ...scenario, appSecret: scenario.otherSecrets[1].value })).status).toBe(200);
    // The third one has expired.
    const expired = app.passwordCredentials.find((c) => c.keyId === scenario.otherSecrets[0].secretId);
    expect(Date.parse(expired?.endDateTime ?? "")).toBeLessThan(sim.startedAt.getTime());
  });

  it("answers the application read with the directory's errors", async () => {
    const { appId } = SIM_SEED.allFeatures;
    const full = await api(`/v1.0/applications(appId='${appId}')`, token);
    expect(full.status).toBe(200);
    expect(full.json).toMatchObject({
      "@odata.context": `${sim.origin}/v1.0/$metadata#applications/$entity`,
      appId,
      keyCredentials: [],
      description: null,
      signInAudience: "AzureADMyOrg",
    });
    // The object-id form and URL-encoded quotes address the same application.
    const objectId = z.object({ id: z.string() }).parse(full.json).id;
    expect((await api(`/v1.0/applications/${objectId}?$select=appId`, token)).json).toMatchObject({ appId });
    expect((await api(`/v1.0/applications(appId=%27${appId}%27)?$select=appId`, token)).status).toBe(200);

    const missing = expectGraphError(
      await api(`/v1.0/applications(appId='${SIM_SEED.healthy.appId}')`, token),
      404,
      "Request_ResourceNotFound",
    );
    expect(missing).toBe(
      `Resource '${SIM_SEED.healthy.appId}' does not exist or one of its queried reference-property objects are not present.`,
    );
    expect(
      expectGraphError(
        await api(`/v1.0/applications(appId='${appId}')?$select=nope`, token),
        400,
        "BadRequest",
      ),
    ).toContain("'nope'");

    const notConsented = await tokenFor(SIM_SEED.graphNotConsented, GRAPH_SCOPE);
    const denied = expectGraphError(
      await api(`/v1.0/applications(appId='${SIM_SEED.graphNotConsented.appId}')`, notConsented),
      403,
      "Authorization_RequestDenied",
    );
    expect(denied).toBe("Insufficient privileges to complete the operation.");
    // A higher-privileged directory permission reads it too.
    const overPrivileged = await tokenFor(SIM_SEED.overPrivileged, GRAPH_SCOPE);
    expect(
      (await api(`/v1.0/applications(appId='${SIM_SEED.overPrivileged.appId}')`, overPrivileged)).status,
    ).toBe(200);
  });

  it("refuses tokens for other resources, and no token, with InvalidAuthenticationToken", async () => {
    const path = `/v1.0/applications(appId='${SIM_SEED.allFeatures.appId}')`;
    for (const scope of [DEFENDER_SCOPE, THREAT_PROTECTION_SCOPE]) {
      const reply = await api(path, await tokenFor(SIM_SEED.allFeatures, scope));
      expect(expectGraphError(reply, 401, "InvalidAuthenticationToken")).toBe(
        "Access token validation failure. Invalid audience.",
      );
      expect(reply.headers["www-authenticate"]).toContain('client_id="00000003-0000-0000-c000-000000000000"');
    }
    expect(expectGraphError(await api(path), 401, "InvalidAuthenticationToken")).toBe(
      "Access token is empty.",
    );
    expectGraphError(await api("/v1.0/devices", "not-a-jwt"), 401, "InvalidAuthenticationToken");
    expectGraphError(
      await post("/v1.0/security/runHuntingQuery", await tokenFor(SIM_SEED.allFeatures), {
        Query: "DeviceInfo",
      }),
      401,
      "InvalidAuthenticationToken",
    );
  });

  it("lists Intune managed devices with $top, $select and @odata.nextLink", async () => {
    const all = listSchema.parse((await api("/v1.0/deviceManagement/managedDevices", token)).json);
    expect(all["@odata.context"]).toBe(`${sim.origin}/v1.0/$metadata#deviceManagement/managedDevices`);
    expect(all.value.length).toBeGreaterThanOrEqual(2);
    expect(all.value[0]).toMatchObject({
      managementAgent: "mdm",
      activationLockBypassCode: null,
      notes: null,
    });
    // Intune's azureADDeviceId is Defender's aadDeviceId.
    const aadIds = SIM_DEFENDER_DATA[SIM_SEED.allFeatures.tenantId]?.machines.map((m) => m.aadDeviceId);
    expect(aadIds).toContain(all.value[0]?.azureADDeviceId);

    const first = await api("/v1.0/deviceManagement/managedDevices?$top=1&$select=id,azureADDeviceId", token);
    const page = z
      .object({
        "@odata.context": z.string(),
        "@odata.nextLink": z.string(),
        value: z.array(z.object({ id: z.string(), azureADDeviceId: z.string() }).strict()).length(1),
      })
      .strict()
      .parse(first.json);
    expect(page["@odata.context"]).toBe(
      `${sim.origin}/v1.0/$metadata#deviceManagement/managedDevices(id,azureADDeviceId)`,
    );
    expect(page["@odata.nextLink"]).toMatch(/\?\$top=1&\$select=id,azureADDeviceId&\$skiptoken=/);
    expect(page.value[0]?.id).toBe(all.value[0]?.id);
    const next = listSchema.parse((await api(page["@odata.nextLink"].slice(sim.origin.length), token)).json);
    expect(next.value[0]?.id).toBe(all.value[1]?.id);

    const policies = listSchema.parse(
      (await api("/v1.0/deviceManagement/deviceCompliancePolicies?$top=1", token)).json,
    );
    expect(policies.value).toHaveLength(1);
    expect(policies.value[0]?.["@odata.type"]).toBe("#microsoft.graph.windows10CompliancePolicy");
    const selected = listSchema.parse(
      (await api("/v1.0/deviceManagement/deviceCompliancePolicies?$select=id", token)).json,
    );
    expect(Object.keys(selected.value[0] ?? {}).sort()).toEqual(["@odata.type", "id"]);
  });

  it("answers 400 'Request not applicable to target tenant.' where Intune is not licensed", async () => {
    const unlicensed = await tokenFor(SIM_SEED.intuneUnlicensed, GRAPH_SCOPE);
    for (const path of [
      "/v1.0/deviceManagement/managedDevices?$top=1",
      "/v1.0/deviceManagement/deviceCompliancePolicies?$top=1",
    ]) {
      expect(expectGraphError(await api(path, unlicensed), 400, "BadRequest")).toBe(
        "Request not applicable to target tenant.",
      );
    }
    // Entra devices do not need Intune; they are just not managed.
    const devices = listSchema.parse((await api("/v1.0/devices", unlicensed)).json).value;
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.isManaged === false && d.mdmAppId === null)).toBe(true);
  });

  it("answers Intune's 403 when the Intune permissions are missing", async () => {
    const notConsented = await tokenFor(SIM_SEED.graphNotConsented, GRAPH_SCOPE);
    for (const [path, role] of [
      ["/v1.0/deviceManagement/managedDevices?$top=1", "DeviceManagementManagedDevices.Read.All"],
      ["/v1.0/deviceManagement/deviceCompliancePolicies?$top=1", "DeviceManagementConfiguration.Read.All"],
    ] as const) {
      const message = expectGraphError(await api(path, notConsented), 403, "Forbidden");
      const inner = z.object({ _version: z.literal(3), Message: z.string() }).parse(JSON.parse(message));
      expect(inner.Message).toContain(
        `Application is not authorized to perform this operation. Application must have one of the following scopes: ${role}`,
      );
    }
  });

  it("lists Entra devices ($top capped at 999) and refuses them without Device.Read.All", async () => {
    const reply = await api("/v1.0/devices?$top=999", token);
    const devices = listSchema.parse(reply.json).value;
    expect(devices.length).toBeGreaterThanOrEqual(3);
    expect(devices[0]).toMatchObject({ deletedDateTime: null, deviceCategory: null, accountEnabled: true });
    const aadIds = SIM_DEFENDER_DATA[SIM_SEED.allFeatures.tenantId]?.machines.map((m) => m.aadDeviceId);
    expect(devices.map((d) => d.deviceId)).toEqual(
      expect.arrayContaining(aadIds?.filter((id) => id !== null) ?? []),
    );
    expect(listSchema.parse((await api("/v1.0/devices?$top=1", token)).json).value).toHaveLength(1);
    expectGraphError(await api("/v1.0/devices?$top=1000", token), 400, "Request_UnsupportedQuery");

    const notConsented = await tokenFor(SIM_SEED.graphNotConsented, GRAPH_SCOPE);
    expectGraphError(await api("/v1.0/devices?$top=1", notConsented), 403, "Authorization_RequestDenied");
    // Directory.Read.All is a higher permission that reads devices too.
    const overPrivileged = await tokenFor(SIM_SEED.overPrivileged, GRAPH_SCOPE);
    expect((await api("/v1.0/devices?$top=1", overPrivileged)).status).toBe(200);
  });

  it("runs hunting queries: {Query, Timespan} in, {schema, results} out", async () => {
    const reply = await post("/v1.0/security/runHuntingQuery", token, {
      Query: "DeviceInfo | take 1",
      Timespan: "P1D",
    });
    expect(reply.status).toBe(200);
    const body = z
      .object({
        "@odata.context": z.string(),
        schema: z.array(z.object({ name: z.string(), type: z.string() }).strict()),
        results: z.array(z.record(z.string(), z.unknown())).length(1),
      })
      .strict()
      .parse(reply.json);
    expect(body["@odata.context"]).toBe(
      `${sim.origin}/v1.0/$metadata#microsoft.graph.security.huntingQueryResults`,
    );
    expect(body.schema.map((c) => c.name)).toContain("DeviceId");
    expectGraphError(
      await post("/v1.0/security/runHuntingQuery", token, { Timespan: "P1D" }),
      400,
      "BadRequest",
    );
    expectGraphError(
      await post("/v1.0/security/runHuntingQuery", token, { Query: "Nope | take 1" }),
      400,
      "BadRequest",
    );

    const notConsented = await tokenFor(SIM_SEED.graphNotConsented, GRAPH_SCOPE);
    const denied = expectGraphError(
      await post("/v1.0/security/runHuntingQuery", notConsented, { Query: "DeviceInfo | take 1" }),
      403,
      "Forbidden",
    );
    expect(denied).toBe(
      "Missing application roles. API required roles: ThreatHunting.Read.All, application roles: ",
    );
  });

  it("lists custom detection rules on beta only", async () => {
    const rules = listSchema.parse((await api("/beta/security/rules/detectionRules?$top=1", token)).json);
    expect(rules["@odata.context"]).toBe(`${sim.origin}/beta/$metadata#security/rules/detectionRules`);
    expect(rules.value).toHaveLength(1);
    expect(rules.value[0]).toMatchObject({
      "@odata.type": "#microsoft.graph.security.detectionRule",
      isEnabled: true,
      lastRunDetails: { status: null, failureReason: null, errorCode: null },
    });
    expectGraphError(await api("/v1.0/security/rules/detectionRules", token), 400, "BadRequest");
    const overPrivileged = await tokenFor(SIM_SEED.overPrivileged, GRAPH_SCOPE);
    expect(
      expectGraphError(await api("/beta/security/rules/detectionRules", overPrivileged), 403, "Forbidden"),
    ).toContain("CustomDetection.ReadWrite.All");
  });

  it("answers unknown segments and unsimulated query options with 400", async () => {
    expect(expectGraphError(await api("/v1.0/nothingHere", token), 400, "BadRequest")).toBe(
      "Resource not found for the segment 'nothingHere'.",
    );
    expectGraphError(await api("/v1.0/devices?$filter=accountEnabled eq true", token), 400, "BadRequest");
  });
});

describe("faults per API", () => {
  const scenario = SIM_SEED.faults;
  const tenant = scenario.tenantId;
  const control = (body?: unknown) =>
    send(body === undefined ? "DELETE" : "PUT", `${sim.origin}/__simulator/faults/${tenant}`, {
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("hits Microsoft Graph with target graph, in Graph's error shape", async () => {
    const graph = await tokenFor(scenario, GRAPH_SCOPE);
    const defender = await tokenFor(scenario);
    try {
      expect((await control({ kind: "rate_limit", retryAfterSeconds: 7, target: "graph" })).status).toBe(200);
      const limited = await api("/v1.0/devices?$top=1", graph);
      expectGraphError(limited, 429, "TooManyRequests");
      expect(limited.headers["retry-after"]).toBe("7");
      expect((await api("/api/machines?$top=1", defender)).status).toBe(200);

      await control({ kind: "server_error", target: "graph" });
      expectGraphError(await api("/v1.0/devices", graph), 500, "generalException");

      await control({ kind: "unauthorized", target: "graph" });
      const refused = await api("/v1.0/devices", graph);
      expectGraphError(refused, 401, "InvalidAuthenticationToken");
      expect(refused.headers["www-authenticate"]).toMatch(/^Bearer /);

      await control({ kind: "non_json", target: "graph" });
      expect((await api("/v1.0/devices", graph)).headers["content-type"]).toMatch(/^text\/html/);
    } finally {
      await control();
    }
    // Without the fault, the faults app (no Graph consent) gets Graph's 403.
    expectGraphError(await api("/v1.0/devices", graph), 403, "Authorization_RequestDenied");
  });

  it("hits the incidents API with target threat-protection, in Defender's error shape", async () => {
    const incidents = await tokenFor(scenario, THREAT_PROTECTION_SCOPE);
    const defender = await tokenFor(scenario);
    const graph = await tokenFor(scenario, GRAPH_SCOPE);
    try {
      await control({ kind: "rate_limit", retryAfterSeconds: 9, target: "threat-protection" });
      const limited = await api("/api/incidents?$top=1", incidents);
      expectDefenderError(limited, 429, "TooManyRequests");
      expect(limited.headers["retry-after"]).toBe("9");
      expect((await api("/api/machines?$top=1", defender)).status).toBe(200);
      expect((await api("/v1.0/devices", graph)).status).toBe(403);

      await control({ kind: "unauthorized", target: "threat-protection" });
      expectDefenderError(await api("/api/incidents", incidents), 401, "Unauthorized");

      await control({ kind: "server_error", target: "threat-protection" });
      expectDefenderError(await api("/api/incidents", incidents), 500, "InternalServerError");

      // "api" is still the Defender for Endpoint API only.
      await control({ kind: "rate_limit", retryAfterSeconds: 3, target: "api" });
      expectDefenderError(await api("/api/vulnerabilities", defender), 429, "TooManyRequests");
      expectDefenderError(await api("/api/incidents", incidents), 403, "Forbidden");
      expectGraphError(await api("/v1.0/devices", graph), 403, "Authorization_RequestDenied");
    } finally {
      await control();
    }
    expect((await control({ kind: "rate_limit", retryAfterSeconds: 1, target: "intune" })).status).toBe(400);
    expect((await control({ kind: "unauthorized", target: "token" })).status).toBe(400);
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
  it("limits runHuntingQuery to 45 calls a minute per tenant, with Retry-After", async () => {
    sim.reset();
    const token = await tokenFor(SIM_SEED.allFeatures, GRAPH_SCOPE);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) {
        statuses.push(
          (await post("/v1.0/security/runHuntingQuery", token, { Query: "AlertInfo | take 1" })).status,
        );
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      const limited = await post("/v1.0/security/runHuntingQuery", token, { Query: "AlertInfo | take 1" });
      expectGraphError(limited, 429, "TooManyRequests");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      expect(limited.json).toMatchObject({ error: { innerError: { code: "429", status: "429" } } });
      // Other Graph calls are not part of the hunting budget.
      expect((await api("/v1.0/devices?$top=1", token)).status).toBe(200);
    } finally {
      sim.reset();
    }
  });

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
