import { z } from "zod";
import type { FailureDetail } from "../../../shared/contract";
import { boundedSignal, outboundRequest, TransportError } from "../../lib/outbound-http";

/** One real, minimal read of the Defender API (`$top=1`), sorted into what it proves. */

const defenderErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional(), target: z.string().optional() }),
});
const defenderListSchema = z.object({ value: z.array(z.unknown()) });

export type ProbeOutcome =
  | { ok: true; items: number }
  | { ok: false; kind: "transport"; error: TransportError }
  | {
      ok: false;
      kind: "http";
      reason:
        | "unauthorized"
        | "forbidden"
        | "disabled_feature"
        | "rate_limited"
        | "server_error"
        | "not_defender";
      retryAfterSeconds: number | null;
      detail: FailureDetail;
    };

export async function probeDefender(options: {
  baseUrl: string;
  path: string;
  /** Defender documents a 404 for /api/machines when a tenant has no recent machines: that is a success. */
  emptyMeansNotFound: boolean;
  accessToken: string;
  deadline: AbortSignal;
  callTimeoutMs: number;
}): Promise<ProbeOutcome> {
  const url = `${options.baseUrl}${options.path}?$top=1`;
  let response: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    response = await outboundRequest(url, {
      method: "GET",
      headers: { authorization: `Bearer ${options.accessToken}`, accept: "application/json" },
      signal: boundedSignal(options.deadline, options.callTimeoutMs),
      maxBodyBytes: 512 * 1024,
    });
  } catch (error) {
    if (error instanceof TransportError) return { ok: false, kind: "transport", error };
    throw error;
  }

  let json: unknown = null;
  try {
    json = JSON.parse(response.text);
  } catch {
    // not JSON: handled below as "not the Defender API"
  }
  const defenderError = defenderErrorSchema.safeParse(json);
  const detail: FailureDetail = {
    request: `GET ${options.path}?$top=1`,
    httpStatus: response.status,
    defenderCode: defenderError.success ? defenderError.data.error.code : null,
    defenderMessage: defenderError.success ? (defenderError.data.error.message ?? null) : null,
    correlationId: defenderError.success ? (defenderError.data.error.target ?? null) : null,
    contentType: response.headers["content-type"] ?? null,
  };
  const fail = (
    reason: Extract<ProbeOutcome, { kind: "http" }>["reason"],
    retryAfterSeconds: number | null = null,
  ) => ({ ok: false, kind: "http", reason, retryAfterSeconds, detail }) as const;

  if (response.status === 200) {
    const list = defenderListSchema.safeParse(json);
    return list.success ? { ok: true, items: list.data.value.length } : fail("not_defender");
  }
  if (options.emptyMeansNotFound && response.status === 404 && defenderError.success)
    return { ok: true, items: 0 };
  if (response.status === 429) return fail("rate_limited", parseRetryAfter(response.headers["retry-after"]));
  if (!defenderError.success) return fail(response.status >= 500 ? "server_error" : "not_defender");
  if (response.status === 401) return fail("unauthorized");
  if (response.status === 403) {
    return fail(defenderError.data.error.code === "DisabledFeature" ? "disabled_feature" : "forbidden");
  }
  return fail(response.status >= 500 ? "server_error" : "not_defender");
}

export function parseRetryAfter(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
