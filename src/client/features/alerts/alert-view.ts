import { alertQuerySchema, alertSorts } from "../../../shared/data-contract";
import { type PartnerId, partnerIdSchema } from "../../../shared/partners/ids";
import { type AlertSeverity, isSeverity } from "../../components/severity";
import type { SortOrder, SortState } from "../../components/sortable-table";

export type AlertSort = (typeof alertSorts)[number];

/** Time ranges offered by the filter; the URL keeps the range, not a date, so a shared link stays "the last 7 days". */
export const alertRanges = ["24h", "7d", "30d"] as const;
export type AlertRange = (typeof alertRanges)[number];

export const rangeLabel: Record<AlertRange, string> = {
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
};

const HOUR_MS = 3600 * 1000;
const rangeMs: Record<AlertRange, number> = {
  "24h": 24 * HOUR_MS,
  "7d": 7 * 24 * HOUR_MS,
  "30d": 30 * 24 * HOUR_MS,
};

/** The statuses Defender gives alerts; a link may carry another (the filter matches it exactly). */
export const knownAlertStatuses = ["New", "InProgress", "Resolved"] as const;

export interface AlertFilters {
  severity?: AlertSeverity | undefined;
  status?: string | undefined;
  range?: AlertRange | undefined;
  partner?: PartnerId | undefined;
  integrationId?: string | undefined;
  q?: string | undefined;
}

/** What the alert list shows, as kept in the page's URL: the filters and the sort. */
export interface AlertView extends AlertFilters {
  sort: SortState<AlertSort>;
}

export const defaultAlertSort: SortState<AlertSort> = { key: "createdAt", order: "desc" };

export const alertSortLabel: Record<AlertSort, string> = {
  createdAt: "Created",
  updatedAt: "Updated",
  severity: "Severity",
  title: "Title",
};

/** The order a column sorts in when first pressed: times newest first and severity worst first, titles A to Z. */
export function firstAlertOrder(key: AlertSort): SortOrder {
  return key === "title" ? "asc" : "desc";
}

/** "newest first", "A to Z"…: the sort in words, for the status line. */
export function describeAlertSort({ key, order }: SortState<AlertSort>): string {
  if (key === "title") return `by title, ${order === "asc" ? "A to Z" : "Z to A"}`;
  if (key === "severity")
    return `by severity, ${order === "desc" ? "most severe first" : "least severe first"}`;
  const when = key === "createdAt" ? "created" : "updated";
  return `by time ${when}, ${order === "desc" ? "newest first" : "oldest first"}`;
}

function isSort(value: string | null): value is AlertSort {
  return alertSorts.some((sort) => sort === value);
}

function isRange(value: string | null): value is AlertRange {
  return alertRanges.some((range) => range === value);
}

/** Read the view from the URL, dropping whatever the API would refuse (a hand-edited or outdated link). */
export function alertViewFromSearchParams(params: URLSearchParams): AlertView {
  const shape = alertQuerySchema.shape;
  const text = (key: "status" | "q" | "integrationId"): string | undefined => {
    const raw = params.get(key);
    if (raw === null || raw.trim() === "") return undefined;
    const parsed = shape[key].safeParse(raw);
    return parsed.success && parsed.data ? parsed.data : undefined;
  };
  const severity = params.get("severity") ?? "";
  const range = params.get("range");
  const sort = params.get("sort");
  const order = params.get("order");
  const key = isSort(sort) ? sort : defaultAlertSort.key;
  return {
    severity: isSeverity(severity) ? severity : undefined,
    status: text("status"),
    range: isRange(range) ? range : undefined,
    partner: partnerIdSchema.safeParse(params.get("partner")).data,
    integrationId: text("integrationId"),
    q: text("q"),
    sort: {
      key,
      order:
        order === "asc" || order === "desc"
          ? order
          : isSort(sort)
            ? firstAlertOrder(key)
            : defaultAlertSort.order,
    },
  };
}

/** The view as URL search params, in a stable order, leaving out empty filters and the default sort. */
export function alertViewToSearchParams(view: AlertView): URLSearchParams {
  const params = new URLSearchParams();
  const filters: [string, string | undefined][] = [
    ["severity", view.severity],
    ["status", view.status?.trim()],
    ["range", view.range],
    ["partner", view.partner],
    ["integrationId", view.integrationId],
    ["q", view.q?.trim()],
  ];
  for (const [key, value] of filters) if (value) params.set(key, value);
  if (view.sort.key !== defaultAlertSort.key || view.sort.order !== defaultAlertSort.order) {
    params.set("sort", view.sort.key);
    params.set("order", view.sort.order);
  }
  return params;
}

export function hasAlertFilters(view: AlertView): boolean {
  return Boolean(view.severity || view.status || view.range || view.partner || view.integrationId || view.q);
}

interface PageRequest {
  cursor?: string | undefined;
  limit: number;
  /** The moment a time range counts back from (ms since the epoch): fixed per list, so its cursors stay valid. */
  now: number;
}

/** `GET /api/alerts` for one page: the filters (the range as `from`), the sort, the cursor and the page size. */
export function alertsApiPath(view: AlertView, { cursor, limit, now }: PageRequest): string {
  const params = new URLSearchParams();
  if (view.severity) params.set("severity", view.severity);
  if (view.status?.trim()) params.set("status", view.status.trim());
  if (view.range) params.set("from", new Date(now - rangeMs[view.range]).toISOString());
  if (view.partner) params.set("partner", view.partner);
  if (view.integrationId) params.set("integrationId", view.integrationId);
  if (view.q?.trim()) params.set("q", view.q.trim());
  params.set("sort", view.sort.key);
  params.set("order", view.sort.order);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return `/alerts?${params.toString()}`;
}
