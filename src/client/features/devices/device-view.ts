import { deviceQuerySchema, deviceSorts } from "../../../shared/data-contract";
import { type PartnerId, partnerIdSchema } from "../../../shared/partners/ids";
import type { SortOrder, SortState } from "../../components/sortable-table";

export type DeviceSort = (typeof deviceSorts)[number];

/** The health states Defender reports for a device (the filter matches one exactly). */
export const deviceHealthStates = [
  "Active",
  "Inactive",
  "ImpairedCommunication",
  "NoSensorData",
  "NoSensorDataImpairedCommunication",
  "Unknown",
] as const;

export interface DeviceFilters {
  health?: string | undefined;
  os?: string | undefined;
  partner?: PartnerId | undefined;
  integrationId?: string | undefined;
  q?: string | undefined;
  /** Include devices the partner no longer lists. */
  removed?: boolean | undefined;
}

/** What the device list shows, as kept in the page's URL: the filters and the sort. */
export interface DeviceView extends DeviceFilters {
  sort: SortState<DeviceSort>;
}

export const defaultDeviceSort: SortState<DeviceSort> = { key: "name", order: "asc" };

/** The order a column sorts in when first pressed: last seen newest first, the rest A to Z. */
export function firstDeviceOrder(key: DeviceSort): SortOrder {
  return key === "lastSeenAt" ? "desc" : "asc";
}

const sortWords: Record<DeviceSort, string> = {
  name: "name",
  lastSeenAt: "last seen",
  healthStatus: "health",
  osPlatform: "operating system",
};

/** "by name, A to Z", "by last seen, most recent first": the sort in words, for the status line. */
export function describeDeviceSort({ key, order }: SortState<DeviceSort>): string {
  if (key === "lastSeenAt")
    return `by last seen, ${order === "desc" ? "most recent first" : "longest ago first"}`;
  return `by ${sortWords[key]}, ${order === "asc" ? "A to Z" : "Z to A"}`;
}

function isSort(value: string | null): value is DeviceSort {
  return deviceSorts.some((sort) => sort === value);
}

/** Read the view from the URL, dropping whatever the API would refuse (a hand-edited or outdated link). */
export function deviceViewFromSearchParams(params: URLSearchParams): DeviceView {
  const shape = deviceQuerySchema.shape;
  const text = (key: "health" | "os" | "q" | "integrationId"): string | undefined => {
    const raw = params.get(key);
    if (raw === null || raw.trim() === "") return undefined;
    const parsed = shape[key].safeParse(raw);
    return parsed.success && parsed.data ? parsed.data : undefined;
  };
  const sort = params.get("sort");
  const order = params.get("order");
  const key = isSort(sort) ? sort : defaultDeviceSort.key;
  return {
    health: text("health"),
    os: text("os"),
    partner: partnerIdSchema.safeParse(params.get("partner")).data,
    integrationId: text("integrationId"),
    q: text("q"),
    removed: params.get("removed") === "true" ? true : undefined,
    sort: {
      key,
      order:
        order === "asc" || order === "desc"
          ? order
          : isSort(sort)
            ? firstDeviceOrder(key)
            : defaultDeviceSort.order,
    },
  };
}

/** The view as URL search params, in a stable order, leaving out empty filters and the default sort. */
export function deviceViewToSearchParams(view: DeviceView): URLSearchParams {
  const params = new URLSearchParams();
  const filters: [string, string | undefined][] = [
    ["health", view.health?.trim()],
    ["os", view.os?.trim()],
    ["partner", view.partner],
    ["integrationId", view.integrationId],
    ["q", view.q?.trim()],
    ["removed", view.removed ? "true" : undefined],
  ];
  for (const [key, value] of filters) if (value) params.set(key, value);
  if (view.sort.key !== defaultDeviceSort.key || view.sort.order !== defaultDeviceSort.order) {
    params.set("sort", view.sort.key);
    params.set("order", view.sort.order);
  }
  return params;
}

/** Filters that narrow the list (including removed devices widens it, so it does not count). */
export function hasDeviceFilters(view: DeviceView): boolean {
  return Boolean(view.health || view.os || view.partner || view.integrationId || view.q);
}

/** `GET /api/devices` for one page: the filters, the sort, the cursor and the page size. */
export function devicesApiPath(
  view: DeviceView,
  { cursor, limit }: { cursor?: string | undefined; limit: number },
) {
  const params = deviceViewToSearchParams({ ...view, sort: defaultDeviceSort });
  params.set("sort", view.sort.key);
  params.set("order", view.sort.order);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return `/devices?${params.toString()}`;
}
