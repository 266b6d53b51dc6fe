import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import type { Device } from "../../../../shared/data-contract";
import { buttonClass } from "../../../components/button";
import { Loading } from "../../../components/loading";
import { Pager } from "../../../components/pager";
import { QueryError } from "../../../components/query-error";
import listStyles from "../../../components/record-list.module.css";
import { useCursorPages } from "../../../lib/use-cursor-pages";
import { DEVICE_PAGE_SIZE, devicePageQuery } from "../api/queries";
import {
  type DeviceSort,
  type DeviceView,
  describeDeviceSort,
  deviceViewToSearchParams,
  hasDeviceFilters,
} from "../device-view";
import { DeviceDrawer } from "./device-drawer";
import { DevicesTable } from "./devices-table";

interface DeviceListProps {
  view: DeviceView;
  connectionNames: ReadonlyMap<string, string>;
  onSort: (key: DeviceSort) => void;
  onClearFilters: () => void;
}

/**
 * The devices the view selects, a page at a time, with the open device's drawer. A new filter or sort starts
 * again at page 1.
 */
export function DeviceList({ view, connectionNames, onSort, onClearFilters }: DeviceListProps) {
  const pages = useCursorPages(deviceViewToSearchParams(view).toString());
  const list = useQuery(devicePageQuery(view, pages.cursor));
  const [open, setOpen] = useState<Device | null>(null);

  if (list.data === undefined) {
    if (list.isError) return <QueryError what="devices" error={list.error} onRetry={() => list.refetch()} />;
    return <Loading what="devices" />;
  }

  const { items, nextCursor } = list.data;
  if (items.length === 0 && pages.page === 1) {
    return hasDeviceFilters(view) ? (
      <div className={listStyles.empty}>
        <p>No devices match these filters.</p>
        <button type="button" className={buttonClass()} onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    ) : (
      <div className={listStyles.empty}>
        <p>
          No devices have been synced yet. Each connection's Data section says why: the first sync may still
          be running, or no device may be onboarded to the partner yet.
        </p>
        <Link to="/integrations">Go to Integrations</Link>
      </div>
    );
  }

  const first = (pages.page - 1) * DEVICE_PAGE_SIZE + 1;
  const loadingPage = list.isPlaceholderData;
  const status = loadingPage
    ? "Loading the page…"
    : items.length === 0
      ? "No more devices."
      : `Devices ${first.toLocaleString()}–${(first + items.length - 1).toLocaleString()}, ${describeDeviceSort(view.sort)}.`;

  return (
    <div className={listStyles.list}>
      <DevicesTable
        devices={items}
        sort={view.sort}
        onSort={onSort}
        busy={loadingPage}
        connectionNames={connectionNames}
        onOpen={setOpen}
      />
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        hasNext={nextCursor !== null}
        loading={loadingPage}
        onPrevious={pages.previous}
        onNext={() => {
          if (nextCursor !== null) pages.next(nextCursor);
        }}
        status={status}
      />
      {list.isError ? (
        <QueryError what="this page" error={list.error} onRetry={() => list.refetch()} />
      ) : null}
      <DeviceDrawer
        device={open}
        connectionName={open ? (connectionNames.get(open.integrationId) ?? "an unknown connection") : ""}
        onClose={() => setOpen(null)}
      />
    </div>
  );
}
