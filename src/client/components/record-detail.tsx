import type { ReactNode } from "react";
import type { PartnerId } from "../../shared/partners/ids";
import { NewTabLink } from "./new-tab-link";
import styles from "./record-detail.module.css";

export interface RecordField {
  label: string;
  /** null shows a dash: the partner did not say. */
  value: ReactNode | null;
}

/** A synced record's fields as a description list (label, value), in the order given. */
export function FieldList({ fields }: { fields: readonly RecordField[] }) {
  return (
    <dl className={styles.fields}>
      {fields.map((field) => (
        <div key={field.label} className={styles.field}>
          <dt>{field.label}</dt>
          <dd>{field.value ?? <span className={styles.muted}>—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The record as the partner sent it, folded away: for support and for fields Patchbay does not show. */
export function RawRecord({ raw }: { raw: unknown }) {
  return (
    <details className={styles.raw}>
      <summary>Raw record (JSON)</summary>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard. */}
      <pre className={styles.json} tabIndex={0}>
        <code>{JSON.stringify(raw, null, 2) ?? "null"}</code>
      </pre>
    </details>
  );
}

/**
 * What each partner calls the console its records live in. Keyed by every partner id, so adding a partner without
 * naming its portal fails to compile.
 */
const portalName: Record<PartnerId, string> = {
  defender: "Microsoft Defender portal",
  crowdstrike: "Falcon console",
  sentinelone: "SentinelOne console",
};

/** Only an https link is followed: the URL came from synced data, and `javascript:` or plain http has no place here. */
function isHttps(href: string): boolean {
  try {
    return new URL(href).protocol === "https:";
  } catch {
    return false;
  }
}

/** "Open in Microsoft Defender portal", in a new tab; nothing when the partner gave no (https) link for the record. */
export function PortalLink({ partner, href }: { partner: PartnerId; href: string | null }) {
  if (href === null || !isHttps(href)) return null;
  return (
    <NewTabLink href={href} strong>
      {`Open in ${portalName[partner]}`}
    </NewTabLink>
  );
}
