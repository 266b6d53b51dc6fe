import {
  CalendarCheck,
  CircleMinus,
  CircleX,
  Database,
  type LucideIcon,
  Plug,
  TriangleAlert,
} from "lucide-react";
import { type RefObject, useRef } from "react";
import { Link } from "react-router";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { configText, type Integration } from "../../../../shared/contract";
import type { ConnectionFreshness } from "../../../../shared/data-contract";
import { buttonClass } from "../../../components/button";
import panelStyles from "../../../components/panel.module.css";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { Timestamp } from "../../../components/timestamp";
import { useNow } from "../../../lib/use-now";
import { dayCount, type ExpiryUrgency, expiryInfo } from "../expiry";
import { featureLabel } from "../features";
import { DisconnectDialog } from "./disconnect-dialog";
import { featureStatusWord } from "./feature-results";
import styles from "./partner-card.module.css";
import { StatusBadge } from "./status-badge";

interface PartnerCardProps {
  partner: PartnerCatalogEntry;
  /** This partner's integrations, disconnected ones included (shown as history). */
  integrations: Integration[];
  /** Each connection's data freshness by id; undefined while it loads (the cards show none meanwhile). */
  freshness?: ReadonlyMap<string, ConnectionFreshness> | undefined;
  /** Connections left out because a search matched only other connections' names. */
  hiddenConnections?: number | undefined;
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

/**
 * The connection's enabled features, in the catalog's order, each by its catalog label (Incidents, Threat hunting
 * (Microsoft Graph), Intune…); one the last check found not working says so in words beside a warning icon.
 */
function EnabledFeatures({
  partner,
  integration,
}: {
  partner: PartnerCatalogEntry;
  integration: Integration;
}) {
  const enabled = integration.config.features;
  if (enabled.length === 0) return null;
  const rank = (id: string) => {
    const index = partner.features.findIndex((feature) => feature.id === id);
    return index === -1 ? partner.features.length : index;
  };
  const ids = [...enabled].sort((a, b) => rank(a) - rank(b));
  return (
    <div className={styles.featureLine}>
      <span className={styles.meta} aria-hidden="true">
        Features:
      </span>
      <ul className={styles.features} aria-label={`${integration.name} features`}>
        {ids.map((id) => {
          const result = integration.features.find((r) => r.id === id);
          const attention = result !== undefined && result.status !== "working";
          return (
            <li
              key={id}
              className={attention ? `${styles.feature} ${styles.featureAttention}` : styles.feature}
            >
              {attention ? <TriangleAlert size={12} aria-hidden="true" focusable="false" /> : null}
              {featureLabel(partner, id)}
              {attention ? ` (${featureStatusWord(result.status).toLowerCase()})` : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const sourceCount = (n: number) => `${n} ${n === 1 ? "source" : "sources"}`;

/**
 * Where the connection's data stands, from GET /api/sync/freshness: "Data: last received 3 minutes ago", "No data
 * yet" (while the first sync runs, it says so), or "Sync off" when none of its features brings data in; and how
 * many sources are failing (its page says why). Nothing while the freshness loads.
 */
function DataFreshness({ freshness }: { freshness: ConnectionFreshness | undefined }) {
  if (freshness === undefined) return null;
  if (freshness.sources === 0) {
    return (
      <p className={styles.freshness}>
        <CircleMinus size={14} aria-hidden="true" focusable="false" />
        <span>Sync off: none of its features brings data into Patchbay</span>
      </p>
    );
  }
  return (
    <p className={styles.freshness}>
      <Database size={14} aria-hidden="true" focusable="false" />
      <span>
        {freshness.lastDataAt ? (
          <>
            Data: last received <Timestamp value={freshness.lastDataAt} />
          </>
        ) : (
          <>No data yet{freshness.firstSyncDone ? "" : freshness.running ? " · first sync running" : ""}</>
        )}
      </span>
      {freshness.failing > 0 ? (
        <span className={styles.failing}>
          <TriangleAlert size={14} aria-hidden="true" focusable="false" />
          {sourceCount(freshness.failing)} failing
        </span>
      ) : null}
    </p>
  );
}

function ConnectionRow({
  partner,
  integration,
  freshness,
  onDisconnect,
  fallbackFocus,
  readOnly,
}: {
  partner: PartnerCatalogEntry;
  integration: Integration;
  freshness: ConnectionFreshness | undefined;
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
        <DataFreshness freshness={freshness} />
        {integration.secret.expiresAt ? <SecretExpiryNote expiresAt={integration.secret.expiresAt} /> : null}
        <EnabledFeatures partner={partner} integration={integration} />
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
export function PartnerCard({
  partner,
  integrations,
  freshness,
  hiddenConnections = 0,
  onDisconnect,
  readOnlyReason,
}: PartnerCardProps) {
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
            <h3 id={headingId} ref={headingRef} tabIndex={-1}>
              {partner.name}
            </h3>
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
              freshness={freshness?.get(integration.id)}
              onDisconnect={onDisconnect}
              fallbackFocus={headingRef}
              readOnly={readOnlyReason !== undefined}
            />
          ))}
        </ul>
      ) : hiddenConnections > 0 ? null : (
        <p className={styles.meta}>Not connected.</p>
      )}
      {hiddenConnections > 0 ? (
        <p className={styles.meta}>
          {hiddenConnections === 1
            ? "1 other connection does not match the search."
            : `${hiddenConnections} other connections do not match the search.`}
        </p>
      ) : null}
      {history.length > 0 ? <DisconnectedHistory partner={partner} integrations={history} /> : null}
    </article>
  );
}
