// The Entra resource apps the simulator issues tokens for, with their identifier URIs (lower case, no trailing
// slash, as `normalizeResource` leaves them). One client-credentials request names one resource
// (`scope=<identifier URI>/.default`); the token's `aud` is that URI and its `roles` are the app's consented
// application permissions on that resource only. Facts: reference/microsoft-defender.md §1.2–1.3 and
// reference/microsoft-graph.md §0, §1.6.

/** Key of a resource in a seeded app's `roles`. */
export type SimResourceKey = "defender" | "threatProtection" | "graph";

/** First-party app id of the WindowsDefenderATP resource (community-confirmed). */
export const WINDOWS_DEFENDER_ATP_APP_ID = "fc780465-2017-40d4-a0c5-307022471b92";
/** First-party app id of the Microsoft Threat Protection resource (Defender XDR API; community-confirmed). */
export const THREAT_PROTECTION_APP_ID = "8ee8fdad-f234-4243-8f3b-15c294843740";
/** First-party app id of Microsoft Graph. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

export interface SimResource {
  readonly key: SimResourceKey;
  /** As Entra shows it under "APIs my organization uses". */
  readonly displayName: string;
  readonly identifierUris: readonly string[];
  /**
   * Whether the resource's service principal exists only where Defender is provisioned: a token request for it in
   * a tenant without Defender fails with AADSTS500011. Microsoft Graph exists in every tenant.
   */
  readonly requiresDefender: boolean;
}

export const SIM_RESOURCES: Readonly<Record<SimResourceKey, SimResource>> = {
  defender: {
    key: "defender",
    displayName: "WindowsDefenderATP",
    identifierUris: [
      "https://api.securitycenter.microsoft.com",
      "https://securitycenter.onmicrosoft.com/windowsatpservice",
      "https://api-gcc.securitycenter.microsoft.us",
      "https://api-gov.securitycenter.microsoft.us",
      "https://securitycenter.onmicrosoft.us/windowsatpservice",
      // Legacy alias still used as the resource by Elastic's integration.
      "https://api.securitycenter.windows.com",
      WINDOWS_DEFENDER_ATP_APP_ID,
    ],
    requiresDefender: true,
  },
  threatProtection: {
    key: "threatProtection",
    displayName: "Microsoft Threat Protection",
    identifierUris: [
      "https://api.security.microsoft.com",
      "https://api-gcc.security.microsoft.us",
      "https://api-gov.security.microsoft.us",
      // The scope XSOAR's Microsoft 365 Defender integration requests (reference/microsoft-graph.md §0).
      "https://security.microsoft.com/mtp",
      THREAT_PROTECTION_APP_ID,
    ],
    requiresDefender: true,
  },
  graph: {
    key: "graph",
    displayName: "Microsoft Graph",
    // Commercial and GCC share graph.microsoft.com; GCC High and DoD have their own hosts (graph §1.6).
    identifierUris: [
      "https://graph.microsoft.com",
      "https://graph.microsoft.us",
      "https://dod-graph.microsoft.us",
      MICROSOFT_GRAPH_APP_ID,
    ],
    requiresDefender: false,
  },
};

/** The resource a normalized identifier URI (lower case, no trailing slash) belongs to, if any. */
export function resourceOf(identifier: string): SimResource | undefined {
  const wanted = identifier.replace(/\/+$/, "").toLowerCase();
  return Object.values(SIM_RESOURCES).find((r) => r.identifierUris.includes(wanted));
}

/** Whether a token's `aud` claim names the given resource. */
export function audienceIs(aud: string, key: SimResourceKey): boolean {
  return resourceOf(aud)?.key === key;
}
