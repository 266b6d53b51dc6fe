import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { Integration } from "../../../../shared/contract";
import { Timestamp } from "../../../components/timestamp";
import styles from "./integration-status.module.css";
import { SupportDetails } from "./support-details";

interface StatusProps {
  integration: Integration;
  partner: PartnerCatalogEntry | undefined;
}

function Explanation({ integration, partner }: StatusProps) {
  const { status, error } = integration;
  const secretLabel = partner?.fields.find((field) => field.kind === "secret")?.label ?? "secret";
  if (status === "disconnected") {
    return (
      <p>
        Disconnected. The {secretLabel} was erased: its encryption key was destroyed, so no stored copy of it
        can be read again, and Patchbay no longer checks this connection. The configuration and the event log
        below are kept. {partner?.revokeSecretNote}
      </p>
    );
  }
  if (status === "checking") {
    return (
      <p>{`Patchbay is verifying this connection with ${partner?.verifiesWith ?? "the partner"} right now.`}</p>
    );
  }
  if (status === "connected") {
    return <p>{partner?.checkSummary ?? "The last check passed."}</p>;
  }
  if (!error) {
    return (
      <p>{status === "degraded" ? "The connection works but needs attention." : "The last check failed."}</p>
    );
  }
  return (
    <div className={`${styles.problem} ${status === "degraded" ? styles.degraded : styles.error}`}>
      <p className={styles.message}>{error.message}</p>
      <p>
        <span className={styles.fix}>What to do: </span>
        {error.remediation}
      </p>
      {error.detail ? <SupportDetails detail={error.detail} /> : null}
    </div>
  );
}

/** Why the integration has its status, and when it was last checked and last worked. */
export function IntegrationStatus({ integration, partner }: StatusProps) {
  return (
    <div className={styles.status}>
      <Explanation integration={integration} partner={partner} />
      <dl className={styles.times}>
        <div>
          <dt>Last checked</dt>
          <dd>
            <Timestamp value={integration.lastCheckedAt} />
          </dd>
        </div>
        <div>
          <dt>Last success</dt>
          <dd>
            <Timestamp value={integration.lastSuccessAt} />
          </dd>
        </div>
        {integration.disconnectedAt ? (
          <div>
            <dt>Disconnected</dt>
            <dd>
              <Timestamp value={integration.disconnectedAt} />
            </dd>
          </div>
        ) : null}
      </dl>
    </div>
  );
}
