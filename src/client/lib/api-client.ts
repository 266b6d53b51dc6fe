import type { z } from "zod";
import { CSRF_HEADER } from "../../shared/auth";
import { type ApiErrorCode, apiErrorSchema } from "../../shared/errors";

/** Codes for failures that never reached a parsed server answer. */
export type ClientErrorCode = "network_error" | "invalid_response";

const SERVER_UNREACHABLE_MESSAGE =
  "Patchbay's server could not be reached. Check that it is running and that your network is up, then try again.";

const INVALID_RESPONSE_MESSAGE =
  "Patchbay's server sent an answer this page does not understand. Reload the page; if it keeps happening, the web app and the server may be different versions.";

interface ApiRequestErrorInit {
  status: number;
  code: ApiErrorCode | ClientErrorCode;
  message: string;
  fields?: Record<string, string> | undefined;
  detail?: unknown;
}

/** A failed `/api` call: the server's error envelope, or a network / protocol failure in the same shape. */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  readonly status: number;
  readonly code: ApiErrorCode | ClientErrorCode;
  readonly fields: Record<string, string> | undefined;
  readonly detail: unknown;

  constructor(init: ApiRequestErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields;
    this.detail = init.detail;
  }
}

/** Turn a non-2xx response body into an `ApiRequestError`, whether or not it is Patchbay's error envelope. */
export function toApiRequestError(status: number, body: unknown): ApiRequestError {
  const envelope = apiErrorSchema.safeParse(body);
  if (envelope.success) {
    const { code, message, fields, detail } = envelope.data.error;
    return new ApiRequestError({ status, code, message, fields, detail });
  }
  const message =
    status >= 500
      ? `Patchbay's server failed (HTTP ${status}). Try again in a moment; if it keeps failing, check the server's log.`
      : `Patchbay's server refused the request (HTTP ${status}). Reload the page and try again.`;
  return new ApiRequestError({ status, code: status >= 500 ? "internal_error" : "bad_request", message });
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

interface RequestOptions {
  method?: Method;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /**
   * Whether a 401 sends the user to the sign-in page (the default: the session is gone). Off for the calls that
   * find out whether there is a session at all, and for signing in itself.
   */
  redirectOnUnauthorized?: boolean;
}

interface ApiClientConfig {
  /** The anti-CSRF token of the current session, kept in memory only (the session query's data). */
  csrfToken: () => string | undefined;
  /** Called once per 401 answer: the session expired or was revoked. */
  onUnauthorized: () => void;
}

let config: ApiClientConfig = { csrfToken: () => undefined, onUnauthorized: () => {} };

/** Wire the client to the app: where the CSRF token lives and what a lost session does. */
export function configureApiClient(next: ApiClientConfig): void {
  config = next;
}

/** Headers of one API request: JSON, plus the anti-CSRF token on every request that changes something. */
export function requestHeaders(method: Method, hasBody: boolean, csrfToken: string | undefined) {
  const headers: Record<string, string> = { accept: "application/json" };
  if (hasBody) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken !== undefined) headers[CSRF_HEADER] = csrfToken;
  return headers;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Call Patchbay's JSON API and parse the success body with `schema`; every failure becomes an `ApiRequestError`. */
export async function apiRequest<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  { method = "GET", body, signal, redirectOnUnauthorized = true }: RequestOptions = {},
): Promise<z.output<Schema>> {
  const headers = requestHeaders(method, body !== undefined, config.csrfToken());

  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiRequestError({ status: 0, code: "network_error", message: SERVER_UNREACHABLE_MESSAGE });
  }

  const payload = await readJson(response);
  if (!response.ok) {
    if (response.status === 401 && redirectOnUnauthorized) config.onUnauthorized();
    throw toApiRequestError(response.status, payload);
  }

  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new ApiRequestError({
      status: response.status,
      code: "invalid_response",
      message: INVALID_RESPONSE_MESSAGE,
    });
  }
  return parsed.data;
}

/** The message to show for any error a query or mutation produced. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) return error.message;
  return "Something unexpected went wrong in this page. Reload it and try again.";
}
