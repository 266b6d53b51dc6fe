import { z } from "zod";
import { verificationReportSchema } from "../shared/contract";
import { apiErrorSchema } from "../shared/errors";
import { CliError, EXIT, type ExitCode } from "./exit-codes";
import { renderChecklist } from "./render";

export const DEFAULT_TIMEOUT_MS = 60_000;

/** A looser reading of the error envelope, for codes this CLI does not know yet (a newer server). */
const looseErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    detail: z.unknown().optional(),
  }),
});
type Envelope = z.infer<typeof looseErrorSchema>;

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 400 || status === 413 || status === 415) return EXIT.usage;
  if (status === 401 || status === 403) return EXIT.notAuthenticated;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 422) return EXIT.verificationFailed;
  if (status === 429) return EXIT.rateLimited;
  if (status === 502 || status === 503 || status === 504) return EXIT.unreachable;
  return EXIT.unexpected;
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = Reflect.get(current, "code");
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    current = current.cause;
  }
  return undefined;
}

function deepestMessage(error: unknown): string {
  let current: unknown = error;
  let message = "network error";
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

function networkError(error: unknown, origin: string, timeoutMs: number): CliError {
  const name = error instanceof Error ? error.name : "";
  const code = causeCode(error);
  let reason: string;
  if (name === "TimeoutError") {
    reason = `no answer within ${Math.round(timeoutMs / 1000)} s`;
  } else if (code === "ECONNREFUSED") {
    reason = "connection refused (is the server running, and is the port right?)";
  } else if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    reason = "the host name does not resolve";
  } else if (code === "ECONNRESET" || code === "EPIPE") {
    reason = "the connection was reset";
  } else if (code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    reason = `its TLS certificate is not trusted (${code}); if it uses a private CA, point NODE_EXTRA_CA_CERTS at the CA file`;
  } else {
    reason = code ?? deepestMessage(error);
  }
  const message = `Cannot reach the Patchbay server at ${origin}: ${reason}.`;
  return new CliError(EXIT.unreachable, message, { error: { code: "unreachable", message } });
}

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
  userAgent: string;
  timeoutMs?: number;
}

export interface RequestOptions<T> {
  method: "GET" | "POST" | "DELETE" | "PATCH";
  path: string;
  /** The shared schema of the success body. */
  schema: z.ZodType<T>;
  body?: unknown;
}

/** The HTTP API of one Patchbay server. Every answer is parsed with the shared schemas; failures become CliErrors. */
export class ApiClient {
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get origin(): string {
    return this.options.baseUrl;
  }

  async request<T>({ method, path, schema, body }: RequestOptions<T>): Promise<T> {
    const url = new URL(path.replace(/^\//, ""), this.base);
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: `Bearer ${this.options.token}`,
      "user-agent": this.options.userAgent,
    };
    if (body !== undefined) headers["content-type"] = "application/json";

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        // Never follow a redirect: it could carry the Authorization header somewhere else.
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(error, this.origin, this.timeoutMs);
    }

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location") ?? "another address";
      const message = `The server at ${this.origin} redirected to ${location}. Set PATCHBAY_URL (or log in again) with the final address.`;
      throw new CliError(EXIT.unexpected, message, { error: { code: "redirected", message } });
    }

    let json: unknown;
    let isJson = true;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      isJson = false;
    }

    if (response.ok) {
      const parsed = isJson ? schema.safeParse(json) : undefined;
      if (parsed?.success) return parsed.data;
      const problem = parsed
        ? parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
            .join("; ")
        : "the body is not JSON";
      const message = `The answer of ${method} ${url.pathname} is not what this CLI expects (${problem}). Is ${this.origin} a Patchbay server of a matching version?`;
      throw new CliError(EXIT.unexpected, message, { error: { code: "unexpected_response", message } });
    }

    throw this.failure(response, json, isJson);
  }

  private failure(response: Response, json: unknown, isJson: boolean): CliError {
    const exitCode = exitCodeForStatus(response.status);
    const strict = isJson ? apiErrorSchema.safeParse(json) : undefined;
    const loose = isJson && !strict?.success ? looseErrorSchema.safeParse(json) : undefined;
    const envelope: Envelope | undefined = strict?.success
      ? strict.data
      : loose?.success
        ? loose.data
        : undefined;
    if (envelope === undefined) {
      const message = `The server at ${this.origin} answered HTTP ${response.status} without a Patchbay error (is PATCHBAY_URL right?).`;
      return new CliError(exitCode, message, { error: { code: "unexpected_response", message } });
    }

    const details: string[] = [];
    if (envelope.error.fields) {
      for (const [field, text] of Object.entries(envelope.error.fields)) details.push(`  ${field}: ${text}`);
    }
    const report = verificationReportSchema.safeParse(envelope.error.detail);
    if (response.status === 422 && report.success) details.push(...renderChecklist(report.data));
    if (response.status === 401) {
      details.push(
        "The API token was refused (wrong, expired or revoked). Create a new one in Patchbay under API tokens, then set PATCHBAY_TOKEN or run `patchbay login`.",
      );
    } else if (response.status === 403) {
      details.push("This needs an admin API token; a viewer token can only read.");
    } else if (response.status === 429) {
      const retry = response.headers.get("retry-after");
      if (retry !== null && /^\d+$/.test(retry)) details.push(`Try again in ${retry} s.`);
    }
    return new CliError(exitCode, envelope.error.message, envelope, details);
  }
}
