import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import type { Alert } from "../../../../shared/data-contract";
import { buttonClass } from "../../../components/button";
import { Loading } from "../../../components/loading";
import { Pager } from "../../../components/pager";
import { QueryError } from "../../../components/query-error";
import listStyles from "../../../components/record-list.module.css";
import { useCursorPages } from "../../../lib/use-cursor-pages";
import {
  type AlertSort,
  type AlertView,
  alertViewToSearchParams,
  describeAlertSort,
  hasAlertFilters,
} from "../alert-view";
import { ALERT_PAGE_SIZE, alertPageQuery } from "../api/queries";
import { AlertDrawer } from "./alert-drawer";
import { AlertsTable } from "./alerts-table";

interface AlertListProps {
  view: AlertView;
  connectionNames: ReadonlyMap<string, string>;
  onSort: (key: AlertSort) => void;
  onClearFilters: () => void;
}

/**
 * The alerts the view selects, a page at a time, with the open alert's drawer. A new filter or sort starts again
 * at page 1 with a new start for its time range.
 */
export function AlertList({ view, connectionNames, onSort, onClearFilters }: AlertListProps) {
  const pages = useCursorPages(alertViewToSearchParams(view).toString());
  const list = useQuery(alertPageQuery(view, pages.cursor, pages.since));
  const [open, setOpen] = useState<Alert | null>(null);

  if (list.data === undefined) {
    if (list.isError) return <QueryError what="alerts" error={list.error} onRetry={() => list.refetch()} />;
    return <Loading what="alerts" />;
  }

  const { items, nextCursor } = list.data;
  if (items.length === 0 && pages.page === 1) {
    return hasAlertFilters(view) ? (
      <div className={listStyles.empty}>
        <p>No alerts match these filters.</p>
        <button type="button" className={buttonClass()} onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    ) : (
      <div className={listStyles.empty}>
        <p>
          No alerts have been synced yet. Each connection's Data section says why: the first sync may still be
          running, or the partner may have nothing to send.
        </p>
        <Link to="/integrations">Go to Integrations</Link>
      </div>
    );
  }

  const first = (pages.page - 1) * ALERT_PAGE_SIZE + 1;
  const loadingPage = list.isPlaceholderData;
  const status = loadingPage
    ? "Loading the page…"
    : items.length === 0
      ? "No more alerts."
      : `Alerts ${first.toLocaleString()}–${(first + items.length - 1).toLocaleString()}, ${describeAlertSort(view.sort)}.`;

  return (
    <div className={listStyles.list}>
      <AlertsTable
        alerts={items}
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
      <AlertDrawer
        alert={open}
        connectionName={open ? (connectionNames.get(open.integrationId) ?? "an unknown connection") : ""}
        onClose={() => setOpen(null)}
      />
    </div>
  );
}
