import { z } from "zod";
import {
  type FieldWarning,
  integrationNameSchema,
  nameWarnings,
  secretExpiresAtSchema,
  storedConfigBaseSchema,
} from "../common";
import { SENTINELONE_DEFAULT_FEATURES, sentinelOneFeatureIdSchema, sentinelOneFeatureIds } from "./features";

/**
 * SentinelOne: what an admin pastes and how Patchbay reads it (shared/reference/edr-partners.md B1–B3). Isomorphic:
 * the browser, the CLI and the server validate with these same rules. Messages never echo a value: a token pasted
 * into the wrong field stays secret.
 *
 * Console URL: the management console's address as the browser shows it, `https://<prefix>.sentinelone.net`.
 * A missing scheme is added (https); http and other schemes are refused; a path, query or fragment (a page of the
 * console, or a pasted `/web/api/v2.1/...`) is removed, and `sentinelOneInputWarnings` says so; the host must end in
 * `.sentinelone.net`, except the operator's `PATCHBAY_EXTRA_SENTINELONE_HOSTS` (host or host:port: on-premises or
 * FedRAMP consoles, the simulator); `console.sentinelone.net` is refused (it is not a tenant's console).
 */

export const SENTINELONE_DOMAIN = "sentinelone.net";
export const SENTINELONE_EXAMPLE = "https://usea1-example.sentinelone.net";
export const SENTINELONE_API_PREFIX = "/web/api/v2.1/";
const MAX_URL_LENGTH = 2048;
/** Service-user tokens are JWTs of several hundred characters; console-user tokens 80. No tighter rule holds. */
export const MAX_TOKEN_LENGTH = 8192;

export interface SentinelOneHost {
  /** host, or host:port for an operator-configured console. */
  host: string;
  label: string;
  operatorConfigured: boolean;
}

/** The operator's extra consoles (`PATCHBAY_EXTRA_SENTINELONE_HOSTS`), normalised: lower case, no trailing dot. */
export function sentinelOneOperatorHosts(extraHosts: readonly string[] = []): SentinelOneHost[] {
  return extraHosts
    .map((h) => h.trim().toLowerCase().replace(/\.$/, ""))
    .filter((h) => h.length > 0)
    .map((host) => ({ host, label: `Operator-configured console · ${host}`, operatorConfigured: true }));
}

export type ConsoleUrlResult =
  | {
      ok: true;
      /** `https://host[:port]`, nothing after it: Patchbay adds /web/api/v2.1/ itself. */
      consoleUrl: string;
      host: string;
      /** What was removed after the host: "api" for a pasted API path, "path" for anything else, null for nothing. */
      removed: "api" | "path" | null;
    }
  | { ok: false; message: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const HOST_LABELS = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Parse what an admin typed into Console URL (see the module comment for the rules). */
export function parseSentinelOneConsoleUrl(
  raw: string,
  extraHosts: readonly string[] = [],
): ConsoleUrlResult {
  const fail = (message: string): ConsoleUrlResult => ({ ok: false, message });
  let value = raw.trim();
  if (value === "") {
    return fail(
      `Console URL is required: copy your SentinelOne management console's address from the browser, e.g. ${SENTINELONE_EXAMPLE}.`,
    );
  }
  if (value.length > MAX_URL_LENGTH)
    return fail(`Console URL is too long (over ${MAX_URL_LENGTH} characters).`);
  if (/\s/.test(value)) return fail("Console URL must not contain spaces or line breaks.");
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // "usea1.sentinelone.net" as copied without its scheme: SentinelOne serves only https.
    if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(value)) {
      return fail(`Console URL must start with https:// — e.g. ${SENTINELONE_EXAMPLE}.`);
    }
    value = `https://${value}`;
  } else if (scheme === "http") {
    return fail(
      "Console URL must use https://, not http:// — SentinelOne serves its console and API only over TLS.",
    );
  } else if (scheme !== "https") {
    return fail(`Console URL must start with https:// — e.g. ${SENTINELONE_EXAMPLE}.`);
  }

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`Console URL is not a valid URL. Enter it as ${SENTINELONE_EXAMPLE}.`);
  }
  if (url.username !== "" || url.password !== "" || /^https:\/\/[^/?#]*@/i.test(value)) {
    return fail("Console URL must not contain a user name or password; the API token goes in API token.");
  }

  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const hostPort = url.port === "" ? host : `${host}:${url.port}`;
  const path = url.pathname.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  const removed: "api" | "path" | null = /^\/web\/api(\/|$)/i.test(path)
    ? "api"
    : path !== "" || url.search !== "" || url.hash !== ""
      ? "path"
      : null;

  const operator = sentinelOneOperatorHosts(extraHosts).find((h) => h.host === hostPort);
  if (operator) return { ok: true, consoleUrl: `https://${operator.host}`, host: operator.host, removed };

  if (url.port !== "") {
    return fail("Console URL must not include a port — SentinelOne consoles use the standard HTTPS port.");
  }
  if (IPV4.test(host) || host.startsWith("[")) {
    return fail(`Console URL must be the console's host name (…${SENTINELONE_DOMAIN}), not an IP address.`);
  }
  if (host === `console.${SENTINELONE_DOMAIN}`) {
    return fail(
      `console.${SENTINELONE_DOMAIN} is not a management console of its own: use your tenant's console address, as the browser shows it after you sign in, e.g. ${SENTINELONE_EXAMPLE}.`,
    );
  }
  if (host === SENTINELONE_DOMAIN || /(^|\.)sentinelone\.com$/.test(host)) {
    return fail(
      `That is SentinelOne's web site, not your management console. Use the console's address, which ends in .${SENTINELONE_DOMAIN}, e.g. ${SENTINELONE_EXAMPLE}.`,
    );
  }
  if (!host.endsWith(`.${SENTINELONE_DOMAIN}`) || !HOST_LABELS.test(host)) {
    return fail(
      `Console URL must be a SentinelOne management console, a host ending in .${SENTINELONE_DOMAIN} (e.g. ${SENTINELONE_EXAMPLE}). Copy it from the browser's address bar while signed in to the console.`,
    );
  }
  return { ok: true, consoleUrl: `https://${host}`, host, removed };
}

export function consoleUrlSchema(extraHosts: readonly string[] = []) {
  return z.string({ error: "Console URL is required." }).transform((raw, ctx) => {
    const result = parseSentinelOneConsoleUrl(raw, extraHosts);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.consoleUrl;
  });
}

const tokenWhere =
  "In the console, Settings → Users → Service Users: create one (or open yours) and copy its API token; it is shown only once.";

export const apiTokenSchema = z
  .string({ error: `API token is required. ${tokenWhere}` })
  .transform((raw, ctx) => {
    const value = raw.trim();
    if (value === "") {
      ctx.addIssue({ code: "custom", message: `API token is required. ${tokenWhere}` });
      return z.NEVER;
    }
    if (value.length > MAX_TOKEN_LENGTH) {
      ctx.addIssue({
        code: "custom",
        message: `API token is longer than ${MAX_TOKEN_LENGTH} characters; check what was pasted.`,
      });
      return z.NEVER;
    }
    if (/^apitoken\s/i.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "Paste the API token alone, without the “ApiToken ” prefix: Patchbay adds it.",
      });
      return z.NEVER;
    }
    if (/\s/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "API token contains spaces or line breaks; a SentinelOne token has none. Paste it again.",
      });
      return z.NEVER;
    }
    return value;
  });

/** An Account ID or Site ID: the console's numeric id. Blank means "none" (the token's whole scope). */
function scopeIdSchema(label: string, where: string) {
  return z
    .string({ error: `${label} must be text: the numeric id, or blank.` })
    .nullable()
    .transform((raw, ctx) => {
      const value = (raw ?? "").trim();
      if (value === "") return null;
      if (!/^\d{1,24}$/.test(value)) {
        ctx.addIssue({
          code: "custom",
          message: `${label} must be the numeric id (digits only), e.g. 1234567890123456789. ${where} Leave it blank to read everything the token can see.`,
        });
        return z.NEVER;
      }
      return value;
    });
}

export const accountIdSchema = scopeIdSchema(
  "Account ID",
  "Find it in the console under Settings → Accounts (the ID column), or in the account's Info panel.",
);
export const siteIdSchema = scopeIdSchema(
  "Site ID",
  "Find it in the console under Settings → Sites (the ID column), or in the site's Info panel.",
);

const BOTH_SCOPES =
  "Give Account ID or Site ID, not both: a Site ID already limits Patchbay to that one site. Clear one of them.";

export const sentinelOneFeaturesSchema = z
  .array(sentinelOneFeatureIdSchema, {
    error: 'features must be a list of feature ids, e.g. ["alerts", "devices"].',
  })
  .min(1, "Choose at least one feature.")
  .max(sentinelOneFeatureIds.length)
  .transform((ids) => [...new Set(ids)]);

/** The Connect form and `POST /api/integrations[/test]` body for SentinelOne. One schema, browser and server. */
export function sentinelOneConnectSchema(extraHosts: readonly string[] = []) {
  return z
    .object({
      partner: z.literal("sentinelone", { error: "partner must be “sentinelone”." }),
      name: integrationNameSchema.optional(),
      consoleUrl: consoleUrlSchema(extraHosts),
      apiToken: apiTokenSchema,
      accountId: accountIdSchema.optional(),
      siteId: siteIdSchema.optional(),
      features: sentinelOneFeaturesSchema.optional(),
      /** Sent by the generic form; SentinelOne has no quota-spending probe, so it changes nothing. */
      probeAll: z.boolean().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.accountId && v.siteId) ctx.addIssue({ code: "custom", path: ["siteId"], message: BOTH_SCOPES });
    });
}
export type SentinelOneConnect = z.output<ReturnType<typeof sentinelOneConnectSchema>>;

/** `PATCH /api/integrations/:id`: every field optional; an omitted API token keeps the stored one. */
export function sentinelOneUpdateSchema(extraHosts: readonly string[] = []) {
  return z
    .object({
      name: integrationNameSchema.optional(),
      consoleUrl: consoleUrlSchema(extraHosts).optional(),
      apiToken: apiTokenSchema.optional(),
      accountId: accountIdSchema.optional(),
      siteId: siteIdSchema.optional(),
      features: sentinelOneFeaturesSchema.optional(),
      secretExpiresAt: secretExpiresAtSchema.nullable().optional(),
    })
    .refine((v) => Object.values(v).some((x) => x !== undefined), {
      message:
        "Nothing to change: send at least one of name, consoleUrl, apiToken, accountId, siteId, features or secretExpiresAt.",
    })
    .superRefine((v, ctx) => {
      if (v.accountId && v.siteId) ctx.addIssue({ code: "custom", path: ["siteId"], message: BOTH_SCOPES });
    });
}
export type SentinelOneUpdate = z.output<ReturnType<typeof sentinelOneUpdateSchema>>;

/** Valid input that is probably not what was meant. Never blocks; never echoes the value. */
export function sentinelOneInputWarnings(input: { consoleUrl?: unknown; name?: unknown }): FieldWarning[] {
  const warnings: FieldWarning[] = [];
  const consoleUrl = typeof input.consoleUrl === "string" ? input.consoleUrl : undefined;
  // Only whether something after the host was removed matters here, so any host is let through (the schema judges
  // the host); the message never repeats the value.
  const parsed =
    consoleUrl === undefined ? null : parseSentinelOneConsoleUrl(consoleUrl, [hostOfRaw(consoleUrl)]);
  if (parsed?.ok && parsed.removed !== null) {
    warnings.push({
      field: "consoleUrl",
      message:
        parsed.removed === "api"
          ? `Console URL: Patchbay uses only the console's address (https:// and the host) and adds ${SENTINELONE_API_PREFIX} itself, so the API path you pasted after the host is removed. Nothing else to do.`
          : "Console URL: Patchbay uses only the console's address (https:// and the host), so the page path, query or fragment after the host is removed. Nothing else to do.",
    });
  }
  warnings.push(...nameWarnings(typeof input.name === "string" ? input.name : undefined));
  return warnings;
}

/** host[:port] of a URL-ish value (scheme optional), so the warning above can parse any host it is shown. */
function hostOfRaw(value: string): string {
  const trimmed = value.trim();
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).host;
  } catch {
    return "";
  }
}

/** A SentinelOne connection's stored config (jsonb): no cloud, an optional Account or Site scope. */
export const sentinelOneConfigSchema = storedConfigBaseSchema.extend({
  consoleUrl: z.string(),
  accountId: z.string().nullable().default(null),
  siteId: z.string().nullable().default(null),
  cloud: z.null().default(null),
  features: z.array(z.string()).default([...SENTINELONE_DEFAULT_FEATURES]),
});
export type SentinelOneConfig = z.output<typeof sentinelOneConfigSchema>;
