/**
 * Every outbound HTTPS call of Patchbay goes through here: a bounded time, a bounded body, and failures sorted into
 * the few kinds an admin can act on. Hand-written because fetch reports all of them as "fetch failed".
 */

export type TransportFailureKind = "timeout" | "unreachable" | "tls";

export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    /** The system error code (ENOTFOUND, CERT_HAS_EXPIRED, …) when there is one. */
    readonly systemCode: string | null,
  ) {
    super(message);
  }
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text, cut at `maxBodyBytes`. */
  text: string;
}

export interface OutboundRequest {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  maxBodyBytes?: number;
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
]);

function systemCodeOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code: unknown = Reflect.get(current, "code");
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    current = current.cause;
  }
  return null;
}

export function classifyFetchError(error: unknown, signal: AbortSignal, host: string): TransportError {
  if (
    signal.aborted ||
    (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
  ) {
    return new TransportError("timeout", `${host} did not answer in time.`, null);
  }
  const code = systemCodeOf(error);
  if (code !== null && (TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.includes("CERT"))) {
    return new TransportError("tls", `The TLS certificate of ${host} could not be verified (${code}).`, code);
  }
  const reason =
    code === "ENOTFOUND" || code === "EAI_AGAIN"
      ? "its name does not resolve (DNS)"
      : code === "ECONNREFUSED"
        ? "the connection was refused"
        : code === "ECONNRESET"
          ? "the connection was reset"
          : code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT"
            ? "the connection timed out"
            : "the connection failed";
  return new TransportError("unreachable", `Patchbay could not reach ${host}: ${reason}.`, code);
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

export async function outboundRequest(url: string, request: OutboundRequest): Promise<OutboundResponse> {
  const host = new URL(url).host;
  try {
    const init: RequestInit = { method: request.method, redirect: "manual", signal: request.signal };
    if (request.headers) init.headers = request.headers;
    if (request.body !== undefined) init.body = request.body;
    const response = await fetch(url, init);
    const text = await readLimited(response, request.maxBodyBytes ?? 1024 * 1024);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: response.status, headers, text };
  } catch (error) {
    throw classifyFetchError(error, request.signal, host);
  }
}

/** A signal that fires at the earlier of the caller's deadline and `timeoutMs` from now. */
export function boundedSignal(deadline: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([deadline, AbortSignal.timeout(timeoutMs)]);
}
