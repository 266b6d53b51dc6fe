import type { z } from "zod";
import type { PartnersResponse } from "../shared/catalog";
import {
  type DefenderConnect,
  type DefenderConnectInput,
  defenderConnectSchema,
  defenderInputWarnings,
  defenderRegions,
} from "../shared/partners/defender";
import { CliError, EXIT, usageError } from "./exit-codes";

/** Which flag carries each ConnectInput field, so messages point at what the admin typed. */
const flagOf: Record<string, string> = {
  baseUrl: "--api",
  tenantId: "--user",
  appId: "--secret (the App ID before the /)",
  appSecret: "--secret (the App Secret after the /)",
  name: "--name",
  features: "--features",
  probeAll: "--probe-all",
  partner: "PARTNER",
};

/**
 * Split `APP_ID/APP_SECRET` on the first `/` (an App ID is a GUID and never contains one). Messages never echo the
 * value.
 */
export function splitSecret(value: string): { appId: string; appSecret: string } {
  const slash = value.indexOf("/");
  if (slash < 0) {
    throw usageError(
      "--secret must be APP_ID/APP_SECRET: the Application (client) ID, a slash, then the secret's Value.",
      "Use `--secret -` to read it from stdin so it stays out of your shell history.",
    );
  }
  return { appId: value.slice(0, slash), appSecret: value.slice(slash + 1) };
}

/**
 * `--features alerts,devices,incidents` → ["alerts", "devices", "incidents"]: split on commas, trimmed, lower case,
 * blanks dropped. The shared schema then refuses unknown ids (and an empty list) with its own messages.
 */
export function splitFeatures(value: string): string[] {
  return value
    .split(",")
    .map((id) => id.trim().toLowerCase())
    .filter((id) => id !== "");
}

/** What the flags say, before the shared schema checks it: feature ids are still any strings. */
export type RawConnectInput = Omit<DefenderConnectInput, "features"> & { features?: string[] };

export function rawConnectInput(flags: {
  api: string;
  user: string;
  secret: string;
  name: string | undefined;
  features?: string | undefined;
  probeAll?: boolean | undefined;
}): RawConnectInput {
  const { appId, appSecret } = splitSecret(flags.secret);
  // Checked by the shared schema right after: an id it does not know is refused there, with its message.
  const features = flags.features === undefined ? undefined : splitFeatures(flags.features);
  return {
    partner: "defender",
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    baseUrl: flags.api,
    tenantId: flags.user,
    appId,
    appSecret,
    ...(features !== undefined ? { features } : {}),
    ...(flags.probeAll === true ? { probeAll: true } : {}),
  };
}

/** Could this Base URL be one the server's operator configured (a host Patchbay does not know by itself)? */
export function mightBeOperatorHost(baseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    return false;
  }
  if (url.protocol !== "https:") return false;
  const hostPort = url.port === "" ? url.hostname : `${url.hostname}:${url.port}`;
  return !defenderRegions.some((r) => r.host === hostPort.toLowerCase());
}

export function operatorHostsOf(catalog: PartnersResponse): string[] {
  return catalog.partners.flatMap((p) =>
    p.regions.filter((r) => r.operatorConfigured === true).map((r) => r.host),
  );
}

function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "input");
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseConnectInput(
  raw: RawConnectInput,
  extraHosts: readonly string[],
): { ok: true; input: DefenderConnect; warnings: string[] } | { ok: false; fields: Record<string, string> } {
  const parsed = defenderConnectSchema(extraHosts).safeParse(raw);
  if (!parsed.success) return { ok: false, fields: fieldsOf(parsed.error) };
  const warnings = defenderInputWarnings(parsed.data).map((w) => w.message);
  return { ok: true, input: parsed.data, warnings };
}

/** The local refusal: the shared schema's messages (which never echo values), keyed by flag; exit 2. */
export function validationError(fields: Record<string, string>): CliError {
  const message = "The input is not valid; nothing was sent.";
  return new CliError(
    EXIT.usage,
    message,
    { error: { code: "validation_failed", message, fields } },
    Object.entries(fields).map(([field, text]) => `  ${flagOf[field] ?? field}: ${text}`),
  );
}
