import { z } from "zod";
import type { FailureDetail } from "../../../shared/contract";
import type { FeatureProbe, MicrosoftApiId } from "../../../shared/partners/defender/features";
import { boundedSignal, outboundRequest, TransportError } from "../../lib/outbound-http";

/**
 * One call to a Microsoft API with an app-only token, its answer sorted into what it means for a feature:
 * working, a missing permission, a missing licence, or a failure with its reason. Defender, Microsoft Threat
 * Protection and Graph share one error envelope, `{ error: { code, message, … } }` (reference §4.5, graph §1.7).
 */

const microsoftErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().nullish(),
    target: z.string().nullish(),
    innerError: z.object({ "request-id": z.string().nullish() }).passthrough().nullish(),
  }),
});

export type CallOutcome =
  | { ok: true; json: unknown }
  | { ok: false; kind: "transport"; error: TransportError }
  | {
      ok: false;
      kind: "http";
      reason:
        | "unauthorized"
        | "forbidden"
        | "not_licensed"
        | "disabled_feature"
        | "rate_limited"
        | "server_error"
        | "not_microsoft";
      retryAfterSeconds: number | null;
      detail: FailureDetail;
    };

/** Intune answers a tenant without an Intune licence with this text (the exact code is unconfirmed: graph §4.3). */
const NOT_LICENSED = /not applicable to target tenant|license|licence/i;

export async function callMicrosoftApi(options: {
  api: MicrosoftApiId;
  origin: string;
  probe: FeatureProbe;
  accessToken: string;
  deadline: AbortSignal;
  callTimeoutMs: number;
  /** A sync page of 10,000 records is far larger than a probe's answer. */
  maxBodyBytes?: number;
}): Promise<CallOutcome> {
  const { probe } = options;
  let response: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    response = await outboundRequest(`${options.origin}${probe.path}`, {
      method: probe.method,
      headers: {
        authorization: `Bearer ${options.accessToken}`,
        accept: "application/json",
        ...(probe.body ? { "content-type": "application/json" } : {}),
      },
      ...(probe.body ? { body: JSON.stringify(probe.body) } : {}),
      signal: boundedSignal(options.deadline, options.callTimeoutMs),
      maxBodyBytes: options.maxBodyBytes ?? 512 * 1024,
    });
  } catch (error) {
    if (error instanceof TransportError) return { ok: false, kind: "transport", error };
    throw error;
  }

  let json: unknown = null;
  try {
    json = JSON.parse(response.text);
  } catch {
    // not JSON: "not a Microsoft API" below
  }
  const apiError = microsoftErrorSchema.safeParse(json);
  const detail: FailureDetail = {
    request: `${probe.method} ${probe.path}`,
    httpStatus: response.status,
    errorCode: apiError.success ? apiError.data.error.code : null,
    errorMessage: apiError.success ? (apiError.data.error.message ?? null) : null,
    contentType: response.headers["content-type"] ?? null,
    requestId: apiError.success
      ? (apiError.data.error.innerError?.["request-id"] ?? apiError.data.error.target ?? null)
      : null,
  };
  const fail = (
    reason: Extract<CallOutcome, { kind: "http" }>["reason"],
    retryAfterSeconds: number | null = null,
  ) => ({ ok: false, kind: "http", reason, retryAfterSeconds, detail }) as const;

  if (response.status >= 200 && response.status < 300) {
    return typeof json === "object" && json !== null ? { ok: true, json } : fail("not_microsoft");
  }
  if (probe.emptyIsNotFound && response.status === 404 && apiError.success) return { ok: true, json: null };
  if (response.status === 429) return fail("rate_limited", parseRetryAfter(response.headers["retry-after"]));
  if (!apiError.success) return fail(response.status >= 500 ? "server_error" : "not_microsoft");
  if (response.status === 401) return fail("unauthorized");
  if (response.status === 403) {
    if (apiError.data.error.code === "DisabledFeature") return fail("disabled_feature");
    return fail(NOT_LICENSED.test(apiError.data.error.message ?? "") ? "not_licensed" : "forbidden");
  }
  if (response.status === 400 && NOT_LICENSED.test(apiError.data.error.message ?? ""))
    return fail("not_licensed");
  return fail(response.status >= 500 ? "server_error" : "not_microsoft");
}

export function parseRetryAfter(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
