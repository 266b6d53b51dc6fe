import {
  AuthError,
  ConfidentialClientApplication,
  type INetworkModule,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from "@azure/msal-node";
import { z } from "zod";
import type { FailureDetail } from "../../../shared/contract";
import { boundedSignal, outboundRequest, TransportError } from "../../lib/outbound-http";

/**
 * Client-credentials token through msal-node: a fresh client per verification (no cache), zero discovery requests
 * (authority metadata supplied), no internal retries (the verification's deadline rules), and a network client of
 * ours so that time-outs, TLS and DNS failures and Entra's own error body survive msal's error wrapping.
 */

const entraErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  timestamp: z.string().optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
});

export type TokenOutcome =
  | { ok: true; accessToken: string }
  | { ok: false; kind: "transport"; error: TransportError }
  | { ok: false; kind: "entra"; aadsts: number | null; httpStatus: number | null; detail: FailureDetail }
  | { ok: false; kind: "malformed"; httpStatus: number | null; detail: FailureDetail };

export interface TokenRequest {
  /** https origin of the Entra authority, e.g. https://login.microsoftonline.com */
  authorityOrigin: string;
  tenantId: string;
  appId: string;
  appSecret: string;
  scope: string;
  deadline: AbortSignal;
  callTimeoutMs: number;
}

export async function acquireDefenderToken(request: TokenRequest): Promise<TokenOutcome> {
  const observed: {
    transport: TransportError | null;
    status: number | null;
    body: unknown;
    nonJson: boolean;
  } = {
    transport: null,
    status: null,
    body: null,
    nonJson: false,
  };

  async function send<T>(
    method: "GET" | "POST",
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    try {
      const response = await outboundRequest(url, {
        method,
        ...(options?.headers ? { headers: options.headers } : {}),
        ...(options?.body !== undefined ? { body: options.body } : {}),
        signal: boundedSignal(request.deadline, request.callTimeoutMs),
        maxBodyBytes: 256 * 1024,
      });
      observed.status = response.status;
      let body: unknown;
      try {
        body = JSON.parse(response.text);
      } catch {
        observed.nonJson = true;
        body = {
          error: "non_json_response",
          error_description: `HTTP ${response.status} with a non-JSON body`,
        };
      }
      observed.body = body;
      // msal's network interface is generic in T; msal validates the token response itself.
      return { status: response.status, headers: response.headers, body: body as T };
    } catch (error) {
      if (error instanceof TransportError) observed.transport = error;
      throw error;
    }
  }
  const networkClient: INetworkModule = {
    sendGetRequestAsync: (url, options) => send("GET", url, options),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };

  const authority = `${request.authorityOrigin}/${request.tenantId}`;
  const authorityHost = new URL(request.authorityOrigin).host;
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: request.appId,
      clientSecret: request.appSecret,
      authority,
      knownAuthorities: [authorityHost],
      authorityMetadata: JSON.stringify({
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        issuer: `${authority}/v2.0`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [
          { preferred_network: authorityHost, preferred_cache: authorityHost, aliases: [authorityHost] },
        ],
      }),
    },
    system: {
      networkClient,
      disableInternalRetries: true,
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  });

  try {
    const result = await client.acquireTokenByClientCredential({ scopes: [request.scope], skipCache: true });
    if (result?.accessToken) return { ok: true, accessToken: result.accessToken };
    return {
      ok: false,
      kind: "malformed",
      httpStatus: observed.status,
      detail: { reason: "no access_token in the response" },
    };
  } catch (error) {
    if (observed.transport) return { ok: false, kind: "transport", error: observed.transport };
    if (observed.nonJson) {
      return {
        ok: false,
        kind: "malformed",
        httpStatus: observed.status,
        detail: { reason: "non-JSON response", httpStatus: observed.status },
      };
    }
    const parsed = entraErrorSchema.safeParse(observed.body);
    if (parsed.success) {
      const e = parsed.data;
      const aadsts = e.error_codes?.[0] ?? aadstsFromText(e.error_description);
      return {
        ok: false,
        kind: "entra",
        aadsts,
        httpStatus: observed.status,
        detail: {
          aadsts: aadsts === null ? null : `AADSTS${aadsts}`,
          error: e.error,
          httpStatus: observed.status,
          description: e.error_description?.split(/\r?\n/)[0] ?? null,
          traceId: e.trace_id ?? null,
          correlationId: e.correlation_id ?? null,
          timestamp: e.timestamp ?? null,
        },
      };
    }
    const message =
      error instanceof AuthError ? `${error.errorCode}: ${error.errorMessage}` : "unknown error";
    const aadsts =
      error instanceof ServerError && error.errorNo ? Number(error.errorNo) : aadstsFromText(message);
    return {
      ok: false,
      kind: "entra",
      aadsts: Number.isFinite(aadsts) ? aadsts : null,
      httpStatus: observed.status,
      detail: {
        aadsts: aadsts === null ? null : `AADSTS${aadsts}`,
        httpStatus: observed.status,
        description: message,
      },
    };
  }
}

function aadstsFromText(text: string | undefined): number | null {
  const match = /AADSTS(\d+)/.exec(text ?? "");
  return match?.[1] ? Number(match[1]) : null;
}

const claimsSchema = z.object({
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  tid: z.string().optional(),
  appid: z.string().optional(),
  azp: z.string().optional(),
  roles: z.array(z.string()).optional(),
  exp: z.number().optional(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

/**
 * The claims of an access token, decoded but not verified: Patchbay is not the token's audience and only reads what
 * Entra granted. The token itself is used once and never stored or logged.
 */
export function decodeTokenClaims(accessToken: string): TokenClaims | null {
  const payload = accessToken.split(".")[1];
  if (payload === undefined) return null;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
