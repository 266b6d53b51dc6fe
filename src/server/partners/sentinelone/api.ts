import { z } from "zod";
import type { FailureDetail } from "../../../shared/contract";
import { SENTINELONE_API_PREFIX } from "../../../shared/partners/sentinelone";
import { boundedSignal, outboundRequest, TransportError } from "../../lib/outbound-http";
import { parseRetryAfter } from "../microsoft/api-call";

/**
 * One call to a console's Management API (`/web/api/v2.1/...`, `Authorization: ApiToken <token>`), its answer sorted
 * into what it means: the JSON, or a failure with its reason. SentinelOne's error envelope is
 * `{ errors: [{ code: 7 digits, title, detail }] }` (reference edr-partners.md B3): 401 4010010 for a bad, revoked or
 * expired token, 403 4030010 for a role or scope that may not do it. Every call goes through outbound-http.
 */

const sentinelOneErrorSchema = z.object({
  errors: z
    .array(
      z.object({
        code: z.number().int().nullish(),
        title: z.string().nullish(),
        detail: z.string().nullish(),
      }),
    )
    .min(1),
});

export type S1Outcome =
  | { ok: true; json: object }
  | { ok: false; kind: "transport"; error: TransportError }
  | {
      ok: false;
      kind: "http";
      reason:
        | "unauthorized"
        | "forbidden"
        | "rate_limited"
        | "server_error"
        /** 4xx other than 401/403/429 with SentinelOne's error body: the API refused this request. */
        | "refused"
        /** Not SentinelOne's answer: an HTML page, another service, a proxy. */
        | "not_sentinelone";
      retryAfterSeconds: number | null;
      detail: FailureDetail;
    };

export interface S1Call {
  consoleUrl: string;
  token: string;
  method: "GET" | "POST";
  /** Below /web/api/v2.1/, query included: "system/info", "threats?limit=1". */
  path: string;
  body?: unknown;
  deadline: AbortSignal;
  callTimeoutMs: number;
  maxBodyBytes?: number;
}

export async function callSentinelOne(call: S1Call): Promise<S1Outcome> {
  let response: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    response = await outboundRequest(`${call.consoleUrl}${SENTINELONE_API_PREFIX}${call.path}`, {
      method: call.method,
      headers: {
        authorization: `ApiToken ${call.token}`,
        accept: "application/json",
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      signal: boundedSignal(call.deadline, call.callTimeoutMs),
      maxBodyBytes: call.maxBodyBytes ?? 512 * 1024,
    });
  } catch (error) {
    if (error instanceof TransportError) return { ok: false, kind: "transport", error };
    throw error;
  }

  let json: unknown = null;
  try {
    json = JSON.parse(response.text);
  } catch {
    // not JSON: not SentinelOne's API (below)
  }
  const apiError = sentinelOneErrorSchema.safeParse(json);
  const first = apiError.success ? apiError.data.errors[0] : undefined;
  const detail: FailureDetail = {
    request: `${call.method} ${SENTINELONE_API_PREFIX}${call.path.split("?")[0]}`,
    httpStatus: response.status,
    errorCode: first?.code ?? null,
    errorTitle: first?.title ?? null,
    errorDetail: first?.detail ?? null,
    contentType: response.headers["content-type"] ?? null,
  };
  const fail = (
    reason: Extract<S1Outcome, { kind: "http" }>["reason"],
    retryAfterSeconds: number | null = null,
  ) => ({ ok: false, kind: "http", reason, retryAfterSeconds, detail }) as const;

  if (response.status >= 200 && response.status < 300) {
    return typeof json === "object" && json !== null && !Array.isArray(json)
      ? { ok: true, json }
      : fail("not_sentinelone");
  }
  if (response.status === 429) {
    // SentinelOne's SDK waits 5 s when Retry-After is missing (reference B5).
    return fail("rate_limited", parseRetryAfter(response.headers["retry-after"]) ?? 5);
  }
  if (response.status >= 500) return fail("server_error");
  if (!apiError.success) return fail("not_sentinelone");
  if (response.status === 401) return fail("unauthorized");
  if (response.status === 403) return fail("forbidden");
  return fail("refused");
}

/** `accountIds=…` or `siteIds=…` for a connection scoped to one account or site; "" otherwise. */
export function scopeQuery(scope: { accountId: string | null; siteId: string | null }): string {
  if (scope.siteId) return `&siteIds=${encodeURIComponent(scope.siteId)}`;
  if (scope.accountId) return `&accountIds=${encodeURIComponent(scope.accountId)}`;
  return "";
}
