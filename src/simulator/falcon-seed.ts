import { createHash } from "node:crypto";
import type { FalconCloudId } from "../shared/partners/crowdstrike";

/**
 * The simulated Falcon API clients (src/simulator/falcon-api.ts): one per behaviour the reference records
 * (edr-partners.md A2–A5). IDs and secrets are derived from a label, so tests, e2e and the demo agree without a
 * shared file. Secrets are 40 characters like Falcon's.
 */

const hex = (label: string, length: number) =>
  createHash("sha256").update(`patchbay-falcon:${label}`).digest("hex").slice(0, length);

export interface FalconSimClient {
  clientId: string;
  clientSecret: string;
  /** The cloud the client lives in. */
  cloud: FalconCloudId;
  /** The customer (tenant) id. */
  cid: string;
  scopes: ReadonlyArray<"alerts:read" | "hosts:read">;
  /** IP allowlisting on, and the caller not on it: every call is “access denied, authorization failed”. */
  ipBlocked?: boolean;
  /** The alerts read answers 200 with the scope error inside `errors` (as a peer's mock claims Falcon may). */
  errorInBody?: boolean;
  /** US-1 answers this client's token request with a 308 to its cloud (otherwise with X-CS-Region). */
  redirectFromUs1?: boolean;
  /** Child CIDs an MSSP parent may name as member_cid. */
  children?: readonly string[];
  /** Reads answer 500 (Falcon having a bad day) or an HTML page (a proxy answering for it). */
  readsFail?: "server_error" | "html";
  /** Calls a minute (Falcon: 6,000 per CID). */
  perMinute?: number;
  data: { alerts: number; hosts: number };
}

function client(
  label: string,
  spec: Omit<FalconSimClient, "clientId" | "clientSecret" | "cid">,
): FalconSimClient {
  return {
    clientId: hex(`${label}:id`, 32),
    clientSecret: hex(`${label}:secret`, 40),
    cid: hex(`${label}:cid`, 32),
    ...spec,
  };
}

const READ_ALL = ["alerts:read", "hosts:read"] as const;

export const FALCON_SEED = {
  /** US-1, both scopes, data to page through. */
  good: client("good", { cloud: "us-1", scopes: READ_ALL, data: { alerts: 140, hosts: 36 } }),
  /** Lives in US-2; US-1 redirects its token request there (308). */
  us2: client("us2", {
    cloud: "us-2",
    scopes: READ_ALL,
    redirectFromUs1: true,
    data: { alerts: 12, hosts: 5 },
  }),
  /** Lives in EU-1; US-1 issues its token with X-CS-Region: eu-1 (a token that works only in EU-1). */
  eu1: client("eu1", { cloud: "eu-1", scopes: READ_ALL, data: { alerts: 8, hosts: 4 } }),
  /** GovCloud: unknown to US-1, so auto-discovery fails; works with Cloud = US-GOV-1. */
  gov: client("gov", { cloud: "us-gov-1", scopes: READ_ALL, data: { alerts: 3, hosts: 2 } }),
  /** Hosts: Read only. */
  noAlerts: client("no-alerts", { cloud: "us-1", scopes: ["hosts:read"], data: { alerts: 5, hosts: 3 } }),
  /** IP allowlisting blocks this server. */
  ipBlocked: client("ip-blocked", {
    cloud: "us-1",
    scopes: READ_ALL,
    ipBlocked: true,
    data: { alerts: 0, hosts: 0 },
  }),
  /** Alerts answer 200 with an error inside. */
  errorInBody: client("error-in-body", {
    cloud: "us-1",
    scopes: READ_ALL,
    errorInBody: true,
    data: { alerts: 2, hosts: 2 },
  }),
  /** An MSSP parent with one child. */
  mssp: client("mssp", {
    cloud: "us-1",
    scopes: READ_ALL,
    children: [hex("mssp-child:cid", 32)],
    data: { alerts: 4, hosts: 2 },
  }),
  /** Two calls a minute: the third is a 429 with X-RateLimit-RetryAfter. */
  throttled: client("throttled", {
    cloud: "us-1",
    scopes: READ_ALL,
    perMinute: 2,
    data: { alerts: 2, hosts: 2 },
  }),
  /** Reads answer 500. */
  broken: client("broken", {
    cloud: "us-1",
    scopes: READ_ALL,
    readsFail: "server_error",
    data: { alerts: 1, hosts: 1 },
  }),
  /** Reads answer a proxy's HTML page with 200. */
  proxied: client("proxied", {
    cloud: "us-1",
    scopes: READ_ALL,
    readsFail: "html",
    data: { alerts: 1, hosts: 1 },
  }),
  /** The demo's tenant: enough to fill the pages and charts. */
  demo: client("demo", {
    cloud: "us-2",
    scopes: READ_ALL,
    redirectFromUs1: true,
    data: { alerts: 600, hosts: 120 },
  }),
  /** A well-formed Client ID Falcon has never issued. */
  unknownClientId: hex("unknown:id", 32),
} as const;

export const FALCON_MSSP_CHILD_CID = hex("mssp-child:cid", 32);

export function falconClients(): FalconSimClient[] {
  return Object.values(FALCON_SEED).filter((v): v is FalconSimClient => typeof v === "object");
}
