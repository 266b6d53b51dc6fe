import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { alertDetailSchema, alertSchema, pageSchema } from "../../../../shared/data-contract";
import { apiRequest } from "../../../lib/api-client";
import { syncedKeys } from "../../../lib/synced-data-keys";
import { type AlertView, alertsApiPath, alertViewToSearchParams } from "../alert-view";

export const ALERT_PAGE_SIZE = 50;

const alertPageSchema = pageSchema(alertSchema);

/**
 * One page of `GET /api/alerts`. Keyed by the view as the URL has it (a range, not its date) and the cursor; `now`
 * fixes where the range starts for the whole list. The page before stays on screen while the next one loads.
 */
export const alertPageQuery = (view: AlertView, cursor: string | undefined, now: number) =>
  queryOptions({
    queryKey: syncedKeys.alertPage(alertViewToSearchParams(view).toString(), cursor),
    queryFn: ({ signal }) =>
      apiRequest(alertsApiPath(view, { cursor, limit: ALERT_PAGE_SIZE, now }), alertPageSchema, { signal }),
    placeholderData: keepPreviousData,
  });

/** `GET /api/alerts/:id`: the alert with its description, evidence and the record as the partner sent it. */
export const alertQuery = (id: string) =>
  queryOptions({
    queryKey: syncedKeys.alert(id),
    queryFn: ({ signal }) => apiRequest(`/alerts/${encodeURIComponent(id)}`, alertDetailSchema, { signal }),
  });
