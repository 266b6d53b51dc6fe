// Simulated Microsoft Defender for Endpoint API (WindowsDefenderATP tokens): machines, alerts, vulnerabilities,
// software, recommendations, indicators (lists and single entities, with the OData subset the real service
// documents: $top, $skip, $filter, $orderby, $expand=evidence, $count), the exposure score and the advanced queries
// API; bearer-token checks, per-app rate limiting (100 calls per minute) and the
// `{"error":{"code","message","target"}}` error shape (reference/microsoft-defender.md §2.4, §4).

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type BearerCheck, checkBearer, hasAnyRole } from "./bearer";
import { bulkAlerts, bulkMachines } from "./bulk-data";
import { BodyTooLargeError, readBody, sendJson } from "./http-helpers";
import { HuntingError, runHunting } from "./hunting";
import { applyQuery, type Entity, type EntitySpec, ODataError, parseQuery, type Query } from "./odata";
import { SIM_RESOURCES } from "./resources";
import { SIM_DEFENDER_DATA, type SimAlert } from "./seed";
import { simSecurityData } from "./seed-data";
import type { AccessTokenClaims, SigningKey } from "./signing-key";

export const ODATA_CONTENT_TYPE =
  "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8";
export const RATE_LIMIT_PER_MINUTE = 100;
export const RATE_LIMIT_PER_HOUR = 1_500;
/** Advanced hunting: "Up to 45 calls per minute" per tenant (reference/microsoft-defender.md §4.4). */
export const HUNTING_CALLS_PER_MINUTE = 45;
const QUERY_BODY_LIMIT_BYTES = 256 * 1024;

/** Identifier URIs of the WindowsDefenderATP resource (kept for existing importers). */
export const DEFENDER_RESOURCES: readonly string[] = SIM_RESOURCES.defender.identifierUris;

export interface DefenderContext {
  readonly origin: string;
  readonly signingKey: SigningKey;
  readonly rateLimiter: RateLimiter;
  /** The hourly budget per app (the Defender API's 1,500 calls per hour); absent where the API has none. */
  readonly hourLimiter?: RateLimiter;
  /** Per-tenant advanced-hunting budget. */
  readonly huntingLimiter: RateLimiter;
  /** Applies an api-target fault of the tenant, if any. Resolves true when the response has been handled. */
  applyApiFault(tenantId: string, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export function sendDefenderError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message, target: randomUUID() } }, headers);
}

/** 401 Unauthorized with the challenge the API sends for a token it does not accept. */
export function sendDefenderUnauthorized(
  res: ServerResponse,
  message = "Invalid or expired authorization header.",
): void {
  sendDefenderError(res, 401, "Unauthorized", message, {
    "www-authenticate": 'Bearer error="invalid_token"',
  });
}

/** The 401 text for a refused bearer token (the Defender and Defender XDR APIs word it alike). */
export function defenderUnauthorizedMessage(check: Extract<BearerCheck, { ok: false }>): string {
  switch (check.problem) {
    case "missing":
      return "Authorization header is missing. Send 'Authorization: Bearer <token>'.";
    case "scheme":
      return "Invalid authorization header. Expected 'Bearer <token>'.";
    case "expired":
      return "The access token has expired.";
    case "audience":
      return `Invalid or expired authorization header. The token audience '${check.aud ?? ""}' is not valid for this API.`;
    default:
      return "Invalid or expired authorization header.";
  }
}

/** 403 Forbidden naming the permissions that would grant access. */
export function sendDefenderForbidden(res: ServerResponse, roles: readonly string[]): void {
  sendDefenderError(
    res,
    403,
    "Forbidden",
    `The application does not have any of the required application permissions (${roles.join(", ")}) to access the resource.`,
  );
}

export function sendDefenderRateLimited(res: ServerResponse, retryAfter: number, message?: string): void {
  sendDefenderError(
    res,
    429,
    "TooManyRequests",
    message ?? `Rate limit is exceeded. Try again in ${retryAfter} seconds.`,
    { "retry-after": String(retryAfter) },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Rate limiting: sliding one-minute window per key (tenant + app id, or tenant).

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Records a call; returns 0 when allowed, otherwise the seconds to wait (the call is not recorded). */
  take(key: string, now = Date.now()): number {
    const calls = (this.windows.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (calls.length >= this.limit) {
      this.windows.set(key, calls);
      const oldest = calls[0] ?? now;
      return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
    }
    calls.push(now);
    this.windows.set(key, calls);
    return 0;
  }

  reset(): void {
    this.windows.clear();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entities.

interface DefenderEntity extends EntitySpec {
  /** The entity's items for a tenant, as the caller may see them. */
  items(claims: AccessTokenClaims): readonly Entity[];
}

const MACHINES: DefenderEntity = {
  name: "Machines",
  singular: "Machine",
  odataType: "microsoft.windowsDefenderATP.api.PublicMachine",
  roles: ["Machine.ReadWrite.All", "Machine.Read.All"],
  filterable: {
    computerDnsName: "string",
    id: "string",
    version: "string",
    deviceValue: "string",
    aadDeviceId: "string",
    lastSeen: "date",
    firstSeen: "date",
    exposureLevel: "string",
    onboardingStatus: "string",
    lastIpAddress: "string",
    healthStatus: "string",
    osPlatform: "string",
    riskScore: "string",
    rbacGroupId: "number",
  },
  items: (claims) => bulkMachines(claims.tid) ?? SIM_DEFENDER_DATA[claims.tid]?.machines ?? [],
};

function alertView(alert: SimAlert, expandEvidence: boolean): Entity {
  return expandEvidence ? alert : { ...alert, evidence: [] };
}

const ALERTS: DefenderEntity = {
  name: "Alerts",
  singular: "Alert",
  odataType: "microsoft.windowsDefenderATP.api.PublicAlertV2",
  roles: ["Alert.ReadWrite.All", "Alert.Read.All"],
  filterable: {
    alertCreationTime: "date",
    lastUpdateTime: "date",
    lastEventTime: "date",
    firstEventTime: "date",
    incidentId: "number",
    investigationId: "number",
    id: "string",
    assignedTo: "string",
    detectionSource: "string",
    status: "string",
    severity: "string",
    category: "string",
  },
  expandable: ["evidence"],
  items: (claims) => bulkAlerts(claims.tid) ?? SIM_DEFENDER_DATA[claims.tid]?.alerts ?? [],
};

const VULNERABILITIES: DefenderEntity = {
  name: "Vulnerabilities",
  singular: "Vulnerability",
  odataType: "microsoft.windowsDefenderATP.api.PublicVulnerabilityDto",
  roles: ["Vulnerability.Read.All"],
  filterable: {
    id: "string",
    name: "string",
    description: "string",
    cvssV3: "number",
    publishedOn: "date",
    severity: "string",
    updatedOn: "date",
  },
  // "$top with max value of 8,000" (get-all-vulnerabilities.md).
  maxTop: 8_000,
  items: (claims) => simSecurityData(claims.tid).vulnerabilities,
};

const SOFTWARE: DefenderEntity = {
  name: "Software",
  singular: "Software",
  odataType: "microsoft.windowsDefenderATP.api.PublicProductDto",
  roles: ["Software.Read.All"],
  filterable: { id: "string", name: "string", vendor: "string" },
  items: (claims) => simSecurityData(claims.tid).software,
};

const RECOMMENDATIONS: DefenderEntity = {
  name: "Recommendations",
  singular: "Recommendation",
  odataType: "microsoft.windowsDefenderATP.api.PublicRecommendationDto",
  roles: ["SecurityRecommendation.Read.All"],
  filterable: {
    id: "string",
    productName: "string",
    vendor: "string",
    recommendedVersion: "string",
    recommendationCategory: "string",
    subCategory: "string",
    severityScore: "number",
    remediationType: "string",
    recommendedProgram: "string",
    recommendedVendor: "string",
    status: "string",
  },
  items: (claims) => simSecurityData(claims.tid).recommendations,
};

/** Ti.ReadWrite alone shows only the indicators the app created (get-ti-indicators-collection.md). */
const ALL_INDICATOR_ROLES = ["Ti.ReadWrite.All", "Ti.Read.All"];

const INDICATORS: DefenderEntity = {
  name: "Indicators",
  singular: "Indicator",
  odataType: "microsoft.windowsDefenderATP.api.PublicIndicatorDto",
  // The List Indicators page names Ti.ReadWrite and Ti.ReadWrite.All; Ti.Read.All ("Read all IOCs") also reads.
  roles: ["Ti.ReadWrite.All", "Ti.ReadWrite", "Ti.Read.All"],
  filterable: {
    application: "string",
    createdByDisplayName: "string",
    expirationTime: "date",
    title: "string",
    indicatorValue: "string",
    indicatorType: "string",
    creationTimeDateTimeUtc: "date",
    createdBy: "string",
    action: "string",
    severity: "string",
  },
  items: (claims) => {
    const all = simSecurityData(claims.tid).indicators;
    return hasAnyRole(claims, ALL_INDICATOR_ROLES) ? all : all.filter((i) => i.createdBy === claims.appid);
  },
};

const ENTITIES: Readonly<Record<string, DefenderEntity>> = {
  machines: MACHINES,
  alerts: ALERTS,
  vulnerabilities: VULNERABILITIES,
  software: SOFTWARE,
  recommendations: RECOMMENDATIONS,
  indicators: INDICATORS,
};

const SCORE_ROLES = ["Score.Read.All"];
const ADVANCED_QUERY_ROLES = ["AdvancedQuery.Read.All"];

// ---------------------------------------------------------------------------------------------------------------
// Request handling.

type Route =
  | { kind: "list"; spec: DefenderEntity }
  | { kind: "single"; spec: DefenderEntity; id: string }
  | { kind: "exposureScore" }
  | { kind: "advancedQuery" }
  | { kind: "notFound" };

/** Paths are matched case-insensitively (`/api/Software` as documented, `/api/software` alike). */
function route(pathname: string): Route {
  const lower = pathname.toLowerCase().replace(/\/+$/, "");
  const rest = lower.startsWith("/api/v1.0/")
    ? lower.slice("/api/v1.0/".length)
    : lower.slice("/api/".length);
  const parts = rest.split("/").filter((p) => p.length > 0);
  const [entity, id, ...more] = parts;
  if (entity === "exposurescore" && id === undefined) return { kind: "exposureScore" };
  if (entity === "advancedqueries" && id === "run" && more.length === 0) return { kind: "advancedQuery" };
  const spec = entity === undefined ? undefined : ENTITIES[entity];
  if (!spec || more.length > 0) return { kind: "notFound" };
  if (id === undefined) return { kind: "list", spec };
  // Keep the id as sent (alert ids are case-sensitive in shape; compare case-insensitively later).
  const originalId = decodeURIComponent(pathname.replace(/\/+$/, "").split("/").pop() ?? id);
  return { kind: "single", spec, id: originalId };
}

function rolesFor(target: Exclude<Route, { kind: "notFound" }>): readonly string[] {
  switch (target.kind) {
    case "exposureScore":
      return SCORE_ROLES;
    case "advancedQuery":
      return ADVANCED_QUERY_ROLES;
    default:
      return target.spec.roles;
  }
}

/** Handles `/api/...`. `onTenant` receives the verified token's tenant id for the request log. */
export async function handleDefenderApi(
  ctx: DefenderContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  onTenant: (tenant: string) => void,
): Promise<void> {
  let target: Route;
  try {
    target = route(url.pathname);
  } catch {
    target = { kind: "notFound" };
  }
  if (target.kind === "notFound") {
    sendDefenderError(
      res,
      404,
      "ResourceNotFound",
      `No HTTP resource was found that matches the request URI '${ctx.origin}${url.pathname}'.`,
    );
    return;
  }
  const allowed = target.kind === "advancedQuery" ? ["POST"] : ["GET", "HEAD"];
  if (!allowed.includes(req.method ?? "GET")) {
    sendDefenderError(
      res,
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${req.method ?? ""}'.`,
      { allow: allowed.filter((m) => m !== "HEAD").join(", ") },
    );
    return;
  }

  const auth = checkBearer(ctx.signingKey, req, "defender");
  if (!auth.ok) {
    sendDefenderUnauthorized(res, defenderUnauthorizedMessage(auth));
    return;
  }
  const { claims } = auth;
  onTenant(claims.tid);

  if (await ctx.applyApiFault(claims.tid, req, res)) return;

  const key = `${claims.tid}:${claims.appid}`;
  const retryAfter = ctx.rateLimiter.take(key) || (ctx.hourLimiter?.take(key) ?? 0);
  if (retryAfter > 0) {
    sendDefenderRateLimited(res, retryAfter);
    return;
  }

  const roles = rolesFor(target);
  if (!hasAnyRole(claims, roles)) {
    sendDefenderForbidden(res, roles);
    return;
  }

  if (target.kind === "exposureScore") {
    sendJson(
      res,
      200,
      {
        "@odata.context": `${ctx.origin}/api/$metadata#ExposureScore/$entity`,
        ...simSecurityData(claims.tid).exposureScore,
      },
      {},
      ODATA_CONTENT_TYPE,
    );
    return;
  }
  if (target.kind === "advancedQuery") {
    await runAdvancedQuery(ctx, req, res, claims);
    return;
  }

  const spec = target.spec;
  if (target.kind === "single") {
    const wanted = target.id.toLowerCase();
    const found = spec.items(claims).find((e) => String(e.id).toLowerCase() === wanted);
    if (!found) {
      sendDefenderError(res, 404, "ResourceNotFound", `${spec.singular} ${target.id} was not found`);
      return;
    }
    sendJson(
      res,
      200,
      { "@odata.context": `${ctx.origin}/api/$metadata#${spec.name}/$entity`, ...found },
      {},
      ODATA_CONTENT_TYPE,
    );
    return;
  }

  const raw = spec.items(claims);
  const items = spec === ALERTS ? (raw as readonly SimAlert[]).map((a) => alertView(a, false)) : raw;
  let query: Query;
  try {
    query = parseQuery(spec, url.searchParams, items[0]);
  } catch (err) {
    if (err instanceof ODataError) {
      sendDefenderError(res, 400, err.code, err.message);
      return;
    }
    throw err;
  }
  const source: readonly Entity[] =
    spec === ALERTS && query.expand.includes("evidence")
      ? (raw as readonly SimAlert[]).map((a) => alertView(a, true))
      : items;
  const { value, total } = applyQuery(source, query);
  sendJson(
    res,
    200,
    {
      "@odata.context": `${ctx.origin}/api/$metadata#${spec.name}`,
      ...(query.count ? { "@odata.count": total } : {}),
      value,
    },
    {},
    ODATA_CONTENT_TYPE,
  );
}

/** `POST /api/advancedqueries/run` with `{"Query": "<KQL>"}` (run-advanced-query-api.md). */
async function runAdvancedQuery(
  ctx: DefenderContext,
  req: IncomingMessage,
  res: ServerResponse,
  claims: AccessTokenClaims,
): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, QUERY_BODY_LIMIT_BYTES));
  } catch (err) {
    sendDefenderError(
      res,
      400,
      "InvalidRequestBody",
      err instanceof BodyTooLargeError
        ? "The request body is too large."
        : "The request body is not valid JSON.",
    );
    return;
  }
  // "Body parameters are case-sensitive" (common-errors.md).
  const query =
    typeof body === "object" && body !== null && "Query" in body
      ? (body as { Query: unknown }).Query
      : undefined;
  if (typeof query !== "string") {
    sendDefenderError(res, 400, "MissingRequiredParameter", "Parameter Query is missing.");
    return;
  }
  const retryAfter = ctx.huntingLimiter.take(`advancedqueries:${claims.tid}`);
  if (retryAfter > 0) {
    sendDefenderRateLimited(
      res,
      retryAfter,
      `Rate limit is exceeded: up to ${HUNTING_CALLS_PER_MINUTE} calls per minute. Try again in ${retryAfter} seconds.`,
    );
    return;
  }
  try {
    const result = runHunting(simSecurityData(claims.tid).hunting, query);
    sendJson(res, 200, {
      Schema: result.columns.map((c) => ({ Name: c.name, Type: c.type })),
      Results: result.rows,
    });
  } catch (err) {
    if (err instanceof HuntingError) {
      sendDefenderError(res, 400, "BadRequest", err.message);
      return;
    }
    throw err;
  }
}
