import type { FailureDetail, IntegrationError } from "../../../shared/contract";
import type { VerificationErrorCode } from "../../../shared/errors";
import { cleanUpstreamRecord } from "../../lib/upstream-text";

/**
 * What each verification failure means and where in Azure to fix it: the troubleshooting of the setup guides made
 * specific to this connection. Microsoft's own text, codes and ids go to `detail`, for support.
 */

export interface FailureContext {
  appId: string;
  tenantId: string;
  apiHost: string;
  authorityHost: string;
  cloudLabel: string;
  timeoutSeconds: number;
}

const appPage = (c: FailureContext, blade: string) =>
  `Microsoft Entra admin center → App registrations → the app with Application (client) ID ${c.appId} → ${blade}`;

export function failure(
  code: Exclude<
    VerificationErrorCode,
    "secret_unreadable" | "secret_expiring" | "sync_stalled" | "ip_not_allowed"
  >,
  c: FailureContext,
  detail: FailureDetail,
  extra: {
    missing?: readonly string[];
    /** Missing permissions grouped by API, for the remediation's portal path. */
    missingByApi?: readonly { api: string; portalTab: string; names: readonly string[] }[];
    retryAfterSeconds?: number | null;
    source?: "entra" | "defender";
    licence?: string;
  } = {},
): IntegrationError {
  const make = (message: string, remediation: string): IntegrationError => ({
    code,
    message,
    remediation,
    // Microsoft's own words: NUL, controls and megabytes must never reach the database or a page.
    detail: cleanUpstreamRecord(detail),
  });
  switch (code) {
    case "invalid_secret":
      return make(
        "Entra ID rejected the App Secret for this app (AADSTS7000215). It is wrong, was deleted, or is the secret's ID rather than its Value.",
        `Open ${appPage(c, "Certificates & secrets")}. Copy the Value of an active client secret (not the Secret ID), or create a new secret, and paste it into App Secret.`,
      );
    case "secret_expired":
      return make(
        "The App Secret has expired (AADSTS7000222), so Entra ID no longer issues tokens with it.",
        `Open ${appPage(c, "Certificates & secrets")} → New client secret, then choose Replace next to App Secret in Patchbay and paste its Value. Note the new expiry date.`,
      );
    case "app_not_found":
      return make(
        `Entra ID found no app with App ID ${c.appId} in tenant ${c.tenantId} (AADSTS700016).`,
        "Check App ID against “Application (client) ID” and Tenant ID against “Directory (tenant) ID” on the app registration's Overview page; both must come from the same directory. A multi-tenant app must also be consented in this tenant.",
      );
    case "tenant_not_found":
      return make(
        `Entra ID has no tenant ${c.tenantId} in the ${c.cloudLabel} cloud (${c.authorityHost}).`,
        "Copy “Directory (tenant) ID” from Microsoft Entra admin center → Overview. If your organisation is in US Government GCC High or DoD, choose that region so Patchbay signs in at login.microsoftonline.us.",
      );
    case "wrong_cloud":
      return make(
        `The tenant and the Base URL belong to different Microsoft clouds: ${c.apiHost} expects tokens from the ${c.cloudLabel} cloud.`,
        "Choose the region that matches your tenant: Commercial, US Government GCC, or GCC High / DoD. The Defender portal you sign in to (security.microsoft.com, security.microsoft.us or security.apps.mil) tells which. If the Base URL is api.security.microsoft.com and Defender refuses the token, try the classic host https://api.securitycenter.microsoft.com.",
      );
    case "defender_not_provisioned":
      return make(
        "The tenant has no Microsoft Defender for Endpoint (WindowsDefenderATP) service principal (AADSTS500011): Defender is not set up there, or the Base URL's cloud is not the tenant's.",
        "Sign in to the Microsoft Defender portal (security.microsoft.com) with this tenant and finish Defender for Endpoint onboarding under Settings → Endpoints, then test again. If the tenant is in US Government, choose that region.",
      );
    case "conditional_access":
      return make(
        "A Conditional Access policy blocked this app from getting a token (AADSTS53003).",
        "Microsoft Entra admin center → Protection → Conditional Access: find the policy that targets workload identities and exclude this app, or allow the Patchbay server's network location.",
      );
    case "consent_missing":
      return make(
        "The token carries no application permissions: admin consent has not been granted to this app.",
        `Open ${appPage(c, "API permissions")} and choose “Grant admin consent for <your organization>” (a Global Administrator or Privileged Role Administrator can). Then test again.`,
      );
    case "permission_missing": {
      const groups = extra.missingByApi ?? [
        { api: "WindowsDefenderATP", portalTab: "APIs my organization uses", names: extra.missing ?? [] },
      ];
      const names = groups.flatMap((g) => g.names).join(", ");
      const where = groups
        .filter((g) => g.names.length > 0)
        .map((g) => `${g.portalTab} → ${g.api} → Application permissions: ${g.names.join(", ")}`)
        .join("; ");
      return make(
        `The app lacks ${names === "" ? "a required permission" : names}.`,
        `Open ${appPage(c, "API permissions")} → Add a permission → ${where === "" ? "APIs my organization uses → WindowsDefenderATP → Application permissions, add the missing permission" : where}. Then choose “Grant admin consent” and re-check.`,
      );
    }
    case "not_licensed":
      return make(
        `The tenant has no ${extra.licence ?? "licence"} for this feature: Microsoft refused it although the permission is granted.`,
        `Assign a ${extra.licence ?? "suitable"} licence in the Microsoft 365 admin center → Billing → Licenses, or turn this feature off on the connection.`,
      );
    case "endpoint_unreachable":
      return make(
        `Patchbay could not reach ${String(detail.host ?? c.apiHost)}.`,
        `Check that the Patchbay server can resolve and open HTTPS (port 443) to ${String(detail.host ?? c.apiHost)}: DNS, outbound firewall rules and any proxy.`,
      );
    case "tls_error":
      return make(
        `The TLS certificate of ${String(detail.host ?? c.apiHost)} could not be verified.`,
        "If your network inspects TLS, add its root certificate to the Patchbay server through NODE_EXTRA_CA_CERTS and restart it. Otherwise check the server's clock and the Base URL.",
      );
    case "wrong_endpoint":
      return make(
        `${c.apiHost} answered, but not like the Microsoft Defender for Endpoint API.`,
        "Choose your region from the list, or enter the API host (e.g. https://api.security.microsoft.com) — not the portal, not a proxy page.",
      );
    case "rate_limited": {
      const wait = extra.retryAfterSeconds;
      if (extra.source === "entra") {
        return make(
          "Entra ID is throttling token requests for this app or tenant.",
          "Wait a few minutes and test again. If other tools request tokens for the same app in a loop, fix them: tokens are valid for an hour.",
        );
      }
      return make(
        `Microsoft is throttling this app${wait ? ` (retry after ${wait} s)` : ""}. Defender allows 100 calls a minute and 1,500 an hour per app.`,
        `Wait ${wait ? `${wait} seconds` : "a minute"} and test again. Other tools that use the same app registration share its limit; give Patchbay its own app if this recurs.`,
      );
    }
    case "upstream_error":
      return make(
        "Microsoft returned an unexpected error.",
        "This is usually temporary: re-check in a few minutes. If it persists, check Microsoft 365 admin center → Health → Service health, and quote the details below to Microsoft support.",
      );
    case "timeout":
      return make(
        `Microsoft did not answer within ${c.timeoutSeconds} seconds.`,
        "Re-check in a minute. If it keeps timing out, check the latency and proxy between the Patchbay server and Microsoft.",
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
