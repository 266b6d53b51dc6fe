// Simulated Microsoft Defender XDR API (resource "Microsoft Threat Protection", https://api.security.microsoft.com):
// `GET /api/incidents` and `GET /api/incidents/{id}`. Only tokens for that resource are accepted: a WindowsDefenderATP
// token gets 401 (reference/microsoft-defender.md §1.3). Errors share the Defender API's
// `{"error":{"code","message","target"}}` shape; $top is at most 100 and the limit is 50 calls per minute
// (defender-xdr/api-list-incidents.md, reference §4.4 and §4.6).

import type { IncomingMessage, ServerResponse } from "node:http";
import { checkBearer, hasAnyRole } from "./bearer";
import {
  defenderUnauthorizedMessage,
  ODATA_CONTENT_TYPE,
  type RateLimiter,
  sendDefenderError,
  sendDefenderForbidden,
  sendDefenderRateLimited,
  sendDefenderUnauthorized,
} from "./defender-api";
import { sendJson } from "./http-helpers";
import { applyQuery, type EntitySpec, ODataError, parseQuery, type Query } from "./odata";
import { simSecurityData } from "./seed-data";
import type { SigningKey } from "./signing-key";

export const INCIDENTS_CALLS_PER_MINUTE = 50;

export interface ThreatProtectionContext {
  readonly origin: string;
  readonly signingKey: SigningKey;
  /** 50 calls per minute per app. */
  readonly rateLimiter: RateLimiter;
  /** Applies a threat-protection-target fault of the tenant, if any. Resolves true when handled. */
  applyFault(tenantId: string, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const INCIDENTS: EntitySpec = {
  name: "Incidents",
  singular: "Incident",
  odataType: "microsoft.windowsDefenderATP.api.PublicIncident",
  roles: ["Incident.ReadWrite.All", "Incident.Read.All"],
  filterable: {
    lastUpdateTime: "date",
    createdTime: "date",
    status: "string",
    assignedTo: "string",
  },
  maxTop: 100,
};

/** Whether a path under /api belongs to this API rather than to the Defender for Endpoint API. */
export function isThreatProtectionPath(pathname: string): boolean {
  return /^\/api\/incidents(\/[^/]*)?\/?$/i.test(pathname);
}

export async function handleThreatProtectionApi(
  ctx: ThreatProtectionContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  onTenant: (tenant: string) => void,
): Promise<void> {
  const [, , , rawId] = url.pathname.replace(/\/+$/, "").split("/"); // ["", "api", "incidents", id?]
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendDefenderError(
      res,
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${req.method ?? ""}'.`,
      { allow: "GET" },
    );
    return;
  }

  const auth = checkBearer(ctx.signingKey, req, "threatProtection");
  if (!auth.ok) {
    sendDefenderUnauthorized(res, defenderUnauthorizedMessage(auth));
    return;
  }
  const { claims } = auth;
  onTenant(claims.tid);

  if (await ctx.applyFault(claims.tid, req, res)) return;

  const retryAfter = ctx.rateLimiter.take(`${claims.tid}:${claims.appid}`);
  if (retryAfter > 0) {
    sendDefenderRateLimited(res, retryAfter);
    return;
  }
  if (!hasAnyRole(claims, INCIDENTS.roles)) {
    sendDefenderForbidden(res, INCIDENTS.roles);
    return;
  }

  const incidents = simSecurityData(claims.tid).incidents;
  if (rawId !== undefined) {
    let id = rawId;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      // keep as sent
    }
    const found = incidents.find((i) => String(i.incidentId) === id);
    if (!found) {
      sendDefenderError(res, 404, "ResourceNotFound", `Incident ${id} was not found`);
      return;
    }
    sendJson(
      res,
      200,
      { "@odata.context": `${ctx.origin}/api/$metadata#Incidents/$entity`, ...found },
      {},
      ODATA_CONTENT_TYPE,
    );
    return;
  }

  let query: Query;
  try {
    query = parseQuery(INCIDENTS, url.searchParams, incidents[0]);
  } catch (err) {
    if (err instanceof ODataError) {
      sendDefenderError(res, 400, err.code, err.message);
      return;
    }
    throw err;
  }
  const { value, total } = applyQuery(incidents, query);
  sendJson(
    res,
    200,
    {
      "@odata.context": `${ctx.origin}/api/$metadata#Incidents`,
      ...(query.count ? { "@odata.count": total } : {}),
      value,
    },
    {},
    ODATA_CONTENT_TYPE,
  );
}
