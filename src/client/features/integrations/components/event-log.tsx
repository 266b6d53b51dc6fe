import type { IntegrationEvent } from "../../../../shared/contract";
import { DataTable, tableStyles } from "../../../components/data-table";
import { formatAbsolute } from "../../../lib/format-time";

const kindLabel: Record<IntegrationEvent["kind"], string> = {
  connected: "Connected",
  tested: "Tested",
  updated: "Updated",
  secret_replaced: "Secret replaced",
  secret_expiring: "Secret expiring",
  checked: "Checked",
  status_changed: "Status changed",
  disconnected: "Disconnected",
  data_erased: "Synced data erased",
};

/** The integration's audit trail and connection log, newest first. */
export function EventLog({ events, labelledBy }: { events: IntegrationEvent[]; labelledBy: string }) {
  if (events.length === 0) return <p className={tableStyles.empty}>No events yet.</p>;
  return (
    <DataTable labelledBy={labelledBy} columns={["Time", "Event", "Actor", "Message"]}>
      {events.map((event) => (
        <tr key={event.id}>
          <td className={tableStyles.nowrap}>
            <time dateTime={event.at}>{formatAbsolute(event.at)}</time>
          </td>
          <td>{kindLabel[event.kind]}</td>
          <td>{event.actor}</td>
          <td>{event.message}</td>
        </tr>
      ))}
    </DataTable>
  );
}
