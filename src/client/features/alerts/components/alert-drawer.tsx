import { useQuery } from "@tanstack/react-query";
import type { Alert, AlertDetail } from "../../../../shared/data-contract";
import { Loading } from "../../../components/loading";
import { QueryError } from "../../../components/query-error";
import { FieldList, PortalLink, RawRecord } from "../../../components/record-detail";
import { SeverityBadge } from "../../../components/severity";
import { SideSheet } from "../../../components/side-sheet";
import { formatAbsolute } from "../../../lib/format-time";
import { humanize } from "../../../lib/humanize";
import { alertQuery } from "../api/queries";
import styles from "./alerts.module.css";

function Evidence({ evidence }: { evidence: AlertDetail["evidence"] }) {
  return (
    <section className={styles.evidenceSection} aria-labelledby="alert-evidence-heading">
      <h3 id="alert-evidence-heading" className={styles.sectionTitle}>
        Evidence
      </h3>
      {evidence.length === 0 ? (
        <p className={styles.muted}>The partner sent no evidence with this alert.</p>
      ) : (
        <ul className={styles.evidence} aria-labelledby="alert-evidence-heading">
          {evidence.map((item, index) => (
            // Evidence has no id of its own; its place in the partner's list is stable for one record.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above.
            <li key={index}>
              <span className={styles.evidenceKind}>{humanize(item.kind)}</span>
              <span className={styles.evidenceName}>{item.name}</span>
              {item.detail ? <span className={styles.evidenceDetail}>{item.detail}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertBody({ alert, connectionName }: { alert: AlertDetail; connectionName: string }) {
  return (
    <>
      <PortalLink partner={alert.partner} href={alert.portalUrl} />
      <FieldList
        fields={[
          { label: "Severity", value: <SeverityBadge severity={alert.severity} /> },
          { label: "Status", value: humanize(alert.status) },
          { label: "Category", value: alert.category ? humanize(alert.category) : null },
          { label: "Device", value: alert.deviceName },
          { label: "Connection", value: connectionName },
          {
            label: "Created",
            value: <time dateTime={alert.createdAt}>{formatAbsolute(alert.createdAt)}</time>,
          },
          {
            label: "Updated",
            value: <time dateTime={alert.updatedAt}>{formatAbsolute(alert.updatedAt)}</time>,
          },
          { label: "Partner's id", value: <code>{alert.externalId}</code> },
        ]}
      />
      {alert.description ? <p className={styles.description}>{alert.description}</p> : null}
      <Evidence evidence={alert.evidence} />
      <RawRecord raw={alert.raw} />
    </>
  );
}

function AlertDetailContent({ id, connectionName }: { id: string; connectionName: string }) {
  const detail = useQuery(alertQuery(id));
  if (detail.isPending) return <Loading what="the alert" />;
  if (detail.isError)
    return <QueryError what="the alert" error={detail.error} onRetry={() => detail.refetch()} />;
  return <AlertBody alert={detail.data} connectionName={connectionName} />;
}

interface AlertDrawerProps {
  /** The row that was opened; null when the drawer is closed. */
  alert: Alert | null;
  connectionName: string;
  onClose: () => void;
}

/** An alert's detail in a side sheet: its fields, description, evidence, the raw record and a link to the portal. */
export function AlertDrawer({ alert, connectionName, onClose }: AlertDrawerProps) {
  return (
    <SideSheet
      open={alert !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={alert?.title ?? "Alert"}
      subtitle={alert ? `Alert from ${connectionName}` : undefined}
    >
      {alert ? <AlertDetailContent id={alert.id} connectionName={connectionName} /> : null}
    </SideSheet>
  );
}
