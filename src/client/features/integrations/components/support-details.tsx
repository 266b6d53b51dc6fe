import type { FailureDetail } from "../../../../shared/contract";
import { CopyButton } from "../../../components/copy-button";
import styles from "./support-details.module.css";

/** Labels for the keys support asks for, matched without regard to case, `_` or `-`. */
const knownLabels: Record<string, string> = {
  aadsts: "AADSTS code",
  aadstscode: "AADSTS code",
  traceid: "Trace ID",
  correlationid: "Correlation ID",
  httpstatus: "HTTP status",
  status: "HTTP status",
  errordescription: "Error description",
  timestamp: "Timestamp",
};

function labelOf(key: string): string {
  const known = knownLabels[key.toLowerCase().replace(/[_-]/g, "")];
  if (known) return known;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Renders a failure's raw detail (AADSTS code, trace and correlation ids…) for a support ticket. */
export function SupportDetails({ detail }: { detail: FailureDetail }) {
  const entries = Object.entries(detail).filter(
    (entry): entry is [string, string | number] => entry[1] !== null && entry[1] !== "",
  );
  if (entries.length === 0) return null;
  const asText = entries.map(([key, value]) => `${labelOf(key)}: ${value}`).join("\n");

  return (
    <details className={styles.details}>
      <summary>Details for support</summary>
      <dl className={styles.list}>
        {entries.map(([key, value]) => (
          <div key={key} className={styles.row}>
            <dt>{labelOf(key)}</dt>
            <dd>
              <code>{String(value)}</code>
            </dd>
          </div>
        ))}
      </dl>
      <CopyButton value={asText} label="details for support" />
    </details>
  );
}
