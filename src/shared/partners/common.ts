import { z } from "zod";

/**
 * What every partner shares: the connection name, an admin-typed secret expiry, the stored config's common keys,
 * and the warnings about names. Partner folders build their schemas from these; the core and the UI use them
 * without knowing which partner they are handling.
 */

export const MAX_NAME_LENGTH = 100;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Input that is valid but probably wrong. Shown next to the field; never blocks. Messages never echo the value. */
export interface FieldWarning {
  /** The request field it is about (`name`, or one of the partner's fields). */
  field: string;
  message: string;
}

/**
 * The keys every partner's stored config has beside its own fields: the cloud verification settled on (null for a
 * partner without clouds) and the features enabled on the connection.
 */
export const storedConfigBaseSchema = z.object({
  cloud: z.string().nullable(),
  features: z.array(z.string()),
});

/**
 * An Entra client secret Value as Entra issues them (since 2021): three characters, a digit, "Q~", then about 34
 * more from letters, digits and `_ . ~ -`; 40 in all. Nothing a person would call a connection looks like this.
 */
const ENTRA_SECRET_VALUE = /^[\w.~-]{3}\dQ~[\w.~-]{30,40}$/;

export function looksLikeEntraSecretValue(value: string): boolean {
  return ENTRA_SECRET_VALUE.test(value.trim());
}

const characterClass = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /\d/.test(c) ? 2 : 3);

/**
 * A long run of random characters (a key, a token, an older Entra secret), as opposed to a name: 20 or more
 * characters with no spaces whose words (split at `-`, `_`, `.`) switch between lower case, upper case, digits and
 * symbols at nearly every other character. Names switch only where a word or a number starts. A heuristic, so it
 * only ever warns.
 */
export function looksLikeRandomToken(raw: string): boolean {
  const value = raw.trim();
  if (value.length < 20 || /\s/.test(value)) return false;
  if (/^[0-9a-f]{32,}$/i.test(value)) return true;
  let characters = 0;
  let pairs = 0;
  let switches = 0;
  for (const word of value.split(/[-_.]+/)) {
    if (word.length < 5) continue;
    characters += word.length;
    for (let i = 1; i < word.length; i += 1) {
      pairs += 1;
      if (characterClass(word.charAt(i)) !== characterClass(word.charAt(i - 1))) switches += 1;
    }
  }
  return characters >= 12 && switches / pairs >= 0.45;
}

export const integrationNameSchema = z
  .string()
  .trim()
  .min(1, "Name must not be empty; leave it out to use the default.")
  .max(MAX_NAME_LENGTH, `Name must be at most ${MAX_NAME_LENGTH} characters.`)
  .refine((v) => !v.includes("\u0000"), "Name must not contain a NUL character.")
  // Refused, not only warned about: a name is shown to every viewer and kept in the audit log for good.
  .refine(
    (v) => !looksLikeEntraSecretValue(v),
    "This looks like an Entra client secret Value. A name is shown to everyone in Patchbay and kept in the audit log, so it must never be a secret: paste the secret into App Secret and name the connection e.g. after the tenant.",
  );

/**
 * An expiry date an admin typed (from the secret's row in Certificates & secrets), when Patchbay cannot read it
 * through Microsoft Graph; null clears it. A date (YYYY-MM-DD) or a date-time; from 2000 to 2299.
 */
export const secretExpiresAtSchema = z
  .string({ error: "secretExpiresAt must be a date like 2027-06-30." })
  .trim()
  .refine((value) => {
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value)) return false;
    const ms = Date.parse(value);
    return Number.isFinite(ms) && ms >= Date.parse("2000-01-01") && ms < Date.parse("2300-01-01");
  }, "Secret expires must be a date like 2027-06-30 (the Expires column in Certificates & secrets).")
  .transform((value) => new Date(value).toISOString());

/** Names that are valid but probably a mistake: an ID, or a key pasted into the wrong field. */
export function nameWarnings(raw: string | undefined): FieldWarning[] {
  const name = raw?.trim() ?? "";
  if (isGuid(name)) {
    return [
      {
        field: "name",
        message:
          "Name looks like an ID (a GUID), such as a Tenant ID, an App ID or a secret's ID. It is only a label for this connection, shown to everyone in Patchbay and kept in the audit log; a name people recognise, e.g. the tenant's, is easier to find.",
      },
    ];
  }
  if (!looksLikeEntraSecretValue(name) && looksLikeRandomToken(name)) {
    return [
      {
        field: "name",
        message:
          "Name looks like a key or a secret (a long run of random characters). A name is shown to everyone in Patchbay and kept in the audit log, so it must never be a secret; name the connection e.g. after the tenant.",
      },
    ];
  }
  return [];
}
