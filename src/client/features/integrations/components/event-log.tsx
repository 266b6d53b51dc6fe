import type { IntegrationEvent } from "../../../../shared/contract";
import { formatAbsolute } from "../../../lib/format-time";
import styles from "./event-log.module.css";

const kindLabel: Record<IntegrationEvent["kind"], string> = {
  connected: "Connected",
  tested: "Tested",
  updated: "Updated",
  secret_replaced: "Secret replaced",
  checked: "Checked",
  status_changed: "Status changed",
  disconnected: "Disconnected",
};

/** The integration's audit trail and connection log, newest first. */
export function EventLog({ events, labelledBy }: { events: IntegrationEvent[]; labelledBy: string }) {
  if (events.length === 0) return <p className={styles.empty}>No events yet.</p>;
  return (
    <div className={styles.scroller}>
      <table className={styles.table} aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Actor</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td className={styles.time}>
                <time dateTime={event.at}>{formatAbsolute(event.at)}</time>
              </td>
              <td>{kindLabel[event.kind]}</td>
              <td>{event.actor}</td>
              <td>{event.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
