import { z } from "zod";
import type { FailureDetail } from "../../../shared/contract";
import { type FalconCloudId, falconCloudIdSchema, falconClouds } from "../../../shared/partners/crowdstrike";
import { boundedSignal, outboundRequest, TransportError } from "../../lib/outbound-http";
import { cleanUpstreamText } from "../../lib/upstream-text";

/**
 * Calls to the Falcon API (shared/reference/edr-partners.md A2–A5), each answer sorted into what it means. Falcon's
 * envelope is `{ meta, resources, errors }`; an answer is a failure when `errors` holds anything, even with a 2xx
 * (peers saw scope errors inside a 200). Redirects are followed only on `/oauth2/*`, once, and only to a Falcon
 * cloud this server knows: the US-1 token endpoint sends other commercial clouds' clients on that way.
 */

/** Where each cloud's API is reached: Falcon's hosts, or the operator's (PATCHBAY_FALCON_ORIGINS, e.g. a simulator). */
export type FalconOrigins = Record<FalconCloudId, string>;

export function falconOrigins(overrides: Partial<Record<string, string>> = {}): FalconOrigins {
  const origin = (cloud: FalconCloudId) => overrides[cloud] ?? `https://${falconClouds[cloud].apiHost}`;
  return {
    "us-1": origin("us-1"),
    "us-2": origin("us-2"),
    "eu-1": origin("eu-1"),
    "us-3": origin("us-3"),
    "us-gov-1": origin("us-gov-1"),
    "us-gov-2": origin("us-gov-2"),
  };
}

const envelopeSchema = z.object({
  meta: z
    .object({
      trace_id: z.string().nullish(),
      powered_by: z.string().nullish(),
      pagination: z
        .object({
          offset: z.union([z.number(), z.string()]).nullish(),
          limit: z.number().nullish(),
          total: z.number().nullish(),
          after: z.string().nullish(),
          next: z.string().nullish(),
        })
        .passthrough()
        .nullish(),
    })
    .passthrough()
    .nullish(),
  resources: z.unknown().optional(),
  errors: z
    .array(
      z
        .object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() })
        .passthrough(),
    )
    .nullish(),
});
export type FalconEnvelope = z.infer<typeof envelopeSchema>;

export type FalconFailureReason =
  /** 403 at the token endpoint: the ID and secret are not a pair. */
  | "bad_credentials"
  /** 400 at the token endpoint: Falcon knows no such client (in this cloud). */
  | "unknown_client"
  /** 403 “Failed to generate access token for customer ID”: the member CID. */
  | "member_cid"
  /** 403 “access denied, authorization failed”: a missing scope or an address not on the IP allowlist. */
  | "access_denied"
  /** 401: no valid bearer token here, e.g. one minted in another cloud. */
  | "invalid_bearer"
  | "rate_limited"
  /** 404 “Search context expired”: an `after` token older than about two minutes. */
  | "search_expired"
  | "server_error"
  /** Not Falcon's JSON at all (a proxy, a portal page). */
  | "not_falcon";

export type FalconOutcome =
  | { ok: true; status: number; envelope: FalconEnvelope; headers: Record<string, string> }
  | { ok: false; kind: "transport"; error: TransportError }
  | {
      ok: false;
      kind: "http";
      status: number;
      reason: FalconFailureReason;
      retryAfterSeconds: number | null;
      headers: Record<string, string>;
      detail: FailureDetail;
    };

/** `X-RateLimit-RetryAfter` is Unix epoch seconds (gofalcon); `Retry-After` seconds. At least 1 s. */
export function retryAfterOf(headers: Record<string, string>, now = Date.now()): number | null {
  const epoch = Number(headers["x-ratelimit-retryafter"]);
  if (Number.isFinite(epoch) && epoch > 0) return Math.max(1, Math.ceil(epoch - now / 1000));
  const seconds = Number(headers["retry-after"]);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.max(1, Math.ceil(seconds)) : null;
}

function classify(
  status: number,
  headers: Record<string, string>,
  text: string,
  isTokenCall: boolean,
): FalconOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = envelopeSchema.safeParse(json);
  const errors = parsed.success ? (parsed.data.errors ?? []) : [];
  const first = errors[0];
  const message = first?.message ?? "";
  const detail: FailureDetail = {
    httpStatus: status,
    falconMessage: message === "" ? null : cleanUpstreamText(message, 300),
    traceId: (parsed.success ? parsed.data.meta?.trace_id : null) ?? headers["x-cs-traceid"] ?? null,
  };
  const fail = (reason: FalconFailureReason, retryAfterSeconds: number | null = null): FalconOutcome => ({
    ok: false,
    kind: "http",
    status,
    reason,
    retryAfterSeconds,
    headers,
    detail,
  });
  if (status === 429) return fail("rate_limited", retryAfterOf(headers));
  if (!parsed.success) return status >= 500 ? fail("server_error") : fail("not_falcon");
  const effective = status >= 200 && status < 300 && first ? Number(first.code ?? 500) : status;
  if (effective >= 200 && effective < 300) return { ok: true, status, envelope: parsed.data, headers };
  if (effective === 401) return fail("invalid_bearer");
  if (effective === 403) {
    if (/customer id/i.test(message)) return fail("member_cid");
    if (/access denied/i.test(message) || !isTokenCall) return fail("access_denied");
    return fail("bad_credentials");
  }
  if (isTokenCall && effective === 400) return fail("unknown_client");
  if (effective === 404 && /search context expired|after.*no longer valid/i.test(message)) {
    return fail("search_expired");
  }
  if (effective === 429) return fail("rate_limited", retryAfterOf(headers));
  return fail("server_error");
}

export interface FalconCall {
  origin: string;
  method: "GET" | "POST";
  path: string;
  /** A bearer token, or the Basic credentials of /oauth2/revoke. */
  authorization?: string;
  form?: Record<string, string>;
  json?: unknown;
  signal: AbortSignal;
  timeoutMs: number;
  maxBodyBytes?: number;
  /** Where an `/oauth2/*` redirect may go (the known clouds' origins). */
  redirectOrigins?: readonly string[];
}

export async function callFalcon(call: FalconCall): Promise<FalconOutcome> {
  const isTokenCall = call.path.startsWith("/oauth2/");
  const headers: Record<string, string> = { accept: "application/json" };
  if (call.authorization) headers.authorization = call.authorization;
  let body: string | undefined;
  if (call.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(call.form).toString();
  } else if (call.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(call.json);
  }
  let url = `${call.origin}${call.path}`;
  for (let hop = 0; ; hop += 1) {
    let response: Awaited<ReturnType<typeof outboundRequest>>;
    try {
      response = await outboundRequest(url, {
        method: call.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: boundedSignal(call.signal, call.timeoutMs),
        ...(call.maxBodyBytes === undefined ? {} : { maxBodyBytes: call.maxBodyBytes }),
      });
    } catch (error) {
      if (error instanceof TransportError) return { ok: false, kind: "transport", error };
      throw error;
    }
    const location = response.headers.location;
    if ((response.status === 307 || response.status === 308) && location !== undefined) {
      const target = redirectTarget(url, location, isTokenCall ? (call.redirectOrigins ?? []) : []);
      if (target !== null && hop === 0) {
        url = target;
        continue;
      }
    }
    return classify(response.status, response.headers, response.text, isTokenCall);
  }
}

/** A redirect is followed only to another known Falcon cloud's origin (never to an arbitrary host). */
function redirectTarget(from: string, location: string, allowed: readonly string[]): string | null {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return null;
  }
  return allowed.includes(target.origin) && target.protocol === "https:" ? target.toString() : null;
}

// --- tokens ---------------------------------------------------------------------------------------------------

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive().max(86_400).catch(1799),
});

export interface FalconToken {
  accessToken: string;
  /** Epoch ms when it stops working. */
  expiresAt: number;
  /** The client's cloud as the token response names it (`X-CS-Region`), or null when it does not. */
  region: FalconCloudId | null;
  /** Where the token was minted (a redirect may have moved it). */
  origin: string;
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  memberCid: string | null;
}

/** `POST /oauth2/token` (success is 201). */
export async function mintToken(
  origins: FalconOrigins,
  origin: string,
  credentials: Credentials,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ ok: true; token: FalconToken } | Exclude<FalconOutcome, { ok: true }>> {
  const form: Record<string, string> = {
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  };
  if (credentials.memberCid) form.member_cid = credentials.memberCid;
  // The token answer is not the envelope: read it raw, and let classify() handle every failure.
  const started = Date.now();
  let response: Awaited<ReturnType<typeof outboundRequest>>;
  let url = `${origin}/oauth2/token`;
  const allowed = Object.values(origins).map((o) => new URL(o).origin);
  for (let hop = 0; ; hop += 1) {
    try {
      response = await outboundRequest(url, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
        signal: boundedSignal(signal, timeoutMs),
      });
    } catch (error) {
      if (error instanceof TransportError) return { ok: false, kind: "transport", error };
      throw error;
    }
    const location = response.headers.location;
    if ((response.status === 307 || response.status === 308) && location !== undefined && hop === 0) {
      const target = redirectTarget(url, location, allowed);
      if (target !== null) {
        url = target;
        continue;
      }
    }
    break;
  }
  if (response.status === 201 || response.status === 200) {
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      json = undefined;
    }
    const token = tokenSchema.safeParse(json);
    if (token.success) {
      const region = falconCloudIdSchema.safeParse(response.headers["x-cs-region"]?.trim().toLowerCase());
      return {
        ok: true,
        token: {
          accessToken: token.data.access_token,
          expiresAt: started + token.data.expires_in * 1000,
          region: region.success ? region.data : null,
          origin: new URL(url).origin,
        },
      };
    }
  }
  const outcome = classify(response.status, response.headers, response.text, true);
  if (outcome.ok) {
    return {
      ok: false,
      kind: "http",
      status: response.status,
      reason: "not_falcon",
      retryAfterSeconds: null,
      headers: response.headers,
      detail: { httpStatus: response.status },
    };
  }
  return outcome;
}

/** `POST /oauth2/revoke` with the client's Basic credentials. Best effort: a failure is only logged by the caller. */
export async function revokeToken(
  origin: string,
  credentials: Credentials,
  accessToken: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<boolean> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString("base64");
  const outcome = await callFalcon({
    origin,
    method: "POST",
    path: "/oauth2/revoke",
    authorization: `basic ${basic}`,
    form: { token: accessToken, client_id: credentials.clientId },
    signal,
    timeoutMs,
  });
  return outcome.ok;
}

/** The cloud an origin belongs to, among the known ones. */
export function cloudOfOrigin(origins: FalconOrigins, origin: string): FalconCloudId | null {
  return falconCloudIdSchema.options.find((cloud) => origins[cloud] === origin) ?? null;
}
