import { CalendarCheck, CircleX, type LucideIcon, Plug, TriangleAlert } from "lucide-react";
import { type RefObject, useRef } from "react";
import { Link } from "react-router";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { configText, type Integration } from "../../../../shared/contract";
import { buttonClass } from "../../../components/button";
import panelStyles from "../../../components/panel.module.css";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { Timestamp } from "../../../components/timestamp";
import { useNow } from "../../../lib/use-now";
import { dayCount, type ExpiryUrgency, expiryInfo } from "../expiry";
import { DisconnectDialog } from "./disconnect-dialog";
import styles from "./partner-card.module.css";
import { StatusBadge } from "./status-badge";

interface PartnerCardProps {
  partner: PartnerCatalogEntry;
  /** This partner's integrations, disconnected ones included (shown as history). */
  integrations: Integration[];
  onDisconnect: (integration: Integration) => Promise<void>;
  /** Why the user cannot connect or disconnect (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

const expiryLook: Record<ExpiryUrgency, { Icon: LucideIcon; className: string | undefined }> = {
  ok: { Icon: CalendarCheck, className: styles.expiryOk },
  soon: { Icon: TriangleAlert, className: styles.expirySoon },
  expired: { Icon: CircleX, className: styles.expired },
};

/** "Secret expires in 12 days" (amber from 30 days, red once expired), with icon and colour. */
function SecretExpiryNote({ expiresAt }: { expiresAt: string }) {
  const now = useNow();
  const info = expiryInfo(expiresAt, now);
  const { Icon, className } = expiryLook[info.urgency];
  const words = info.expired
    ? info.days === 0
      ? "Secret expired today"
      : `Secret expired ${dayCount(info.days)} ago`
    : `Secret expires in ${dayCount(info.days)}`;
  return (
    <p className={`${styles.expiry} ${className ?? ""}`}>
      <Icon size={14} aria-hidden="true" focusable="false" />
      <span>{words}</span>
    </p>
  );
}

/** “Tenant <id>”: what tells this connection from another of the partner's (its catalog identity field). */
function Identity({ partner, integration }: { partner: PartnerCatalogEntry; integration: Integration }) {
  const value = configText(integration.config, partner.identity.field);
  if (value === undefined) return null;
  return (
    <>
      {partner.identity.label} <code>{value}</code> ·{" "}
    </>
  );
}

function ConnectionRow({
  partner,
  integration,
  onDisconnect,
  fallbackFocus,
  readOnly,
}: {
  partner: PartnerCatalogEntry;
  integration: Integration;
  onDisconnect: (integration: Integration) => Promise<void>;
  fallbackFocus: RefObject<HTMLHeadingElement | null>;
  readOnly: boolean;
}) {
  const open = readOnly ? "View" : "Manage";
  return (
    <li className={styles.connection}>
      <div className={styles.connectionInfo}>
        <p className={styles.connectionName}>
          <StatusBadge status={integration.status} />
          <span>{integration.name}</span>
        </p>
        <p className={styles.meta}>
          <Identity partner={partner} integration={integration} />
          Last checked <Timestamp value={integration.lastCheckedAt} />
        </p>
        {integration.secret.expiresAt ? <SecretExpiryNote expiresAt={integration.secret.expiresAt} /> : null}
      </div>
      <div className={styles.actions}>
        <Link
          to={`/integrations/${integration.id}`}
          className={buttonClass()}
          aria-label={`${open} ${integration.name}`}
        >
          {open}
        </Link>
        {readOnly ? null : (
          <DisconnectDialog
            partner={partner}
            integrationName={integration.name}
            onConfirm={() => onDisconnect(integration)}
            fallbackFocus={fallbackFocus}
            triggerLabel={`Disconnect ${integration.name}`}
          />
        )}
      </div>
    </li>
  );
}

function DisconnectedHistory({
  partner,
  integrations,
}: {
  partner: PartnerCatalogEntry;
  integrations: Integration[];
}) {
  return (
    <details className={styles.history}>
      <summary>Disconnected ({integrations.length})</summary>
      <ul className={styles.historyList}>
        {integrations.map((integration) => (
          <li key={integration.id}>
            <Link to={`/integrations/${integration.id}`}>{integration.name}</Link>{" "}
            <span className={styles.meta}>
              · <Identity partner={partner} integration={integration} />
              Disconnected <Timestamp value={integration.disconnectedAt} never="at an unknown time" />
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** One partner: what it is, its live connections with their status, Connect, and the disconnected history. */
export function PartnerCard({ partner, integrations, onDisconnect, readOnlyReason }: PartnerCardProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = `partner-${partner.id}`;
  const active = integrations.filter((integration) => integration.status !== "disconnected");
  const history = integrations.filter((integration) => integration.status === "disconnected");

  return (
    <article className={panelStyles.panel} aria-labelledby={headingId}>
      <header className={styles.header}>
        <div className={styles.identity}>
          <Plug size={24} aria-hidden="true" className={styles.logo} />
          <div>
            <h2 id={headingId} ref={headingRef} tabIndex={-1}>
              {partner.name}
            </h2>
            <p className={styles.meta}>
              {partner.vendor} · {partner.category}
            </p>
          </div>
        </div>
        {readOnlyReason === undefined ? (
          <Link
            to={`/integrations/connect/${partner.id}`}
            className={buttonClass("primary")}
            aria-label={`Connect ${partner.name}`}
          >
            Connect
          </Link>
        ) : (
          <div className={styles.restricted}>
            <button
              type="button"
              className={buttonClass("primary")}
              disabled
              aria-label={`Connect ${partner.name}`}
              aria-describedby={`${headingId}-restricted`}
            >
              Connect
            </button>
            <ReadOnlyNotice id={`${headingId}-restricted`} reason={readOnlyReason} />
          </div>
        )}
      </header>
      <p>{partner.description}</p>
      {active.length > 0 ? (
        <ul className={styles.connections} aria-label={`${partner.name} connections`}>
          {active.map((integration) => (
            <ConnectionRow
              partner={partner}
              key={integration.id}
              integration={integration}
              onDisconnect={onDisconnect}
              fallbackFocus={headingRef}
              readOnly={readOnlyReason !== undefined}
            />
          ))}
        </ul>
      ) : (
        <p className={styles.meta}>Not connected.</p>
      )}
      {history.length > 0 ? <DisconnectedHistory partner={partner} integrations={history} /> : null}
    </article>
  );
}
