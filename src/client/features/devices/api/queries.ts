import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { deviceDetailSchema, deviceSchema, pageSchema } from "../../../../shared/data-contract";
import { apiRequest } from "../../../lib/api-client";
import { syncedKeys } from "../../../lib/synced-data-keys";
import { type DeviceView, devicesApiPath, deviceViewToSearchParams } from "../device-view";

export const DEVICE_PAGE_SIZE = 50;

const devicePageSchema = pageSchema(deviceSchema);

/** One page of `GET /api/devices`, keyed by the view as the URL has it and the cursor; the page before stays shown. */
export const devicePageQuery = (view: DeviceView, cursor: string | undefined) =>
  queryOptions({
    queryKey: syncedKeys.devicePage(deviceViewToSearchParams(view).toString(), cursor),
    queryFn: ({ signal }) =>
      apiRequest(devicesApiPath(view, { cursor, limit: DEVICE_PAGE_SIZE }), devicePageSchema, { signal }),
    placeholderData: keepPreviousData,
  });

/** `GET /api/devices/:id`: the device with the record as the partner sent it. */
export const deviceQuery = (id: string) =>
  queryOptions({
    queryKey: syncedKeys.device(id),
    queryFn: ({ signal }) => apiRequest(`/devices/${encodeURIComponent(id)}`, deviceDetailSchema, { signal }),
  });
