// Simulated Microsoft Defender for Endpoint API: /api/machines and /api/alerts with the OData subset the real
// service documents ($top, $skip, $filter, $orderby, $expand=evidence, $count), bearer-token checks, per-app rate
// limiting (100 calls per minute) and the `{"error":{"code","message","target"}}` error shape.

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { DEFENDER_RESOURCES } from "./entra";
import { sendJson } from "./http-helpers";
import { SIM_DEFENDER_DATA, type SimAlert, type SimMachine } from "./seed";
import type { AccessTokenClaims, SigningKey } from "./signing-key";

const ODATA_CONTENT_TYPE = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8";
export const RATE_LIMIT_PER_MINUTE = 100;
const MAX_TOP = 10_000;

export interface DefenderContext {
  readonly origin: string;
  readonly signingKey: SigningKey;
  readonly rateLimiter: RateLimiter;
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

// ---------------------------------------------------------------------------------------------------------------
// Rate limiting: sliding one-minute window per app (tenant + app id).

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
// OData subset.

type FieldType = "string" | "date" | "number";

interface EntitySpec {
  readonly name: string; // "Machines"
  readonly singular: string; // "Machine"
  readonly odataType: string;
  readonly roles: readonly string[];
  readonly filterable: Readonly<Record<string, FieldType>>;
}

const MACHINES: EntitySpec = {
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
};

const ALERTS: EntitySpec = {
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
};

type Entity = Readonly<Record<string, unknown>>;

class ODataError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Converts an ISO date/time to 100 ns ticks since the epoch (precise to the 7 fraction digits the API uses). */
export function toTicks(value: string): bigint | null {
  const m = DATE_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (Number.isNaN(ms)) return null;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const fraction = BigInt((frac ?? "").padEnd(7, "0"));
  return BigInt(ms - offsetMinutes * 60_000) * 10_000n + fraction;
}

type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "date"; ticks: bigint }
  | { kind: "null" };

type Operator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

interface Clause {
  field: string;
  type: FieldType;
  op: Operator;
  literal: Literal;
}

function resolveField(spec: EntitySpec, name: string): { field: string; type: FieldType } {
  const entry = Object.entries(spec.filterable).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!entry) {
    throw new ODataError(
      "ODataError",
      `Invalid filter clause: Could not find a property named '${name}' on type '${spec.odataType}', or the property is not filterable.`,
    );
  }
  return { field: entry[0], type: entry[1] };
}

function parseLiteral(raw: string): Literal {
  const text = raw.trim();
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2)
      throw new ODataError("ODataError", `Invalid filter clause: unterminated string literal ${text}.`);
    return { kind: "string", value: text.slice(1, -1).replaceAll("''", "'") };
  }
  if (text.toLowerCase() === "null") return { kind: "null" };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: "number", value: Number(text) };
  const ticks = toTicks(text);
  if (ticks !== null) return { kind: "date", ticks };
  throw new ODataError("ODataError", `Invalid filter clause: syntax error at '${text}'.`);
}

/** Splits on ` and ` outside string literals. */
function splitAnd(filter: string): string[] {
  const parts: string[] = [];
  let current = "";
  let inString = false;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i] ?? "";
    if (ch === "'") inString = !inString;
    if (!inString && /\s/.test(ch) && /^\s+and\s+/i.test(filter.slice(i))) {
      const m = /^\s+and\s+/i.exec(filter.slice(i));
      parts.push(current);
      current = "";
      i += (m?.[0].length ?? 1) - 1;
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function parseFilter(spec: EntitySpec, filter: string): Clause[] {
  if (/[()]/.test(filter.replace(/'(?:[^']|'')*'/g, ""))) {
    throw new ODataError(
      "ODataError",
      "Invalid filter clause: functions and grouping are not supported by this query.",
    );
  }
  if (/\sor\s/i.test(filter.replace(/'(?:[^']|'')*'/g, ""))) {
    throw new ODataError("ODataError", "Invalid filter clause: 'or' is not supported for this entity.");
  }
  return splitAnd(filter).map((part) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/i.exec(part);
    const [, name, op, value] = m ?? [];
    if (!name || !op || value === undefined) {
      throw new ODataError("ODataError", `Invalid filter clause: syntax error in '${part.trim()}'.`);
    }
    const { field, type } = resolveField(spec, name);
    const literal = parseLiteral(value);
    if (type === "date" && literal.kind === "string") {
      const ticks = toTicks(literal.value);
      if (ticks === null)
        throw new ODataError(
          "ODataError",
          `Invalid filter clause: '${literal.value}' is not a valid DateTimeOffset.`,
        );
      return { field, type, op: asOperator(op), literal: { kind: "date", ticks } };
    }
    if (type === "date" && literal.kind !== "date" && literal.kind !== "null") {
      throw new ODataError(
        "ODataError",
        `Invalid filter clause: '${value.trim()}' is not a valid DateTimeOffset for ${field}.`,
      );
    }
    if (type === "number" && literal.kind !== "number" && literal.kind !== "null") {
      throw new ODataError(
        "ODataError",
        `Invalid filter clause: '${value.trim()}' is not a valid number for ${field}.`,
      );
    }
    if (type === "string" && literal.kind !== "string" && literal.kind !== "null") {
      throw new ODataError(
        "ODataError",
        `Invalid filter clause: ${field} must be compared with a quoted string.`,
      );
    }
    return { field, type, op: asOperator(op), literal };
  });
}

function asOperator(op: string): Operator {
  const lower = op.toLowerCase();
  switch (lower) {
    case "eq":
    case "ne":
    case "gt":
    case "ge":
    case "lt":
    case "le":
      return lower;
    default:
      throw new ODataError("ODataError", `Invalid filter clause: unknown operator '${op}'.`);
  }
}

function compareValues(a: unknown, b: unknown, type: FieldType): number | null {
  if (a === null || a === undefined || b === null || b === undefined) {
    if ((a === null || a === undefined) && (b === null || b === undefined)) return 0;
    return a === null || a === undefined ? -1 : 1;
  }
  if (type === "date" && typeof a === "string" && typeof b === "string") {
    const ta = toTicks(a);
    const tb = toTicks(b);
    if (ta === null || tb === null) return null;
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  return null;
}

function matches(entity: Entity, clause: Clause): boolean {
  const value = entity[clause.field];
  const lit = clause.literal;
  let cmp: number | null;
  if (lit.kind === "null") {
    const isNull = value === null || value === undefined;
    if (clause.op === "eq") return isNull;
    if (clause.op === "ne") return !isNull;
    return false;
  }
  if (value === null || value === undefined) return clause.op === "ne";
  if (lit.kind === "date") {
    const ticks = typeof value === "string" ? toTicks(value) : null;
    if (ticks === null) return false;
    cmp = ticks < lit.ticks ? -1 : ticks > lit.ticks ? 1 : 0;
  } else if (lit.kind === "number") {
    if (typeof value !== "number") return false;
    cmp = value - lit.value;
  } else {
    if (typeof value !== "string") return false;
    cmp = compareValues(value, lit.value, "string");
  }
  if (cmp === null) return false;
  switch (clause.op) {
    case "eq":
      return cmp === 0;
    case "ne":
      return cmp !== 0;
    case "gt":
      return cmp > 0;
    case "ge":
      return cmp >= 0;
    case "lt":
      return cmp < 0;
    case "le":
      return cmp <= 0;
  }
}

function parseOrderBy(
  spec: EntitySpec,
  sample: Entity | undefined,
  raw: string,
): { field: string; type: FieldType; desc: boolean }[] {
  return raw.split(",").map((part) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    const [, name, dir] = m ?? [];
    if (!name) throw new ODataError("ODataError", `Invalid $orderby clause: '${part.trim()}'.`);
    const known = Object.entries(spec.filterable).find(([k]) => k.toLowerCase() === name.toLowerCase());
    if (known) return { field: known[0], type: known[1], desc: dir?.toLowerCase() === "desc" };
    const prop = sample ? Object.keys(sample).find((k) => k.toLowerCase() === name.toLowerCase()) : undefined;
    if (!prop) {
      throw new ODataError(
        "ODataError",
        `Invalid $orderby clause: Could not find a property named '${name}' on type '${spec.odataType}'.`,
      );
    }
    return { field: prop, type: "string", desc: dir?.toLowerCase() === "desc" };
  });
}

function parseNonNegativeInt(name: string, raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new ODataError(
      "ODataError",
      `Invalid value '${raw}' for query option ${name}: the value must be a non-negative integer.`,
    );
  }
  return Number(raw.trim());
}

interface Query {
  clauses: Clause[];
  orderBy: { field: string; type: FieldType; desc: boolean }[];
  top: number | null;
  skip: number;
  expandEvidence: boolean;
  count: boolean;
}

function parseQuery(spec: EntitySpec, params: URLSearchParams, sample: Entity | undefined): Query {
  const get = (name: string): string | null => {
    for (const [k, v] of params) if (k.toLowerCase() === name) return v;
    return null;
  };
  const topRaw = get("$top");
  let top: number | null = null;
  if (topRaw !== null) {
    top = parseNonNegativeInt("$top", topRaw);
    if (top < 1 || top > MAX_TOP) {
      throw new ODataError(
        "InvalidInput",
        `The value of $top must be between 1 and ${MAX_TOP} (maximum page size). Received ${top}.`,
      );
    }
  }
  const skipRaw = get("$skip");
  const skip = skipRaw === null ? 0 : parseNonNegativeInt("$skip", skipRaw);
  const filterRaw = get("$filter");
  const clauses = filterRaw === null || filterRaw.trim() === "" ? [] : parseFilter(spec, filterRaw);
  const orderRaw = get("$orderby");
  const orderBy = orderRaw === null || orderRaw.trim() === "" ? [] : parseOrderBy(spec, sample, orderRaw);
  const expandRaw = get("$expand");
  const expandEvidence = spec === ALERTS && expandRaw !== null && /(^|,)\s*evidence\s*($|,)/i.test(expandRaw);
  if (expandRaw !== null && expandRaw.trim() !== "" && !expandEvidence) {
    throw new ODataError(
      "ODataError",
      `Invalid $expand clause: '${expandRaw}' cannot be expanded on type '${spec.odataType}'.`,
    );
  }
  const countRaw = get("$count");
  return { clauses, orderBy, top, skip, expandEvidence, count: countRaw?.toLowerCase() === "true" };
}

function applyQuery(items: readonly Entity[], query: Query): { value: Entity[]; total: number } {
  let list = items.filter((e) => query.clauses.every((c) => matches(e, c)));
  if (query.orderBy.length > 0) {
    list = [...list].sort((a, b) => {
      for (const o of query.orderBy) {
        const cmp = compareValues(a[o.field], b[o.field], o.type) ?? 0;
        if (cmp !== 0) return o.desc ? -cmp : cmp;
      }
      return 0;
    });
  }
  const total = list.length;
  const paged = list.slice(query.skip, query.top === null ? undefined : query.skip + query.top);
  return { value: paged, total };
}

function alertView(alert: SimAlert, expandEvidence: boolean): Entity {
  return expandEvidence ? alert : { ...alert, evidence: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Request handling.

type Route =
  | { kind: "list"; spec: EntitySpec }
  | { kind: "single"; spec: EntitySpec; id: string }
  | { kind: "notFound" };

function route(pathname: string): Route {
  const lower = pathname.toLowerCase().replace(/\/+$/, "");
  const rest = lower.startsWith("/api/v1.0/")
    ? lower.slice("/api/v1.0/".length)
    : lower.slice("/api/".length);
  const parts = rest.split("/").filter((p) => p.length > 0);
  const [entity, id, ...more] = parts;
  const spec = entity === "machines" ? MACHINES : entity === "alerts" ? ALERTS : null;
  if (!spec || more.length > 0) return { kind: "notFound" };
  if (id === undefined) return { kind: "list", spec };
  // Keep the id as sent (alert ids are case-sensitive in shape; compare case-insensitively later).
  const originalId = decodeURIComponent(pathname.replace(/\/+$/, "").split("/").pop() ?? id);
  return { kind: "single", spec, id: originalId };
}

function authenticate(
  ctx: DefenderContext,
  req: IncomingMessage,
): { ok: true; claims: AccessTokenClaims } | { ok: false; message: string } {
  const header = req.headers.authorization;
  if (!header)
    return { ok: false, message: "Authorization header is missing. Send 'Authorization: Bearer <token>'." };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = m?.[1];
  if (!token) return { ok: false, message: "Invalid authorization header. Expected 'Bearer <token>'." };
  const result = ctx.signingKey.verify(token, Math.floor(Date.now() / 1000));
  if (!result.ok) {
    return {
      ok: false,
      message:
        result.reason === "token expired"
          ? "The access token has expired."
          : "Invalid or expired authorization header.",
    };
  }
  const aud = result.claims.aud.replace(/\/+$/, "").toLowerCase();
  if (!DEFENDER_RESOURCES.includes(aud)) {
    return {
      ok: false,
      message: `Invalid or expired authorization header. The token audience '${result.claims.aud}' is not valid for this API.`,
    };
  }
  return { ok: true, claims: result.claims };
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
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendDefenderError(
      res,
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${req.method ?? ""}'.`,
      {
        allow: "GET",
      },
    );
    return;
  }

  const auth = authenticate(ctx, req);
  if (!auth.ok) {
    sendDefenderUnauthorized(res, auth.message);
    return;
  }
  const { claims } = auth;
  onTenant(claims.tid);

  if (await ctx.applyApiFault(claims.tid, req, res)) return;

  const retryAfter = ctx.rateLimiter.take(`${claims.tid}:${claims.appid}`);
  if (retryAfter > 0) {
    sendDefenderError(
      res,
      429,
      "TooManyRequests",
      `Rate limit is exceeded. Try again in ${retryAfter} seconds.`,
      {
        "retry-after": String(retryAfter),
      },
    );
    return;
  }

  const spec = target.spec;
  const roles = claims.roles ?? [];
  if (!spec.roles.some((r) => roles.includes(r))) {
    sendDefenderError(
      res,
      403,
      "Forbidden",
      `The application does not have any of the required application permissions (${spec.roles.join(", ")}) to access the resource.`,
    );
    return;
  }

  const data = SIM_DEFENDER_DATA[claims.tid];
  const items: readonly Entity[] =
    spec === MACHINES ? (data?.machines ?? []) : (data?.alerts ?? []).map((a) => alertView(a, false));

  if (target.kind === "single") {
    const wanted = target.id.toLowerCase();
    const found =
      spec === MACHINES
        ? (data?.machines ?? []).find((m: SimMachine) => m.id.toLowerCase() === wanted)
        : (data?.alerts ?? []).find((a: SimAlert) => a.id.toLowerCase() === wanted);
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
    spec === ALERTS && query.expandEvidence ? (data?.alerts ?? []).map((a) => alertView(a, true)) : items;
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
