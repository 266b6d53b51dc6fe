import type { FailureDetail, IntegrationError } from "../../../shared/contract";
import type { VerificationErrorCode } from "../../../shared/errors";
import {
  type FalconCloudChoice,
  type FalconCloudId,
  falconClouds,
} from "../../../shared/partners/crowdstrike";
import { cleanUpstreamRecord } from "../../lib/upstream-text";
import type { FalconOutcome } from "./api";

/**
 * What each Falcon failure means and where in the Falcon console to fix it (reference A3, A6): one place, so the
 * verification and the sync say the same thing. Falcon's own text and trace id go to `detail`, for support.
 */

const API_CLIENTS = "Falcon console → Support and resources → API clients and keys";

export interface FalconFailureContext {
  clientId: string;
  choice: FalconCloudChoice;
  /** The cloud the failing call went to. */
  cloud: FalconCloudId;
  timeoutSeconds: number;
}

/** Failures that pass by themselves: the connection stays degraded, not error. */
export const falconTransientCodes: ReadonlySet<VerificationErrorCode> = new Set([
  "rate_limited",
  "upstream_error",
  "timeout",
  "endpoint_unreachable",
]);

export function falconFailure(
  outcome: Exclude<FalconOutcome, { ok: true }>,
  c: FalconFailureContext,
  scope: string | null,
): IntegrationError {
  const cloud = falconClouds[c.cloud];
  const make = (
    code: VerificationErrorCode,
    message: string,
    remediation: string,
    detail: FailureDetail,
  ) => ({
    code,
    message,
    remediation,
    detail: cleanUpstreamRecord({ ...detail, cloud: cloud.label }),
  });
  if (outcome.kind === "transport") {
    const detail = {
      host: cloud.apiHost,
      systemCode: outcome.error.systemCode,
      reason: outcome.error.message,
    };
    if (outcome.error.kind === "timeout") {
      return make(
        "timeout",
        `The Falcon API (${cloud.apiHost}) did not answer within ${c.timeoutSeconds} s.`,
        "Try again. If it keeps happening, check that the Patchbay server reaches the Falcon API through your proxy or firewall.",
        detail,
      );
    }
    if (outcome.error.kind === "tls") {
      return make(
        "tls_error",
        `The secure connection to ${cloud.apiHost} failed: its certificate was not trusted.`,
        "A TLS-inspecting proxy is likely between Patchbay and Falcon: add its certificate authority to the server (NODE_EXTRA_CA_CERTS) or exempt the Falcon API host.",
        detail,
      );
    }
    return make(
      "endpoint_unreachable",
      `Patchbay could not reach the Falcon API at ${cloud.apiHost}.`,
      "Check that the Patchbay server can open HTTPS connections to that host (DNS, proxy, firewall egress rules).",
      detail,
    );
  }
  const detail = outcome.detail;
  const gov =
    c.choice === "auto"
      ? " GovCloud (US-GOV-1, US-GOV-2) does not auto-discover: if your console is there, choose it under Cloud."
      : "";
  switch (outcome.reason) {
    case "bad_credentials":
      return make(
        "invalid_secret",
        `Falcon refused the Client ID and Client Secret: they are not a pair in ${cloud.label}.`,
        `Open ${API_CLIENTS}, find the client ${c.clientId}, and choose Reset secret; paste the new secret into Client Secret.${gov}`,
        detail,
      );
    case "unknown_client":
      return make(
        "app_not_found",
        `Falcon (${cloud.label}) knows no API client with Client ID ${c.clientId}.`,
        `Check Client ID against ${API_CLIENTS}. The client may have been deleted, or it lives in another cloud.${gov}`,
        detail,
      );
    case "member_cid":
      return make(
        "tenant_not_found",
        "Falcon issued no token for this Member CID: it is not a child of the API client's parent tenant.",
        "Copy the child's CID from Flight Control in the parent's Falcon console, or leave Member CID empty to connect the parent tenant itself.",
        detail,
      );
    case "access_denied":
      if (scope === null) {
        return make(
          "ip_not_allowed",
          "Falcon refused the token request with “access denied, authorization failed”: IP-based allowlisting is on, and the Patchbay server's address is not on it.",
          `Add the address the Patchbay server calls from to the API client's IP allowlist (${API_CLIENTS} → the client → IP allowlist), then test again.`,
          detail,
        );
      }
      return make(
        "permission_missing",
        `Falcon answered “access denied, authorization failed” to a read that needs ${scope}: the API client is missing the ${scope} scope, or this address is not on the API client's IP allowlist.`,
        `Open ${API_CLIENTS} → the client ${c.clientId} → Edit, tick ${scope} and save (no new secret is needed). If the scope is ticked, add the Patchbay server's address to the client's IP allowlist.`,
        detail,
      );
    case "invalid_bearer":
      return make(
        "wrong_cloud",
        `The Falcon API in ${cloud.label} refused a token it should accept (401 invalid bearer token): a token minted in one cloud was used in another.`,
        "Set Cloud to Auto-discover, or to the cloud your Falcon console is in (its address tells: falcon.us-2.crowdstrike.com is US-2), then test again.",
        detail,
      );
    case "rate_limited":
      return make(
        "rate_limited",
        `Falcon is throttling this tenant (429)${outcome.retryAfterSeconds === null ? "" : `; it asks to wait ${outcome.retryAfterSeconds} s`}. All API clients of a CID share 6,000 calls a minute.`,
        "Wait and test again. If it persists, look for another tool calling the Falcon API heavily with this CID.",
        { ...detail, retryAfterSeconds: outcome.retryAfterSeconds },
      );
    case "not_falcon":
      return make(
        "wrong_endpoint",
        `${cloud.apiHost} answered, but not as the Falcon API does (HTTP ${outcome.status}, no Falcon JSON).`,
        "A proxy or captive portal may be answering instead of Falcon. Check the server's outbound proxy settings.",
        detail,
      );
    case "search_expired":
    case "server_error":
      return make(
        "upstream_error",
        `The Falcon API answered with an error (HTTP ${outcome.status}).`,
        "Try again in a few minutes; if it persists, check CrowdStrike's status page and give CrowdStrike support the trace id below.",
        detail,
      );
  }
}
