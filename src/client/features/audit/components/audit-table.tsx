import { CircleCheck, CircleX } from "lucide-react";
import { Link } from "react-router";
import type { AuditEvent } from "../../../../shared/auth";
import { DataTable, tableStyles } from "../../../components/data-table";
import { formatAbsolute } from "../../../lib/format-time";
import { actionLabel } from "../action-labels";
import styles from "./audit.module.css";

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** The fields whose value differs between before and after (added and removed ones included), sorted by name. */
export function changedFields(changes: NonNullable<AuditEvent["changes"]>): FieldChange[] {
  const fields = new Set([...Object.keys(changes.before), ...Object.keys(changes.after)]);
  return [...fields]
    .sort()
    .map((field) => ({ field, before: changes.before[field], after: changes.after[field] }))
    .filter(({ before, after }) => JSON.stringify(before) !== JSON.stringify(after));
}

function formatValue(value: unknown): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function Changes({ event }: { event: AuditEvent }) {
  if (event.changes === null) return <span className={tableStyles.muted}>—</span>;
  const fields = changedFields(event.changes);
  if (fields.length === 0) return <span className={tableStyles.muted}>No field changed</span>;
  return (
    <details className={styles.changes}>
      <summary>{fields.length === 1 ? "1 field changed" : `${fields.length} fields changed`}</summary>
      <table className={styles.diff}>
        <caption className={tableStyles.muted}>Before and after: {actionLabel[event.action]}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {fields.map(({ field, before, after }) => (
            <tr key={field}>
              <th scope="row">
                <code>{field}</code>
              </th>
              <td className={before === undefined ? undefined : styles.before}>
                <code>{formatValue(before)}</code>
              </td>
              <td className={after === undefined ? undefined : styles.after}>
                <code>{formatValue(after)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Target({ event, integrationNames }: { event: AuditEvent; integrationNames: Map<string, string> }) {
  const { target } = event;
  if (target === null) return <span className={tableStyles.muted}>—</span>;
  if (target.type === "integration" && target.id !== null) {
    return (
      <Link to={`/integrations/${encodeURIComponent(target.id)}`}>
        {integrationNames.get(target.id) ?? `Integration ${target.id.slice(0, 8)}`}
      </Link>
    );
  }
  const kind = { integration: "Integration", user: "User", token: "API token", session: "Session" }[
    target.type
  ];
  return (
    <span>
      {kind}
      {target.id ? (
        <>
          {" "}
          <code>{target.id.slice(0, 8)}</code>
        </>
      ) : null}
    </span>
  );
}

/**
 * Who acted. A user's email comes from Patchbay's own records and is shown on its own line, apart from the
 * display name they chose, so a name dressed up as someone else's cannot pass for theirs.
 */
function Actor({ actor }: { actor: AuditEvent["actor"] }) {
  const label = actor.email ? actor.name.replace(` <${actor.email}>`, "") : actor.name;
  return (
    <span className={styles.actor}>
      <bdi>{label}</bdi>
      {actor.email ? <span className={styles.actorEmail}>{actor.email}</span> : null}
    </span>
  );
}

interface AuditTableProps {
  events: AuditEvent[];
  labelledBy: string;
  /** Names of known integrations, to show a target by name. */
  integrationNames: Map<string, string>;
}

/** Audit events, newest first: who did what to what, from where, whether it worked, and what changed. */
export function AuditTable({ events, labelledBy, integrationNames }: AuditTableProps) {
  return (
    <DataTable
      labelledBy={labelledBy}
      columns={["Time", "Actor", "Action", "Outcome", "Target", "Source address", "Message", "Changes"]}
    >
      {events.map((event) => (
        <tr key={event.id}>
          <td className={tableStyles.nowrap}>
            <time dateTime={event.at}>{formatAbsolute(event.at)}</time>
            {event.occurrences > 1 ? (
              <span className={styles.repeats}>
                {event.occurrences} times
                {event.lastAt ? (
                  <>
                    , last <time dateTime={event.lastAt}>{formatAbsolute(event.lastAt)}</time>
                  </>
                ) : null}
              </span>
            ) : null}
          </td>
          <td>
            <Actor actor={event.actor} />
          </td>
          <td className={styles.action}>
            {actionLabel[event.action]}
            <code className={styles.actionCode}>{event.action}</code>
          </td>
          <td>
            {event.outcome === "success" ? (
              <span className={`${styles.outcome} ${styles.success}`}>
                <CircleCheck size={14} aria-hidden="true" />
                Success
              </span>
            ) : (
              <span className={`${styles.outcome} ${styles.failure}`}>
                <CircleX size={14} aria-hidden="true" />
                Failure
              </span>
            )}
          </td>
          <td>
            <Target event={event} integrationNames={integrationNames} />
          </td>
          <td>
            {event.sourceIp ? <code>{event.sourceIp}</code> : <span className={tableStyles.muted}>—</span>}
            {event.userAgent ? (
              <span className={styles.userAgent} title={event.userAgent}>
                {event.userAgent}
              </span>
            ) : null}
          </td>
          <td>{event.message}</td>
          <td>
            <Changes event={event} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
