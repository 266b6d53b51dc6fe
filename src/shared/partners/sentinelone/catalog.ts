import type { PartnerCatalogEntry } from "../../catalog";
import {
  SENTINELONE_API,
  SENTINELONE_DEFAULT_FEATURES,
  sentinelOneFeatures,
  sentinelOnePermissionsFor,
  viewingRoles,
} from "./features";
import { SENTINELONE_EXAMPLE, sentinelOneOperatorHosts } from "./schema";

const plain = {
  placeholder: null,
  options: [],
  optionsLabel: null,
  optionsHelp: null,
};

/**
 * SentinelOne's catalog entry. `extraHosts` are the operator's `PATCHBAY_EXTRA_SENTINELONE_HOSTS`: listed as the
 * Console URL's options (`operatorConfigured`), so the browser and the CLI validate exactly as the server does.
 */
export function sentinelOneCatalogEntry(extraHosts: readonly string[] = []): PartnerCatalogEntry {
  return {
    id: "sentinelone",
    name: "SentinelOne",
    vendor: "SentinelOne",
    category: "EDR",
    description:
      "Endpoint protection, detection and response. Patchbay reads threats and agents through the SentinelOne Management API with a service user's API token.",
    fields: [
      {
        name: "consoleUrl",
        label: "Console URL",
        kind: "url",
        help: "Your management console's address from the browser's address bar, e.g. https://usea1-example.sentinelone.net. Patchbay removes any path after the host and adds /web/api/v2.1/ itself.",
        optional: false,
        placeholder: SENTINELONE_EXAMPLE,
        options: sentinelOneOperatorHosts(extraHosts).map((host) => ({
          value: `https://${host.host}`,
          label: host.label,
          cloud: null,
          operatorConfigured: true,
        })),
        optionsLabel: "Console",
        optionsHelp: "Consoles the operator of this Patchbay added; or type your console's address.",
        cli: "--api",
      },
      {
        name: "apiToken",
        label: "API token",
        kind: "secret",
        help: "The service user's API token, shown once when you create it. Stored encrypted; never shown again.",
        optional: false,
        ...plain,
        cli: "--secret",
      },
      {
        name: "accountId",
        label: "Account ID",
        kind: "text",
        help: "Optional: read only this account (its numeric ID, Settings → Accounts). Leave blank to read everything the token's scope allows. Patchbay keeps one connection per console and scope, so give one to connect several accounts of the same console.",
        optional: true,
        ...plain,
        cli: "(no flag: set it in the web form or the API)",
      },
      {
        name: "siteId",
        label: "Site ID",
        kind: "text",
        help: "Optional: read only this site (its numeric ID, Settings → Sites). Give Account ID or Site ID, not both.",
        optional: true,
        ...plain,
        cli: "(no flag: set it in the web form or the API)",
      },
    ],
    clouds: [],
    identity: { field: "consoleUrl", label: "Console" },
    connectIntro:
      "Paste your management console's address and the API token of a SentinelOne service user with the Viewer role. The setup guide beside the form shows where to find each one.",
    verifiesWith: "SentinelOne",
    expiryReadFrom: "SentinelOne",
    expiryNote:
      "Patchbay reads the token's expiry from SentinelOne (users/api-token-details) at every check; if SentinelOne does not say, you can type it below.",
    revokeSecretNote:
      "The API token itself still works in SentinelOne: revoke it there under Settings → Users → Service Users → the user → Actions → Revoke API token (or delete the service user).",
    checkSummary:
      "The last check called the SentinelOne Management API with the token, read the token's expiry, and read one record of every enabled feature.",
    grantLink: null,
    apis: [{ ...SENTINELONE_API }],
    features: sentinelOneFeatures.map((f) => ({
      id: f.id,
      label: f.label,
      api: SENTINELONE_API.id,
      permissions: [{ name: f.permission, satisfiedBy: [...viewingRoles] }],
      purpose: f.purpose,
      probe: `GET /web/api/v2.1/${f.probe}`,
      probeOnRequest: false,
      licence: null,
    })),
    defaultFeatures: [...SENTINELONE_DEFAULT_FEATURES],
    requiredPermissions: sentinelOnePermissionsFor(SENTINELONE_DEFAULT_FEATURES),
    permissionGuide: sentinelOneFeatures.map((f) => ({
      name: f.permission,
      api: SENTINELONE_API.portalName,
      kind: "application" as const,
      feature: f.id,
      note: `Needed by ${f.label}: ${f.purpose} Every role from Viewer up holds it; Viewer (read-only) is enough.`,
    })),
    setupSteps: [
      "Sign in to your SentinelOne management console and copy its address from the browser's address bar (https://<prefix>.sentinelone.net) into Console URL.",
      "Open Settings → Users → Service Users → New Service User. Name it (e.g. “Patchbay”) and choose an expiry date for its token.",
      "Choose its scope, Account or Site, and give it the Viewer role: read-only is all Patchbay needs.",
      "Create it and copy the API token right away into API token: SentinelOne shows it only once.",
      "Optionally, limit Patchbay to one account or site by typing its Account ID or Site ID.",
    ],
    docs: [],
  };
}
