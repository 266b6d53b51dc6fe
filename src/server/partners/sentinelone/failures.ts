import type { FailureDetail, IntegrationError } from "../../../shared/contract";
import type { VerificationErrorCode } from "../../../shared/errors";
import type { SentinelOneFeature } from "../../../shared/partners/sentinelone";
import { cleanUpstreamRecord } from "../../lib/upstream-text";

/**
 * What each SentinelOne verification failure means and where in the console to fix it. SentinelOne's own words
 * (its error code, title and detail) go to `detail`, cleaned, for support. Never the token.
 */

export interface S1FailureContext {
  /** host[:port] of the console. */
  host: string;
  /** "account 123…", "site 456…", or null for the token's whole scope. */
  scope: string | null;
  timeoutSeconds: number;
}

const SERVICE_USERS = "the SentinelOne console → Settings → Users → Service Users";

export function s1Failure(
  code: Extract<
    VerificationErrorCode,
    | "invalid_secret"
    | "permission_missing"
    | "endpoint_unreachable"
    | "tls_error"
    | "wrong_endpoint"
    | "rate_limited"
    | "upstream_error"
    | "timeout"
  >,
  c: S1FailureContext,
  detail: FailureDetail,
  extra: { feature?: SentinelOneFeature; retryAfterSeconds?: number | null } = {},
): IntegrationError {
  const make = (message: string, remediation: string): IntegrationError => ({
    code,
    message,
    remediation,
    detail: cleanUpstreamRecord({ host: c.host, ...detail }),
  });
  switch (code) {
    case "invalid_secret":
      return make(
        `SentinelOne at ${c.host} refused the API token (401, code 4010010 “Authentication Failed”): the token is wrong, was revoked, or has expired.`,
        `Open ${SERVICE_USERS} → the service user → Actions → Generate API token (or create a new service user and choose an expiry), then Replace the API token in Patchbay. Check that the Console URL is the console the token was made in.`,
      );
    case "permission_missing": {
      const feature = extra.feature;
      const read = feature ? feature.read : "this data";
      const where = c.scope ? ` on ${c.scope}` : "";
      return make(
        `The API token's role or scope may not read ${read}${where} (403, code 4030010 “Insufficient permissions”).`,
        `Open ${SERVICE_USERS} → the service user and give it the Viewer role${feature ? ` (or any role with ${feature.permission})` : ""} on the Account or Site${c.scope ? ` that holds ${c.scope}` : ""} Patchbay should read. ${c.scope ? "If the token is scoped to another account or site, correct Account ID / Site ID or leave them blank. " : ""}Then re-check.`,
      );
    }
    case "endpoint_unreachable":
      return make(
        `Patchbay could not reach ${c.host}.`,
        `Check that the Patchbay server can resolve and open HTTPS (port 443) to ${c.host}: DNS, outbound firewall rules and any proxy. Check the Console URL for typos.`,
      );
    case "tls_error":
      return make(
        `The TLS certificate of ${c.host} could not be verified.`,
        "If your network inspects TLS, add its root certificate to the Patchbay server through NODE_EXTRA_CA_CERTS and restart it. Otherwise check the server's clock and the Console URL.",
      );
    case "wrong_endpoint":
      return make(
        `${c.host} answered, but not like the SentinelOne Management API (e.g. an HTML page instead of JSON at /web/api/v2.1/).`,
        "Enter your management console's address as the browser shows it while you are signed in, e.g. https://usea1-example.sentinelone.net — not a sign-in page, a proxy or another product.",
      );
    case "rate_limited": {
      const wait = extra.retryAfterSeconds;
      return make(
        `SentinelOne is throttling this API token (429${wait ? `, retry after ${wait} s` : ""}). Its limits are per token and per API path (threats 10 calls a second, agents 25).`,
        `Wait ${wait ? `${wait} seconds` : "a little"} and re-check. Other tools that use the same token share its limits; give Patchbay a service user of its own if this recurs.`,
      );
    }
    case "upstream_error":
      return make(
        `SentinelOne at ${c.host} answered with a server error (HTTP ${String(detail.httpStatus ?? "5xx")}).`,
        "This is usually temporary: re-check in a few minutes. If it persists, quote the details below to SentinelOne support.",
      );
    case "timeout":
      return make(
        `SentinelOne at ${c.host} did not answer within ${c.timeoutSeconds} seconds.`,
        "Re-check in a minute. If it keeps timing out, check the latency and proxy between the Patchbay server and the console.",
      );
  }
}

/** Transient failures: a stored connection that hits one of these is degraded, not broken. */
export const transientCodes: ReadonlySet<VerificationErrorCode> = new Set([
  "rate_limited",
  "upstream_error",
  "timeout",
  "endpoint_unreachable",
]);
