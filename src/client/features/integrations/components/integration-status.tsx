import type { Integration } from "../../../../shared/contract";
import { Timestamp } from "../../../components/timestamp";
import styles from "./integration-status.module.css";
import { SupportDetails } from "./support-details";

function Explanation({ integration }: { integration: Integration }) {
  const { status, error } = integration;
  if (status === "disconnected") {
    return (
      <p>
        Disconnected. The App Secret was erased: its encryption key was destroyed, so no stored copy of it can
        be read again, and Patchbay no longer checks this tenant. The configuration and the event log below
        are kept. The secret itself still works in Microsoft Entra ID: delete it there under App registrations
        → Certificates &amp; secrets.
      </p>
    );
  }
  if (status === "checking") return <p>Patchbay is verifying this connection with Microsoft right now.</p>;
  if (status === "connected") {
    return <p>The last check signed in to Microsoft Entra ID and read from the Defender API.</p>;
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
export function IntegrationStatus({ integration }: { integration: Integration }) {
  return (
    <div className={styles.status}>
      <Explanation integration={integration} />
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
