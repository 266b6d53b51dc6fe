/**
 * Query keys of synced data: alert and device lists, records and summaries. They live here, not in a feature, because
 * more than one feature reads them and erasing a connection's data (an integrations action) must refresh them all.
 */
export const syncedKeys = {
  all: ["synced"] as const,
  alerts: () => [...syncedKeys.all, "alerts"] as const,
  /** One page of the alert list: the list's search params (filters, sort) and the cursor of the page. */
  alertPage: (search: string, cursor: string | undefined) =>
    [...syncedKeys.alerts(), "page", search, cursor ?? ""] as const,
  alert: (id: string) => [...syncedKeys.alerts(), "record", id] as const,
  alertSummary: (integrationId: string) => [...syncedKeys.alerts(), "summary", integrationId] as const,
  devices: () => [...syncedKeys.all, "devices"] as const,
  devicePage: (search: string, cursor: string | undefined) =>
    [...syncedKeys.devices(), "page", search, cursor ?? ""] as const,
  device: (id: string) => [...syncedKeys.devices(), "record", id] as const,
  deviceSummary: (integrationId: string) => [...syncedKeys.devices(), "summary", integrationId] as const,
};
