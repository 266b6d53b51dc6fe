import type { Alert } from "../../../../shared/data-contract";
import { tableStyles } from "../../../components/data-table";
import listStyles from "../../../components/record-list.module.css";
import { SeverityBadge } from "../../../components/severity";
import { type SortableColumn, SortableTable, type SortState } from "../../../components/sortable-table";
import { formatAbsolute } from "../../../lib/format-time";
import { humanize } from "../../../lib/humanize";
import type { AlertSort } from "../alert-view";

const columns: readonly SortableColumn<AlertSort>[] = [
  { label: "Title", sortKey: "title" },
  { label: "Severity", sortKey: "severity" },
  { label: "Status" },
  { label: "Device" },
  { label: "Connection" },
  { label: "Created", sortKey: "createdAt" },
  { label: "Updated", sortKey: "updatedAt" },
];

interface AlertsTableProps {
  alerts: readonly Alert[];
  sort: SortState<AlertSort>;
  onSort: (key: AlertSort) => void;
  /** The next page or order is loading. */
  busy: boolean;
  /** Names of known connections, to show an alert's by name. */
  connectionNames: ReadonlyMap<string, string>;
  onOpen: (alert: Alert) => void;
}

/** One page of alerts; each title opens the alert's detail. */
export function AlertsTable({ alerts, sort, onSort, busy, connectionNames, onOpen }: AlertsTableProps) {
  return (
    <SortableTable caption="Alerts" columns={columns} sort={sort} onSort={onSort} busy={busy}>
      {alerts.map((alert) => (
        <tr key={alert.id}>
          <td>
            <button type="button" className={listStyles.open} onClick={() => onOpen(alert)}>
              {alert.title}
            </button>
            {alert.category ? <span className={listStyles.secondary}>{humanize(alert.category)}</span> : null}
          </td>
          <td>
            <SeverityBadge severity={alert.severity} />
          </td>
          <td className={tableStyles.nowrap}>{humanize(alert.status)}</td>
          <td>{alert.deviceName ?? <span className={tableStyles.muted}>—</span>}</td>
          <td>
            {connectionNames.get(alert.integrationId) ?? <code>{alert.integrationId.slice(0, 8)}</code>}
          </td>
          <td className={tableStyles.nowrap}>
            <time dateTime={alert.createdAt}>{formatAbsolute(alert.createdAt)}</time>
          </td>
          <td className={tableStyles.nowrap}>
            <time dateTime={alert.updatedAt}>{formatAbsolute(alert.updatedAt)}</time>
          </td>
        </tr>
      ))}
    </SortableTable>
  );
}
