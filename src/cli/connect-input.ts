import type { z } from "zod";
import type { PartnerCatalogEntry } from "../shared/catalog";
import type { PartnerId } from "../shared/partners/ids";
import {
  type ConnectRequest,
  connectRequestSchema,
  inputWarnings,
  type PartnerSchemaOptions,
  partnerCatalog,
  partnerCli,
} from "../shared/partners/registry";
import { CliError, EXIT, usageError } from "./exit-codes";

/** The catalog entry this CLI was built with (labels, flags); the server's may add operator-configured options. */
export function localCatalogEntry(partner: PartnerId): PartnerCatalogEntry | undefined {
  return partnerCatalog().find((entry) => entry.id === partner);
}

/** Which flag carries each request field, so messages point at what the admin typed. */
function flagOf(partner: PartnerId, field: string): string {
  const own: Record<string, string> = {
    name: "--name",
    features: "--features",
    probeAll: "--probe-all",
    partner: "PARTNER",
  };
  return own[field] ?? localCatalogEntry(partner)?.fields.find((f) => f.name === field)?.cli ?? field;
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

/** What the flags say, before the shared schema checks it. */
export interface RawConnectInput {
  partner: PartnerId;
  body: Record<string, unknown>;
  /** Values that must never be printed (the secret). */
  secrets: string[];
}

/**
 * The connect request the flags make, by the partner's own mapping of `--api`, `--user` and `--secret`
 * (src/shared/partners/<id>/cli.ts). A usage error when `--secret` is not in the partner's shape.
 */
export function rawConnectInput(
  partner: PartnerId,
  flags: {
    api: string;
    user: string;
    secret: string;
    name: string | undefined;
    features?: string | undefined;
    probeAll?: boolean | undefined;
  },
): RawConnectInput {
  const cli = partnerCli(partner);
  const mapped = cli.fields(flags);
  if (!mapped.ok) throw usageError(mapped.message, mapped.hint);
  // Checked by the shared schema right after: an id it does not know is refused there, with its message.
  const features = flags.features === undefined ? undefined : splitFeatures(flags.features);
  return {
    partner,
    body: {
      ...mapped.fields,
      partner,
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(features !== undefined ? { features } : {}),
      ...(flags.probeAll === true ? { probeAll: true } : {}),
    },
    secrets: cli.secrets(mapped.fields),
  };
}

/** The `host[:port]` of an https URL, lower case, or undefined. */
function httpsHost(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === "https:" ? url.host.toLowerCase().replace(/\.$/, "") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Could the server accept what this CLI refused? Only for a url field (the operator may add hosts to any: a
 * partner without documented regions lists none here, only the server's catalog has them), holding an https URL
 * whose host this CLI does not list: then the server's catalog is worth asking.
 */
export function mayDependOnServer(raw: RawConnectInput, fields: Record<string, string>): boolean {
  const entry = localCatalogEntry(raw.partner);
  return Object.keys(fields).some((name) => {
    const field = entry?.fields.find((f) => f.name === name && f.kind === "url");
    const host = httpsHost(raw.body[name]);
    return (
      field !== undefined && host !== undefined && !field.options.some((o) => httpsHost(o.value) === host)
    );
  });
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
  options: PartnerSchemaOptions,
): { ok: true; input: ConnectRequest; warnings: string[] } | { ok: false; fields: Record<string, string> } {
  const parsed = connectRequestSchema(options).safeParse(raw.body);
  if (!parsed.success) return { ok: false, fields: fieldsOf(parsed.error) };
  // Judged on what was typed, as the connect form does: normalising may remove what a warning is about (a path).
  const warnings = inputWarnings(raw.partner, raw.body).map((w) => w.message);
  return { ok: true, input: parsed.data, warnings };
}

/** The local refusal: the shared schema's messages (which never echo values), keyed by flag; exit 2. */
export function validationError(partner: PartnerId, fields: Record<string, string>): CliError {
  const message = "The input is not valid; nothing was sent.";
  return new CliError(
    EXIT.usage,
    message,
    { error: { code: "validation_failed", message, fields } },
    Object.entries(fields).map(([field, text]) => `  ${flagOf(partner, field)}: ${text}`),
  );
}
