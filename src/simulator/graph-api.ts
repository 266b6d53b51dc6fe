// Simulated Microsoft Graph (https://graph.microsoft.com; Patchbay reaches it through PATCHBAY_GRAPH_ORIGIN):
//   GET  /v1.0/applications(appId='{appId}')        Application.Read.All   passwordCredentials with their hints
//   GET  /v1.0/deviceManagement/managedDevices       DeviceManagementManagedDevices.Read.All (Intune licence)
//   GET  /v1.0/deviceManagement/deviceCompliancePolicies  DeviceManagementConfiguration.Read.All (Intune licence)
//   GET  /v1.0/devices                               Device.Read.All
//   POST /v1.0/security/runHuntingQuery              ThreatHunting.Read.All (45 calls per minute per tenant)
//   GET  /beta/security/rules/detectionRules         CustomDetection.Read.All / CustomDetection.ReadWrite.All
// (the /beta prefix serves the v1.0 paths too). Only tokens for the Microsoft Graph resource are accepted. Errors use
// Graph's `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` shape, with the code
// each workload uses: the directory answers 403 Authorization_RequestDenied, Intune 403 Forbidden with its JSON-in-a-
// string message, the security API 403 "Missing application roles…" (reference/microsoft-graph.md §1.3–1.7, §4, §5).
// Lists honour $top and $select and page with @odata.nextLink/$skiptoken; $filter, $orderby, $search and $count are
// not simulated and answer 400 instead of being silently ignored.

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BearerCheck } from "./bearer";
import { checkBearer, hasAnyRole } from "./bearer";
import type { RateLimiter } from "./defender-api";
import { BodyTooLargeError, isGuid, readBody, sendJson } from "./http-helpers";
import { HuntingError, runHunting } from "./hunting";
import { MICROSOFT_GRAPH_APP_ID } from "./resources";
import { type SimApp, type SimTenant, simApplicationObjectId, simSecretHint } from "./seed";
import { simGraphData, simSecurityData } from "./seed-data";
import type { AccessTokenClaims, SigningKey } from "./signing-key";

const GRAPH_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const QUERY_BODY_LIMIT_BYTES = 256 * 1024;
export const GRAPH_HUNTING_CALLS_PER_MINUTE = 45;

export interface GraphContext {
  readonly origin: string;
  readonly signingKey: SigningKey;
  findTenant(tenantId: string): SimTenant | undefined;
  /** Per-tenant runHuntingQuery budget. */
  readonly huntingLimiter: RateLimiter;
  /** Applies a graph-target fault of the tenant, if any. Resolves true when the response has been handled. */
  applyFault(tenantId: string, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors.

/** Graph's innerError date: `2024-04-05T13:15:36` (no fraction, no zone). */
function innerErrorDate(): string {
  return new Date().toISOString().slice(0, 19);
}

function clientRequestId(res: ServerResponse): string | undefined {
  const sent = res.req.headers["client-request-id"];
  return typeof sent === "string" && isGuid(sent) ? sent.toLowerCase() : undefined;
}

export function sendGraphError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extraInner: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  const clientId = clientRequestId(res) ?? requestId;
  sendJson(
    res,
    status,
    {
      error: {
        code,
        message,
        innerError: {
          ...extraInner,
          date: innerErrorDate(),
          "request-id": requestId,
          "client-request-id": clientId,
        },
      },
    },
    { "request-id": requestId, "client-request-id": clientId, ...headers },
    "application/json",
  );
}

/** 401 with Graph's challenge. */
export function sendGraphUnauthorized(
  res: ServerResponse,
  message = "Access token validation failure. Invalid audience.",
): void {
  sendGraphError(res, 401, "InvalidAuthenticationToken", message, {
    "www-authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${MICROSOFT_GRAPH_APP_ID}"`,
  });
}

function unauthorizedMessage(check: Extract<BearerCheck, { ok: false }>): string {
  switch (check.problem) {
    case "missing":
      return "Access token is empty.";
    case "scheme":
    case "malformed":
      return "CompactToken parsing failed with error code: 80049217";
    case "expired":
      return "Lifetime validation failed, the token is expired.";
    case "audience":
      return "Access token validation failure. Invalid audience.";
    default:
      return "Access token validation failure.";
  }
}

/** 429 as Graph throttles (concepts/throttling.md): Retry-After and a nested innerError. */
export function sendGraphThrottled(res: ServerResponse, retryAfterSeconds: number): void {
  sendGraphError(
    res,
    429,
    "TooManyRequests",
    "Please retry again later.",
    { "retry-after": String(retryAfterSeconds) },
    { code: "429", message: "Please retry after", status: "429" },
  );
}

function sendDirectoryForbidden(res: ServerResponse): void {
  sendGraphError(
    res,
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );
}

/** Intune wraps its own error, a JSON document, in Graph's `message` (as seen in the field). */
function intuneMessage(text: string, servicePath: string): string {
  const document = {
    _version: 3,
    Message: `${text} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${randomUUID()} - Url: https://fef.msua06.manage.microsoft.com/${servicePath}?api-version=2024-06-14`,
    CustomApiErrorPhrase: "",
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  };
  return JSON.stringify(document, null, 2).replaceAll("\n", "\r\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Lists: $top, $select, @odata.nextLink with $skiptoken.

class GraphQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Json = Readonly<Record<string, unknown>>;

function queryParam(url: URL, name: string): string | null {
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v;
  return null;
}

function refuseUnsimulated(url: URL): void {
  for (const option of ["$filter", "$orderby", "$search", "$count", "$expand", "$skip"]) {
    if (queryParam(url, option) !== null) {
      throw new GraphQueryError(
        "BadRequest",
        `The query option '${option}' is not supported by this simulator for this resource.`,
      );
    }
  }
}

/** Parses `$select` against the properties the items carry; `@odata.type` always stays. */
function parseSelect(url: URL, known: readonly string[], typeName: string): string[] | null {
  const raw = queryParam(url, "$select");
  if (raw === null || raw.trim() === "") return null;
  return raw.split(",").map((p) => {
    const name = p.trim();
    const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!match) {
      throw new GraphQueryError(
        "BadRequest",
        `Could not find a property named '${name}' on type '${typeName}'.`,
      );
    }
    return match;
  });
}

function project(item: Json, select: readonly string[] | null): Json {
  if (select === null) return item;
  const out: Record<string, unknown> = {};
  if ("@odata.type" in item) out["@odata.type"] = item["@odata.type"];
  for (const name of select) out[name] = item[name] ?? null;
  return out;
}

interface ListSpec {
  /** e.g. "deviceManagement/managedDevices" */
  readonly path: string;
  readonly typeName: string;
  readonly maxTop: number;
  /** Directory lists refuse a page size beyond their maximum; the others cap it. */
  readonly strictTop: boolean;
}

function sendGraphList(
  ctx: GraphContext,
  res: ServerResponse,
  url: URL,
  version: string,
  spec: ListSpec,
  items: readonly Json[],
): void {
  refuseUnsimulated(url);
  const known = [...new Set(items.flatMap((i) => Object.keys(i)))].filter((k) => !k.startsWith("@"));
  const select = items.length === 0 ? null : parseSelect(url, known, spec.typeName);
  const topRaw = queryParam(url, "$top");
  let top = spec.maxTop;
  if (topRaw !== null) {
    const n = /^\s*\d+\s*$/.test(topRaw) ? Number(topRaw) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || (spec.strictTop && n > spec.maxTop)) {
      throw new GraphQueryError(
        spec.strictTop ? "Request_UnsupportedQuery" : "BadRequest",
        `Invalid page size specified: '${topRaw}'. Must be between 1 and ${spec.maxTop} inclusive.`,
      );
    }
    top = Math.min(n, spec.maxTop);
  }
  let offset = 0;
  const skipToken = queryParam(url, "$skiptoken");
  if (skipToken !== null) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(skipToken, "base64url").toString("utf8"));
    if (!decoded) throw new GraphQueryError("BadRequest", "The specified $skiptoken value is not valid.");
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + top).map((i) => project(i, select));
  const selectText = select === null ? "" : `(${select.join(",")})`;
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.origin}/${version}/$metadata#${spec.path}${selectText}`,
  };
  if (offset + top < items.length) {
    // Graph writes the option names with a literal `$`.
    const next: string[] = [];
    if (topRaw !== null) next.push(`$top=${top}`);
    if (select !== null) next.push(`$select=${select.map(encodeURIComponent).join(",")}`);
    next.push(`$skiptoken=${Buffer.from(`o${offset + top}`).toString("base64url")}`);
    body["@odata.nextLink"] = `${ctx.origin}/${version}/${spec.path}?${next.join("&")}`;
  }
  body.value = page;
  sendJson(res, 200, body, {}, GRAPH_CONTENT_TYPE);
}

// ---------------------------------------------------------------------------------------------------------------
// Routing.

type GraphRoute =
  | { kind: "application"; by: "appId" | "id"; key: string }
  | { kind: "managedDevices" }
  | { kind: "compliancePolicies" }
  | { kind: "devices" }
  | { kind: "runHuntingQuery" }
  | { kind: "detectionRules" }
  | { kind: "notFound"; segment: string };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function route(version: string, segments: readonly string[]): GraphRoute {
  const [first = "", second, third, ...more] = segments;
  const lower = segments.map((s) => s.toLowerCase());
  const byAppId = /^applications\(appid='([^']*)'\)$/i.exec(first);
  if (byAppId && segments.length === 1) return { kind: "application", by: "appId", key: byAppId[1] ?? "" };
  if (lower[0] === "applications" && second !== undefined && segments.length === 2) {
    return { kind: "application", by: "id", key: second };
  }
  if (lower[0] === "devicemanagement" && segments.length === 2) {
    if (lower[1] === "manageddevices") return { kind: "managedDevices" };
    if (lower[1] === "devicecompliancepolicies") return { kind: "compliancePolicies" };
    return { kind: "notFound", segment: second ?? "" };
  }
  if (lower[0] === "devices" && segments.length === 1) return { kind: "devices" };
  if (lower[0] === "security") {
    if (lower[1] === "runhuntingquery" && segments.length === 2) return { kind: "runHuntingQuery" };
    // Custom detection rules are a beta API.
    if (version === "beta" && lower[1] === "rules" && lower[2] === "detectionrules" && more.length === 0) {
      return { kind: "detectionRules" };
    }
    return { kind: "notFound", segment: (lower[1] === "rules" ? third : second) ?? "security" };
  }
  return { kind: "notFound", segment: first };
}

const APPLICATION_ROLES = [
  "Application.Read.All",
  "Application.ReadWrite.OwnedBy",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
const MANAGED_DEVICE_ROLES = [
  "DeviceManagementManagedDevices.Read.All",
  "DeviceManagementManagedDevices.ReadWrite.All",
];
const CONFIGURATION_ROLES = [
  "DeviceManagementConfiguration.Read.All",
  "DeviceManagementConfiguration.ReadWrite.All",
];
const DEVICE_ROLES = [
  "Device.Read.All",
  "Device.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
const HUNTING_ROLES = ["ThreatHunting.Read.All"];
const DETECTION_RULE_ROLES = ["CustomDetection.Read.All", "CustomDetection.ReadWrite.All"];

/** Whether a path is a Graph path (`/v1.0/...` or `/beta/...`). */
export function isGraphPath(pathname: string): boolean {
  return /^\/(v1\.0|beta)(\/|$)/i.test(pathname);
}

export async function handleGraph(
  ctx: GraphContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  onTenant: (tenant: string) => void,
): Promise<void> {
  const [, rawVersion = "", ...rest] = url.pathname.split("/");
  const version = rawVersion.toLowerCase();
  const segments = rest.filter((s) => s.length > 0).map(decode);
  const target = route(version, segments);
  if (target.kind === "notFound") {
    sendGraphError(res, 400, "BadRequest", `Resource not found for the segment '${target.segment}'.`);
    return;
  }
  const method = target.kind === "runHuntingQuery" ? "POST" : "GET";
  if (req.method !== method && !(method === "GET" && req.method === "HEAD")) {
    sendGraphError(
      res,
      405,
      "Request_BadRequest",
      `The requested resource does not support http method '${req.method ?? ""}'.`,
      { allow: method },
    );
    return;
  }

  const auth = checkBearer(ctx.signingKey, req, "graph");
  if (!auth.ok) {
    sendGraphUnauthorized(res, unauthorizedMessage(auth));
    return;
  }
  const { claims } = auth;
  onTenant(claims.tid);
  if (await ctx.applyFault(claims.tid, req, res)) return;
  const tenant = ctx.findTenant(claims.tid);

  try {
    switch (target.kind) {
      case "application":
        return sendApplication(ctx, res, url, version, claims, tenant, target);
      case "managedDevices":
      case "compliancePolicies":
        return sendIntuneList(ctx, res, url, version, claims, tenant, target.kind);
      case "devices":
        if (!hasAnyRole(claims, DEVICE_ROLES)) return sendDirectoryForbidden(res);
        return sendGraphList(
          ctx,
          res,
          url,
          version,
          { path: "devices", typeName: "microsoft.graph.device", maxTop: 999, strictTop: true },
          simGraphData(claims.tid, tenant?.intuneLicensed !== false).devices,
        );
      case "detectionRules":
        if (!hasAnyRole(claims, DETECTION_RULE_ROLES))
          return sendSecurityForbidden(res, claims, DETECTION_RULE_ROLES);
        return sendGraphList(
          ctx,
          res,
          url,
          version,
          {
            path: "security/rules/detectionRules",
            typeName: "microsoft.graph.security.detectionRule",
            maxTop: 100,
            strictTop: false,
          },
          simGraphData(claims.tid, tenant?.intuneLicensed !== false).detectionRules,
        );
      case "runHuntingQuery":
        return await runHuntingQuery(ctx, req, res, version, claims);
    }
  } catch (err) {
    if (err instanceof GraphQueryError) {
      sendGraphError(res, 400, err.code, err.message);
      return;
    }
    throw err;
  }
}

function sendSecurityForbidden(
  res: ServerResponse,
  claims: AccessTokenClaims,
  required: readonly string[],
): void {
  // Seen in the field for the Graph security API (code not captured there; Forbidden assumed).
  sendGraphError(
    res,
    403,
    "Forbidden",
    `Missing application roles. API required roles: ${required.join(",")}, application roles: ${(claims.roles ?? []).join(",")}`,
  );
}

function applicationView(app: SimApp, tenant: SimTenant): Json {
  const created = app.secrets[0]?.startsAt ?? "2024-01-01T00:00:00Z";
  return {
    id: simApplicationObjectId(app),
    deletedDateTime: null,
    appId: app.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: `${created.slice(0, 19)}Z`,
    displayName: app.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    nativeAuthenticationApisEnabled: null,
    notes: null,
    publisherDomain: tenant.domain,
    serviceManagementReference: null,
    signInAudience: "AzureADMyOrg",
    tags: [],
    tokenEncryptionKeyId: null,
    uniqueName: null,
    samlMetadataUrl: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    requestSignatureVerification: null,
    addIns: [],
    appRoles: [],
    info: {
      logoUrl: null,
      marketingUrl: null,
      privacyStatementUrl: null,
      supportUrl: null,
      termsOfServiceUrl: null,
    },
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: "Allow" },
    passwordCredentials: app.secrets.map((s) => ({
      customKeyIdentifier: null,
      displayName: s.displayName,
      endDateTime: s.expiresAt,
      hint: simSecretHint(s.value),
      keyId: s.id,
      secretText: null,
      startDateTime: s.startsAt,
    })),
    publicClient: { redirectUris: [] },
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: [],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      redirectUriSettings: [],
    },
    spa: { redirectUris: [] },
  };
}

function sendApplication(
  ctx: GraphContext,
  res: ServerResponse,
  url: URL,
  version: string,
  claims: AccessTokenClaims,
  tenant: SimTenant | undefined,
  target: Extract<GraphRoute, { kind: "application" }>,
): void {
  // Microsoft documents that a service principal may read its own application without any permission
  // (reference/microsoft-graph.md §1.3, UNCONFIRMED whether passwordCredentials are filled in). The simulator takes
  // the conservative line Patchbay's design uses: Application.Read.All (or a higher permission) is required.
  if (!hasAnyRole(claims, APPLICATION_ROLES)) {
    sendDirectoryForbidden(res);
    return;
  }
  refuseUnsimulated(url);
  const key = target.key.toLowerCase();
  const app = tenant?.apps.find((a) =>
    target.by === "appId" ? a.appId === key : simApplicationObjectId(a) === key,
  );
  if (!app || !tenant) {
    sendGraphError(
      res,
      404,
      "Request_ResourceNotFound",
      `Resource '${target.key}' does not exist or one of its queried reference-property objects are not present.`,
    );
    return;
  }
  const view = applicationView(app, tenant);
  const select = parseSelect(url, Object.keys(view), "microsoft.graph.application");
  const selectText = select === null ? "" : `(${select.join(",")})`;
  sendJson(
    res,
    200,
    {
      "@odata.context": `${ctx.origin}/${version}/$metadata#applications${selectText}/$entity`,
      ...project(view, select),
    },
    {},
    GRAPH_CONTENT_TYPE,
  );
}

function sendIntuneList(
  ctx: GraphContext,
  res: ServerResponse,
  url: URL,
  version: string,
  claims: AccessTokenClaims,
  tenant: SimTenant | undefined,
  kind: "managedDevices" | "compliancePolicies",
): void {
  const managed = kind === "managedDevices";
  // "requires an active Intune license for the tenant" (reference/microsoft-graph.md §4.1). Without one, Intune's
  // endpoints answer 400 BadRequest "Request not applicable to target tenant." — observed in the field for other
  // Intune endpoints (deviceAppManagement, managedTenants); the exact status and code for managedDevices and
  // deviceCompliancePolicies are UNCONFIRMED (§4.3). Checked before the permission: the tenant is routed first.
  if (tenant?.intuneLicensed === false) {
    sendGraphError(res, 400, "BadRequest", "Request not applicable to target tenant.");
    return;
  }
  const roles = managed ? MANAGED_DEVICE_ROLES : CONFIGURATION_ROLES;
  if (!hasAnyRole(claims, roles)) {
    const servicePath = managed
      ? "DeviceFE/StatelessDeviceFEService/deviceManagement/managedDevices"
      : "DeviceConfiguration/StatelessDeviceConfigurationFEService/deviceManagement/deviceCompliancePolicies";
    sendGraphError(
      res,
      403,
      "Forbidden",
      intuneMessage(
        `Application is not authorized to perform this operation. Application must have one of the following scopes: ${roles.join(", ")}`,
        servicePath,
      ),
    );
    return;
  }
  const data = simGraphData(claims.tid, true);
  sendGraphList(
    ctx,
    res,
    url,
    version,
    managed
      ? {
          path: "deviceManagement/managedDevices",
          typeName: "microsoft.graph.managedDevice",
          maxTop: 1000,
          strictTop: false,
        }
      : {
          path: "deviceManagement/deviceCompliancePolicies",
          typeName: "microsoft.graph.deviceCompliancePolicy",
          maxTop: 1000,
          strictTop: false,
        },
    managed ? data.managedDevices : data.compliancePolicies,
  );
}

/** `POST /security/runHuntingQuery` with `{"Query": "<KQL>", "Timespan"?: "P1D"}` (graph §5). */
async function runHuntingQuery(
  ctx: GraphContext,
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
  claims: AccessTokenClaims,
): Promise<void> {
  if (!hasAnyRole(claims, HUNTING_ROLES)) return sendSecurityForbidden(res, claims, HUNTING_ROLES);
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, QUERY_BODY_LIMIT_BYTES));
  } catch (err) {
    sendGraphError(
      res,
      400,
      "BadRequest",
      err instanceof BodyTooLargeError ? "The request body is too large." : "Invalid request body.",
    );
    return;
  }
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const key = Object.keys(fields).find((k) => k.toLowerCase() === "query");
  const query = key === undefined ? undefined : fields[key];
  if (typeof query !== "string" || query.trim() === "") {
    sendGraphError(res, 400, "BadRequest", "The Query parameter is required and cannot be empty.");
    return;
  }
  const retryAfter = ctx.huntingLimiter.take(`graph-hunting:${claims.tid}`);
  if (retryAfter > 0) {
    sendGraphThrottled(res, retryAfter);
    return;
  }
  try {
    const result = runHunting(simSecurityData(claims.tid).hunting, query);
    sendJson(
      res,
      200,
      {
        "@odata.context": `${ctx.origin}/${version}/$metadata#microsoft.graph.security.huntingQueryResults`,
        schema: result.columns.map((c) => ({ name: c.name, type: c.type })),
        results: result.rows,
      },
      {},
      GRAPH_CONTENT_TYPE,
    );
  } catch (err) {
    if (err instanceof HuntingError) {
      sendGraphError(res, 400, "BadRequest", err.message);
      return;
    }
    throw err;
  }
}
