import { type AuditAction, auditQuerySchema } from "../../../shared/auth";

/** The audit log's filters, as kept in the page's URL (`?actor=…&action=…&from=<ISO>`). */
export interface AuditFilters {
  actor?: string | undefined;
  action?: AuditAction | undefined;
  integrationId?: string | undefined;
  /** ISO 8601 date-times. */
  from?: string | undefined;
  to?: string | undefined;
}

const filterKeys = ["actor", "action", "integrationId", "from", "to"] as const;

/** Read the filters from the URL, dropping any value the API would refuse (a hand-edited link). */
export function filtersFromSearchParams(params: URLSearchParams): AuditFilters {
  const shape = auditQuerySchema.shape;
  const filters: AuditFilters = {};
  for (const key of filterKeys) {
    const raw = params.get(key);
    if (raw === null || raw.trim() === "") continue;
    const parsed = shape[key].safeParse(raw);
    if (parsed.success && parsed.data !== undefined && parsed.data !== "")
      Object.assign(filters, { [key]: parsed.data });
  }
  return filters;
}

/** The filters as URL search params, in a stable order, leaving out empty ones. */
export function filtersToSearchParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of filterKeys) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params;
}

/** `GET /api/audit` for one page: the filters plus the cursor of the page before. */
export function auditApiPath(filters: AuditFilters, cursor?: string | undefined, limit?: number): string {
  const params = filtersToSearchParams(filters);
  if (cursor) params.set("cursor", cursor);
  if (limit !== undefined) params.set("limit", String(limit));
  const query = params.toString();
  return query === "" ? "/audit" : `/audit?${query}`;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** An ISO date-time as the value of a `datetime-local` input, in the browser's time zone. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (local time, no zone) as an ISO date-time in UTC; undefined when empty or invalid. */
export function localInputToIso(value: string): string | undefined {
  if (value.trim() === "") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
