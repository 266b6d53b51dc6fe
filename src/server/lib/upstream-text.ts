/**
 * Text from upstream (Microsoft's error bodies, a partner's records) is untrusted: it may carry NUL, which
 * PostgreSQL's text and jsonb refuse, control and text-direction characters that garble a page or a log line,
 * unpaired surrogates that jsonb also refuses, or megabytes where a sentence was expected. Everything an upstream
 * said passes through here before Patchbay stores or shows it (issue 6, finding 5).
 *
 * Hand-written: it is a few lines of policy (what to drop, how long is too long), not a parsing problem a library
 * would solve better.
 */

/** The longest upstream string Patchbay keeps; longer ones are cut with an ellipsis. */
export const MAX_UPSTREAM_TEXT = 2_000;
/** Bounds on structured upstream data: nesting, entries per object or array. */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 100;
/** Lists are longer: an over-privileged app's unused roles, a report's steps and features. */
const MAX_ARRAY_ENTRIES = 1_000;

// C0 and C1 controls except tab and line feed, and the bidi overrides, embeddings, isolates and marks.
const UNSAFE_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One upstream string, safe to store in text or jsonb and to print: unsafe characters removed, length capped. */
export function cleanUpstreamText(value: string, maxLength = MAX_UPSTREAM_TEXT): string {
  const cleaned = value.replace(UNSAFE_CHARACTERS, "").replace(LONE_SURROGATE, "\ufffd");
  if (cleaned.length <= maxLength) return cleaned;
  // Do not cut a surrogate pair in half.
  const cut = cleaned.slice(0, maxLength - 1).replace(/[\ud800-\udbff]$/, "");
  return `${cut}…`;
}

/**
 * Upstream data of any shape (a report's `detail`, a raw record), with every string and key cleaned and its size
 * bounded: deeper nesting becomes "[nested too deep]", extra entries are dropped and counted.
 */
export function cleanUpstream(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return cleanUpstreamText(value);
  if (typeof value !== "object" || value === null) {
    return typeof value === "number" && !Number.isFinite(value) ? null : value;
  }
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) {
    // Cut, without appending a marker: a list keeps its element type, so what reads it still parses.
    return value.slice(0, MAX_ARRAY_ENTRIES).map((item) => cleanUpstream(item, depth + 1));
  }
  if (value instanceof Date) return value;
  const entries = Object.entries(value);
  const cleaned: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, MAX_ENTRIES)) {
    cleaned[cleanUpstreamText(key, 200)] = cleanUpstream(item, depth + 1);
  }
  if (entries.length > MAX_ENTRIES) cleaned["…"] = `${entries.length - MAX_ENTRIES} more entries dropped`;
  return cleaned;
}

/** A flat record of upstream facts (a failure's `detail`), cleaned key by key, keeping its type. */
export function cleanUpstreamRecord<V extends string | number | boolean | null>(
  record: Readonly<Record<string, V>>,
): Record<string, V | string> {
  const cleaned: Record<string, V | string> = {};
  for (const [key, value] of Object.entries(record).slice(0, MAX_ENTRIES)) {
    cleaned[cleanUpstreamText(key, 200)] = typeof value === "string" ? cleanUpstreamText(value) : value;
  }
  return cleaned;
}

/** A record of any values (an event's `detail`), every value cleaned as upstream data. */
export function cleanUpstreamValues(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    cleaned[cleanUpstreamText(key, 200)] = cleanUpstream(value);
  return cleaned;
}
