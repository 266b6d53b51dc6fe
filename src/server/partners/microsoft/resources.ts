import type { MicrosoftApiId } from "../../../shared/partners/defender/features";
import type { DefenderCloudId } from "../../../shared/partners/defender/schema";

/**
 * One app registration, several tokens: a client-credentials token is for one resource (its `scope` is that
 * resource's identifier + `/.default`), so each Microsoft API a feature calls needs a token of its own, in the
 * cloud of the connection. Sources: shared/reference/microsoft-defender.md §1.2–1.3, microsoft-graph.md §0, §1.6.
 */

export interface MicrosoftResource {
  api: MicrosoftApiId;
  /** Client-credentials scope: the resource's identifier URI + /.default. The token's audience. */
  scope: string;
  /** Where its API is served (Defender's is the connection's Base URL). */
  origin: string;
}

/** Operator-only seams (like PATCHBAY_ENTRA_AUTHORITY): the calls go there, the token audience stays Microsoft's. */
export interface MicrosoftSeams {
  graphOrigin?: string | undefined;
  securityApiOrigin?: string | undefined;
}

const threatProtection: Record<DefenderCloudId, string> = {
  commercial: "https://api.security.microsoft.com",
  gcc: "https://api-gcc.security.microsoft.us",
  "gcc-high": "https://api-gov.security.microsoft.us",
};

// GCC uses the worldwide Graph; GCC High uses graph.microsoft.us (DoD's dod-graph host is not offered: Patchbay's
// clouds do not tell GCC High from DoD, and reference §1.6 gives graph.microsoft.us as the L4 host).
const graph: Record<DefenderCloudId, string> = {
  commercial: "https://graph.microsoft.com",
  gcc: "https://graph.microsoft.com",
  "gcc-high": "https://graph.microsoft.us",
};

export function microsoftResources(
  cloud: DefenderCloudId,
  defender: { scope: string; baseUrl: string },
  seams: MicrosoftSeams,
): Record<MicrosoftApiId, MicrosoftResource> {
  return {
    defender: { api: "defender", scope: defender.scope, origin: defender.baseUrl },
    "threat-protection": {
      api: "threat-protection",
      scope: `${threatProtection[cloud]}/.default`,
      origin: seams.securityApiOrigin ?? threatProtection[cloud],
    },
    graph: { api: "graph", scope: `${graph[cloud]}/.default`, origin: seams.graphOrigin ?? graph[cloud] },
  };
}
