// Simulated Microsoft Entra ID: OIDC discovery, JWKS and the v2.0 client-credentials token endpoint.
// Error bodies, codes and statuses follow reference/microsoft-defender.md §3. Tokens are issued for one resource per
// request (WindowsDefenderATP, Microsoft Threat Protection or Microsoft Graph, see resources.ts); `aud` is the
// requested identifier URI and `roles` the app's consented roles on that resource only (none: no `roles` claim).

import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, entraTimestamp, HOSTILE_TEXT, isGuid, readBody, sendJson } from "./http-helpers";
import { resourceOf } from "./resources";
import type { SimApp, SimTenant } from "./seed";
import type { SigningKey } from "./signing-key";

const IGNORED_OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

const TOKEN_LIFETIME_SECONDS = 3600;
const FORM_LIMIT_BYTES = 64 * 1024;

export interface EntraContext {
  readonly origin: string;
  readonly hostPort: string;
  readonly signingKey: SigningKey;
  /** The seeded directory (dates relative to the simulator's start). */
  readonly tenants: readonly SimTenant[];
  /** Applies a token-target fault of the tenant, if any. Resolves true when the response has been handled. */
  applyTokenFault(tenantId: string, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

type TenantLookup =
  | { kind: "found"; tenant: SimTenant }
  | { kind: "notFound" }
  | { kind: "invalid" }
  | { kind: "multiTenant"; name: string };

const DOMAIN_RE =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

export function lookupTenant(tenants: readonly SimTenant[], segment: string): TenantLookup {
  const value = segment.toLowerCase();
  if (value === "common" || value === "organizations" || value === "consumers") {
    return { kind: "multiTenant", name: value };
  }
  if (isGuid(value)) {
    const tenant = tenants.find((t) => t.tenantId === value);
    return tenant ? { kind: "found", tenant } : { kind: "notFound" };
  }
  if (DOMAIN_RE.test(value)) {
    const tenant = tenants.find((t) => t.domain === value);
    return tenant ? { kind: "found", tenant } : { kind: "notFound" };
  }
  return { kind: "invalid" };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function correlationIdOf(req: IncomingMessage, url: URL, form?: URLSearchParams): string {
  const candidates = [
    req.headers["client-request-id"],
    url.searchParams.get("client-request-id"),
    form?.get("client-request-id"),
  ];
  for (const c of candidates) {
    if (typeof c === "string" && isGuid(c)) return c.toLowerCase();
  }
  return randomUUID();
}

export function entraErrorBody(error: string, code: number, text: string, correlationId: string) {
  const traceId = randomUUID();
  const timestamp = entraTimestamp(new Date());
  return {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

function sendEntraError(
  res: ServerResponse,
  status: number,
  error: string,
  code: number,
  text: string,
  correlationId: string,
  headers: Record<string, string> = {},
): void {
  const body = entraErrorBody(error, code, text, correlationId);
  sendJson(res, status, body, {
    "x-ms-request-id": body.trace_id,
    "client-request-id": correlationId,
    pragma: "no-cache",
    ...headers,
  });
}

/** Sends an Entra-shaped fault response (429 / 500) for the token endpoint. */
export function sendEntraFault(
  res: ServerResponse,
  kind: "rate_limit" | "server_error" | "hostile_text",
  retryAfterSeconds: number,
  correlationId: string = randomUUID(),
): void {
  if (kind === "rate_limit") {
    sendEntraError(
      res,
      429,
      "temporarily_unavailable",
      90055,
      `The request has been throttled. Too many requests were made for this tenant. Retry after ${retryAfterSeconds} seconds.`,
      correlationId,
      { "retry-after": String(retryAfterSeconds) },
    );
  } else if (kind === "hostile_text") {
    sendEntraError(res, 500, "server_error", 50000, HOSTILE_TEXT, correlationId);
  } else {
    sendEntraError(
      res,
      500,
      "server_error",
      50000,
      "There was an error issuing a token or an issue with our sign-in service.",
      correlationId,
    );
  }
}

function openIdConfiguration(
  origin: string,
  tenantPath: string,
  issuerTenant: string,
  tenantRegionScope: "NA" | "USGov" = "NA",
) {
  const base = `${origin}/${tenantPath}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${origin}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenantRegionScope,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

function tenantNotFoundText(id: string): string {
  return `Tenant '${id}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;
}

function invalidTenantText(id: string): string {
  return `Specified tenant identifier '${id}' is neither a valid DNS name, nor a valid external domain.`;
}

/**
 * Handles Entra paths. Resolves false when the path is not an Entra path (so the caller can try other routes).
 * `onTenant` receives the tenant segment for the request log.
 */
export async function handleEntra(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  onTenant: (tenant: string) => void,
): Promise<boolean> {
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  const [rawTenant, ...rest] = segments;
  if (rawTenant === undefined) return false;
  const route = rest.join("/").toLowerCase();
  const tenantSegment = decodeSegment(rawTenant);

  if (route === "discovery/instance") {
    onTenant(tenantSegment);
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    sendJson(res, 200, discoveryInstance(ctx, url));
    return true;
  }
  if (route === "v2.0/.well-known/openid-configuration") {
    onTenant(tenantSegment);
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const correlationId = correlationIdOf(req, url);
    const found = lookupTenant(ctx.tenants, tenantSegment);
    if (found.kind === "found") {
      const { tenantId, cloud } = found.tenant;
      const regionScope = cloud === "usGovernment" ? "USGov" : "NA";
      sendJson(res, 200, openIdConfiguration(ctx.origin, tenantId, tenantId, regionScope));
    } else if (found.kind === "multiTenant") {
      sendJson(res, 200, openIdConfiguration(ctx.origin, found.name, "{tenantid}"));
    } else if (found.kind === "notFound") {
      sendJson(
        res,
        400,
        entraErrorBody("invalid_tenant", 90002, tenantNotFoundText(tenantSegment), correlationId),
      );
    } else {
      sendJson(
        res,
        400,
        entraErrorBody("invalid_tenant", 900023, invalidTenantText(tenantSegment), correlationId),
      );
    }
    return true;
  }
  if (route === "discovery/v2.0/keys" || route === "discovery/keys") {
    onTenant(tenantSegment);
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    sendJson(res, 200, { keys: [{ ...ctx.signingKey.jwk, issuer: `${ctx.origin}/{tenantid}/v2.0` }] });
    return true;
  }
  if (route === "oauth2/v2.0/token") {
    onTenant(tenantSegment);
    await handleToken(ctx, req, res, url, tenantSegment);
    return true;
  }
  return false;
}

function discoveryInstance(ctx: EntraContext, url: URL) {
  let tenant = "common";
  const authorizationEndpoint = url.searchParams.get("authorization_endpoint");
  if (authorizationEndpoint) {
    try {
      const first = new URL(authorizationEndpoint).pathname.split("/").find((s) => s.length > 0);
      if (first) tenant = first;
    } catch {
      // keep "common"
    }
  }
  return {
    tenant_discovery_endpoint: `${ctx.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: ctx.hostPort, preferred_cache: ctx.hostPort, aliases: [ctx.hostPort] }],
  };
}

function parseBasicAuth(header: string | undefined): { clientId: string; secret: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const encoded = match?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const decodePart = (v: string) => {
    try {
      return decodeURIComponent(v.replaceAll("+", " "));
    } catch {
      return v;
    }
  };
  return { clientId: decodePart(decoded.slice(0, colon)), secret: decodePart(decoded.slice(colon + 1)) };
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function normalizeResource(scope: string): string {
  return scope.slice(0, -"/.default".length).replace(/\/+$/, "").toLowerCase();
}

async function handleToken(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  tenantSegment: string,
): Promise<void> {
  const urlCorrelation = correlationIdOf(req, url);
  if (req.method !== "POST") {
    sendEntraError(
      res,
      400,
      "invalid_request",
      900561,
      `The endpoint only accepts POST requests. Received a ${req.method ?? "GET"} request.`,
      urlCorrelation,
    );
    return;
  }

  const found = lookupTenant(ctx.tenants, tenantSegment);
  if (found.kind === "invalid") {
    sendEntraError(res, 400, "invalid_request", 900023, invalidTenantText(tenantSegment), urlCorrelation);
    return;
  }
  if (found.kind === "notFound") {
    sendEntraError(res, 400, "invalid_request", 90002, tenantNotFoundText(tenantSegment), urlCorrelation);
    return;
  }
  if (found.kind === "multiTenant") {
    sendEntraError(
      res,
      400,
      "invalid_request",
      50059,
      "No tenant-identifying information found in either the request or implied by any provided credentials.",
      urlCorrelation,
    );
    return;
  }
  const tenant = found.tenant;

  if (await ctx.applyTokenFault(tenant.tenantId, req, res)) return;

  let raw: string;
  try {
    raw = await readBody(req, FORM_LIMIT_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendEntraError(res, 413, "invalid_request", 90020, "The request body is too large.", urlCorrelation);
    }
    return;
  }
  const contentType = (req.headers["content-type"] ?? "").toLowerCase();
  const form = contentType.startsWith("application/x-www-form-urlencoded")
    ? new URLSearchParams(raw)
    : new URLSearchParams();
  const correlationId = correlationIdOf(req, url, form);
  const fail = (status: number, error: string, code: number, text: string) =>
    sendEntraError(res, status, error, code, text, correlationId);

  // The simulator is the commercial authority: a tenant of another cloud gets no token here, whatever it sends.
  if (tenant.cloud !== "commercial") {
    return fail(
      400,
      "invalid_request",
      900432,
      "Confidential Client is not supported in Cross Cloud request.",
    );
  }
  const missing = (name: string) =>
    fail(400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`);

  const basic = parseBasicAuth(req.headers.authorization);
  const grantType = form.get("grant_type");
  if (!grantType) return missing("grant_type");
  if (grantType !== "client_credentials") {
    return fail(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }

  const clientId = (form.get("client_id") ?? basic?.clientId ?? "").trim();
  if (!clientId) return missing("client_id");
  const app: SimApp | undefined = tenant.apps.find((a) => a.appId === clientId.toLowerCase());
  if (!app) {
    return fail(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }

  const scopeParam = form.get("scope");
  const scopes = (scopeParam ?? "")
    .split(/\s+/)
    .filter((s) => s.length > 0 && !IGNORED_OIDC_SCOPES.has(s.toLowerCase()));
  if (scopes.length === 0) return missing("scope");
  const notDefault = scopes.find((s) => !s.toLowerCase().endsWith("/.default"));
  if (notDefault !== undefined) {
    return fail(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${notDefault} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resources = new Set(scopes.map(normalizeResource));
  const [resource] = resources;
  const target = resource === undefined ? undefined : resourceOf(resource);
  if (resources.size !== 1 || resource === undefined || target === undefined) {
    return fail(
      400,
      "invalid_scope",
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scopeParam ?? ""} is not valid.`,
    );
  }

  if (form.has("client_assertion")) {
    return fail(
      401,
      "invalid_client",
      700027,
      `Client assertion failed signature validation. No certificate credentials are registered for app '${app.appId}'.`,
    );
  }
  const secret = form.get("client_secret") ?? basic?.secret ?? "";
  if (!secret) {
    return fail(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const matched = app.secrets.find((s) => sameSecret(s.value, secret));
  if (!matched) {
    return fail(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
  if (Date.parse(matched.expiresAt) <= Date.now()) {
    return fail(
      401,
      "invalid_client",
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    );
  }

  if (target.requiresDefender && !tenant.defenderProvisioned) {
    return fail(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }

  // Conditional Access for workload identities is evaluated once the client has authenticated.
  if (app.blockedByConditionalAccess === true) {
    return fail(
      400,
      "invalid_grant",
      53003,
      "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    );
  }

  // Only the roles consented on the requested resource; an app with none there gets a token without `roles`.
  const roles = app.roles[target.key] ?? [];
  const now = Math.floor(Date.now() / 1000);
  const issuer = `https://sts.windows.net/${tenant.tenantId}/`;
  const claims: Record<string, unknown> = {
    aud: resource,
    iss: issuer,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_SECONDS,
    aio: randomBytes(48).toString("base64"),
    app_displayname: app.displayName,
    appid: app.appId,
    appidacr: "1",
    idp: issuer,
    oid: app.servicePrincipalId,
    rh: `0.${randomBytes(36).toString("base64url")}.`,
    ...(roles.length > 0 ? { roles: [...roles] } : {}),
    sub: app.servicePrincipalId,
    tenant_region_scope: "NA",
    tid: tenant.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ver: "1.0",
  };
  sendJson(
    res,
    200,
    {
      token_type: "Bearer",
      expires_in: TOKEN_LIFETIME_SECONDS - 1,
      ext_expires_in: TOKEN_LIFETIME_SECONDS - 1,
      access_token: ctx.signingKey.sign(claims),
    },
    { "x-ms-request-id": randomUUID(), "client-request-id": correlationId, pragma: "no-cache" },
  );
}
