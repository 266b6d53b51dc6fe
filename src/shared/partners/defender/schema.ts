import { z } from "zod";
import {
  type FieldWarning,
  integrationNameSchema,
  isGuid,
  nameWarnings,
  secretExpiresAtSchema,
  storedConfigBaseSchema,
} from "../common";
import { DEFAULT_FEATURES, defenderFeatureIdSchema, defenderFeatureIds } from "./features";

export {
  type FieldWarning,
  integrationNameSchema,
  isGuid,
  looksLikeEntraSecretValue,
  looksLikeRandomToken,
  MAX_NAME_LENGTH,
  secretExpiresAtSchema,
} from "../common";

/**
 * Microsoft Defender for Endpoint: the facts Patchbay needs to validate what an admin pastes and to reach the
 * right cloud. Sources: shared/reference/microsoft-defender.md §1 (hosts, authorities, scopes) and §2.4
 * (permissions). Everything here is isomorphic: the browser validates with the same rules as the server.
 */

export const defenderCloudIds = ["commercial", "gcc", "gcc-high"] as const;
export const defenderCloudIdSchema = z.enum(defenderCloudIds);
export type DefenderCloudId = z.infer<typeof defenderCloudIdSchema>;

export interface DefenderCloud {
  id: DefenderCloudId;
  label: string;
  /** Host of the Entra ID authority that issues tokens for this cloud. */
  authorityHost: string;
  /** OAuth 2.0 client-credentials scope of the WindowsDefenderATP resource in this cloud. */
  scope: string;
  /** Where an admin manages app registrations in this cloud. */
  entraPortal: string;
}

export const defenderClouds: Record<DefenderCloudId, DefenderCloud> = {
  commercial: {
    id: "commercial",
    label: "Commercial",
    authorityHost: "login.microsoftonline.com",
    scope: "https://api.securitycenter.microsoft.com/.default",
    entraPortal: "https://entra.microsoft.com",
  },
  gcc: {
    id: "gcc",
    label: "US Government GCC",
    authorityHost: "login.microsoftonline.com",
    scope: "https://api-gcc.securitycenter.microsoft.us/.default",
    entraPortal: "https://entra.microsoft.com",
  },
  "gcc-high": {
    id: "gcc-high",
    label: "US Government GCC High / DoD",
    authorityHost: "login.microsoftonline.us",
    scope: "https://api-gov.securitycenter.microsoft.us/.default",
    entraPortal: "https://entra.microsoft.us",
  },
};

export interface DefenderRegion {
  /** The API host (optionally host:port for operator-configured endpoints). */
  host: string;
  label: string;
  cloud: DefenderCloudId;
  /** An endpoint the operator of this Patchbay added through configuration (not a Microsoft host). */
  operatorConfigured?: boolean;
}

/** Every documented Defender for Endpoint API host (reference §1.1, §1.2). The first is the recommended default. */
export const defenderRegions: readonly DefenderRegion[] = [
  { host: "api.security.microsoft.com", label: "Commercial · Global (recommended)", cloud: "commercial" },
  { host: "us.api.security.microsoft.com", label: "Commercial · United States", cloud: "commercial" },
  { host: "eu.api.security.microsoft.com", label: "Commercial · Europe", cloud: "commercial" },
  { host: "uk.api.security.microsoft.com", label: "Commercial · United Kingdom", cloud: "commercial" },
  { host: "au.api.security.microsoft.com", label: "Commercial · Australia", cloud: "commercial" },
  { host: "swa.api.security.microsoft.com", label: "Commercial · Switzerland", cloud: "commercial" },
  { host: "ina.api.security.microsoft.com", label: "Commercial · India", cloud: "commercial" },
  { host: "aea.api.security.microsoft.com", label: "Commercial · Asia Pacific East", cloud: "commercial" },
  {
    host: "api.securitycenter.microsoft.com",
    label: "Commercial · Global (classic host)",
    cloud: "commercial",
  },
  {
    host: "api-us.securitycenter.microsoft.com",
    label: "Commercial · United States (classic)",
    cloud: "commercial",
  },
  {
    host: "api-eu.securitycenter.microsoft.com",
    label: "Commercial · Europe (classic)",
    cloud: "commercial",
  },
  {
    host: "api-uk.securitycenter.microsoft.com",
    label: "Commercial · United Kingdom (classic)",
    cloud: "commercial",
  },
  {
    host: "api-au.securitycenter.microsoft.com",
    label: "Commercial · Australia (classic)",
    cloud: "commercial",
  },
  {
    host: "api.securitycenter.windows.com",
    label: "Commercial · Global (legacy alias)",
    cloud: "commercial",
  },
  { host: "api-gcc.securitycenter.microsoft.us", label: "US Government · GCC", cloud: "gcc" },
  { host: "api-gcc.security.microsoft.us", label: "US Government · GCC (Defender XDR host)", cloud: "gcc" },
  { host: "api-gov.securitycenter.microsoft.us", label: "US Government · GCC High / DoD", cloud: "gcc-high" },
  {
    host: "api-gov.security.microsoft.us",
    label: "US Government · GCC High / DoD (Defender XDR host)",
    cloud: "gcc-high",
  },
];

export const DEFAULT_DEFENDER_HOST = "api.security.microsoft.com";

/**
 * `api-<region>.securitycenter.microsoft.com` (api-us2, api-us3, api-eu3…): regional front ends of the commercial
 * API. Microsoft's host list does not name them, but they serve the API (they are the `@odata.context` host of real
 * responses) and the seed guides tell admins to paste them (reference §1.1), so they are accepted; a hint suggests
 * the documented host instead.
 */
const REGIONAL_FRONT_END = /^api-([a-z]{2,4}\d{0,2})\.securitycenter\.microsoft\.com$/;

function regionalFrontEnd(host: string): DefenderRegion | undefined {
  const region = REGIONAL_FRONT_END.exec(host)?.[1];
  return region === undefined
    ? undefined
    : { host, label: `Commercial · regional front end (api-${region})`, cloud: "commercial" };
}

export function isRegionalFrontEnd(host: string): boolean {
  return REGIONAL_FRONT_END.test(host) && !defenderRegions.some((r) => r.host === host);
}

/** Hosts people paste by mistake, with what to use instead. */
const mistakenHosts: ReadonlyArray<{ pattern: RegExp; message: (host: string) => string }> = [
  {
    pattern: /^(security\.microsoft\.(com|us)|securitycenter\.(windows|microsoft)\.com|security\.apps\.mil)$/,
    message: (host) =>
      `${host} is the Defender portal, not its API. Use the API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
  },
  {
    pattern: /^(login\.(microsoftonline\.(com|us)|windows\.net|microsoft\.com)|sts\.windows\.net)$/,
    message: (host) =>
      `${host} is the Entra ID sign-in host; Patchbay derives it from the Base URL. Enter the Defender API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
  },
  {
    pattern: /^graph\.microsoft\.(com|us)$/,
    message: () =>
      `Microsoft Graph is a different API. Enter the Defender for Endpoint API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Field validation. Messages never echo the value: an admin may have pasted a secret into the wrong field.

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAX_URL_LENGTH = 2048;
export const MAX_SECRET_LENGTH = 1024;

export type BaseUrlResult =
  | { ok: true; baseUrl: string; region: DefenderRegion }
  | { ok: false; message: string };

/** Normalise `host:port` entries of the operator's extra-host list (lower case, no trailing dot). */
export function normaliseExtraHosts(hosts: readonly string[]): string[] {
  return hosts.map((h) => h.trim().toLowerCase().replace(/\.$/, "")).filter((h) => h.length > 0);
}

export function operatorRegions(extraHosts: readonly string[]): DefenderRegion[] {
  return normaliseExtraHosts(extraHosts).map((host) => ({
    host,
    label: `Operator-configured endpoint · ${host}`,
    cloud: "commercial",
    operatorConfigured: true,
  }));
}

/**
 * Parse what an admin typed into Base URL. Accepts `https://` + a known Defender API host with nothing after it
 * but an optional `/`; returns the canonical `https://host` (Patchbay appends `/api/...` itself).
 */
export function parseDefenderBaseUrl(raw: string, extraHosts: readonly string[] = []): BaseUrlResult {
  const fail = (message: string): BaseUrlResult => ({ ok: false, message });
  const value = raw.trim();
  const example = `https://${DEFAULT_DEFENDER_HOST}`;
  if (value === "") return fail(`Base URL is required. Pick your region, or enter e.g. ${example}.`);
  if (value.length > MAX_URL_LENGTH) return fail(`Base URL is too long (over ${MAX_URL_LENGTH} characters).`);
  if (/\s/.test(value)) return fail("Base URL must not contain spaces or line breaks.");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined || !value.includes("://")) {
    return fail(`Base URL must start with https:// — e.g. ${example}.`);
  }
  if (scheme === "http")
    return fail("Base URL must use https://, not http:// — Defender serves its API only over TLS.");
  if (scheme !== "https") return fail(`Base URL must start with https:// — e.g. ${example}.`);

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`Base URL is not a valid URL. Enter it as ${example}.`);
  }
  if (url.username !== "" || url.password !== "" || /^https:\/\/[^/?#]*@/i.test(value)) {
    return fail(
      "Base URL must not contain a user name or password; credentials go in App ID and App Secret.",
    );
  }
  if (value.includes("?")) return fail("Base URL must not contain a query string (anything after ?).");
  if (value.includes("#")) return fail("Base URL must not contain a fragment (anything after #).");

  const host = url.hostname.replace(/\.$/, "");
  const hostPort = url.port === "" ? host : `${host}:${url.port}`;
  const region: DefenderRegion | undefined =
    operatorRegions(extraHosts).find((r) => r.host === hostPort) ??
    (url.port === "" ? (defenderRegions.find((r) => r.host === host) ?? regionalFrontEnd(host)) : undefined);

  const path = url.pathname.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  if (/^\/api(\/v1\.0)?$/i.test(path)) {
    const suggestion = region ? `https://${region.host}` : example;
    return fail(`Leave /api off the Base URL — Patchbay adds /api itself. Use ${suggestion}.`);
  }
  if (path !== "") return fail("Base URL must be just the host, with no path. Patchbay adds /api itself.");

  if (region) return { ok: true, baseUrl: `https://${region.host}`, region };

  if (url.port !== "") {
    return fail("Base URL must not include a port — Defender's API is served on the standard HTTPS port.");
  }
  if (IPV4.test(host) || host.startsWith("[")) {
    return fail("Base URL must use the Defender API host name, not an IP address.");
  }
  const mistake = mistakenHosts.find((m) => m.pattern.test(host));
  if (mistake) return fail(mistake.message(host));
  return fail(
    `That host is not a Microsoft Defender for Endpoint API host. Pick your region from the list, or use ${example}.`,
  );
}

function guidField(label: string, whereToFind: string) {
  return z.string({ error: `${label} is required. ${whereToFind}` }).transform((raw, ctx) => {
    const value = raw.trim();
    if (value === "") {
      ctx.addIssue({ code: "custom", message: `${label} is required. ${whereToFind}` });
      return z.NEVER;
    }
    if (!isGuid(value)) {
      const looksLikeDomain = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value);
      ctx.addIssue({
        code: "custom",
        message: looksLikeDomain
          ? `${label} must be the GUID, not a domain name. ${whereToFind}`
          : `${label} must be a GUID like 00000000-0000-0000-0000-000000000000. ${whereToFind}`,
      });
      return z.NEVER;
    }
    return value.toLowerCase();
  });
}

export const tenantIdSchema = guidField(
  "Tenant ID",
  "Copy “Directory (tenant) ID” from the app registration's Overview page in Microsoft Entra admin center.",
);

export const appIdSchema = guidField(
  "App ID",
  "Copy “Application (client) ID” from the app registration's Overview page in Microsoft Entra admin center.",
);

const secretWhere = "Paste the secret's Value from Certificates & secrets in the app registration.";

export const appSecretSchema = z
  .string({ error: `App Secret is required. ${secretWhere}` })
  .transform((raw, ctx) => {
    // Entra secret values never contain white space; trimming only removes what a copy-paste dragged along.
    const value = raw.trim();
    if (value === "") {
      ctx.addIssue({ code: "custom", message: `App Secret is required. ${secretWhere}` });
      return z.NEVER;
    }
    if (value.length > MAX_SECRET_LENGTH) {
      ctx.addIssue({
        code: "custom",
        message: `App Secret is longer than ${MAX_SECRET_LENGTH} characters; an Entra secret value is about 40. Check what was pasted.`,
      });
      return z.NEVER;
    }
    if (/\s/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message:
          "App Secret contains spaces or line breaks; an Entra secret value has none. Paste the Value again.",
      });
      return z.NEVER;
    }
    if (isGuid(value)) {
      ctx.addIssue({
        code: "custom",
        message:
          "This looks like the secret's ID, not its Value. In Certificates & secrets copy the Value column (shown only right after you create the secret); if it is hidden, create a new secret.",
      });
      return z.NEVER;
    }
    return value;
  });

export function baseUrlSchema(extraHosts: readonly string[] = []) {
  return z.string({ error: "Base URL is required." }).transform((raw, ctx) => {
    const result = parseDefenderBaseUrl(raw, extraHosts);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.baseUrl;
  });
}

/** The features to enable: at least one, each once (order kept). Omitted on connect: alerts and devices. */
export const featuresSchema = z
  .array(defenderFeatureIdSchema, {
    error: 'features must be a list of feature ids, e.g. ["alerts", "devices"].',
  })
  .min(1, "Choose at least one feature.")
  .max(defenderFeatureIds.length)
  .transform((ids) => [...new Set(ids)]);

/** The Connect form and `POST /api/integrations[/test]` body for Defender. One schema, browser and server. */
export function defenderConnectSchema(extraHosts: readonly string[] = []) {
  return z.object({
    partner: z.literal("defender", { error: "partner must be “defender”." }),
    name: integrationNameSchema.optional(),
    baseUrl: baseUrlSchema(extraHosts),
    tenantId: tenantIdSchema,
    appId: appIdSchema,
    appSecret: appSecretSchema,
    features: featuresSchema.optional(),
    /** Also probe the features whose probe spends a quota the tenant needs (advanced hunting). */
    probeAll: z.boolean().optional(),
  });
}
export type DefenderConnectInput = z.input<ReturnType<typeof defenderConnectSchema>>;
export type DefenderConnect = z.output<ReturnType<typeof defenderConnectSchema>>;

/** `PATCH /api/integrations/:id`: every field optional; an omitted App Secret keeps the stored one. */
export function defenderUpdateSchema(extraHosts: readonly string[] = []) {
  return z
    .object({
      name: integrationNameSchema.optional(),
      baseUrl: baseUrlSchema(extraHosts).optional(),
      tenantId: tenantIdSchema.optional(),
      appId: appIdSchema.optional(),
      appSecret: appSecretSchema.optional(),
      features: featuresSchema.optional(),
      secretExpiresAt: secretExpiresAtSchema.nullable().optional(),
    })
    .refine((v) => Object.values(v).some((x) => x !== undefined), {
      message:
        "Nothing to change: send at least one of name, baseUrl, tenantId, appId, appSecret, features or secretExpiresAt.",
    });
}
export type DefenderUpdateInput = z.input<ReturnType<typeof defenderUpdateSchema>>;
export type DefenderUpdate = z.output<ReturnType<typeof defenderUpdateSchema>>;

/** Input that is valid but probably wrong. Shown next to the field; never blocks. Messages never echo the value. */
export function defenderInputWarnings(input: {
  tenantId?: unknown;
  appId?: unknown;
  name?: unknown;
  baseUrl?: unknown;
}): FieldWarning[] {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const tenantId = text(input.tenantId);
  const appId = text(input.appId);
  const warnings: FieldWarning[] = [];
  const baseUrl = text(input.baseUrl);
  const parsed = baseUrl === undefined ? null : parseDefenderBaseUrl(baseUrl);
  if (parsed?.ok && isRegionalFrontEnd(parsed.region.host)) {
    warnings.push({
      field: "baseUrl",
      message: `${parsed.region.host} works, but it is a regional front end Microsoft does not list. Microsoft documents https://${DEFAULT_DEFENDER_HOST} (or your region's host from the list); prefer it if you can.`,
    });
  }
  const tenant = tenantId?.trim().toLowerCase();
  const app = appId?.trim().toLowerCase();
  if (tenant && app && tenant === app && isGuid(tenant)) {
    warnings.push({
      field: "appId",
      message:
        "App ID is the same as Tenant ID. On the Overview page, App ID is “Application (client) ID”; Tenant ID is “Directory (tenant) ID”.",
    });
  }
  warnings.push(...nameWarnings(text(input.name)));
  return warnings;
}

export function cloudOfHost(host: string, extraHosts: readonly string[] = []): DefenderCloud | undefined {
  const region =
    operatorRegions(extraHosts).find((r) => r.host === host) ??
    defenderRegions.find((r) => r.host === host) ??
    regionalFrontEnd(host);
  return region ? defenderClouds[region.cloud] : undefined;
}

/**
 * A Defender connection's stored config (jsonb). Rows written before features existed hold none: they get the
 * features of those days, alerts and devices.
 */
export const defenderConfigSchema = storedConfigBaseSchema.extend({
  baseUrl: z.string(),
  tenantId: z.string(),
  appId: z.string(),
  cloud: defenderCloudIdSchema,
  features: z.array(z.string()).default([...DEFAULT_FEATURES]),
});
export type DefenderConfig = z.output<typeof defenderConfigSchema>;
