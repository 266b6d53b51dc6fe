import { RefreshCw } from "lucide-react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { Integration } from "../../../../shared/contract";
import { buttonClass } from "../../../components/button";
import { NewTabLink } from "../../../components/new-tab-link";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { grantLinkFor } from "../features";
import styles from "./admin-consent.module.css";

interface AdminConsentProps {
  integration: Integration;
  partner: PartnerCatalogEntry | undefined;
  /** Re-verify now (the page's re-check), after the admin granted consent in Entra. */
  onRecheck: () => void;
  recheckPending: boolean;
  /** Why the user cannot re-check (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

/**
 * The tenant's admin-consent link for this app, in its cloud, and "Re-check after granting", so an admin can add a
 * missing permission and see it take effect without leaving the page.
 */
export function AdminConsent({
  integration,
  partner,
  onRecheck,
  recheckPending,
  readOnlyReason,
}: AdminConsentProps) {
  if (integration.status === "disconnected" || !partner) return null;
  const link = grantLinkFor(partner, integration.config);
  if (!link) return null;
  const restricted = readOnlyReason !== undefined;
  return (
    <div className={styles.consent}>
      <NewTabLink href={link.url} strong>
        {link.label}
      </NewTabLink>
      <p className={styles.note}>
        Opens {link.host} for this connection. {link.note}
      </p>
      <div className={styles.actions}>
        <button
          type="button"
          className={buttonClass()}
          disabled={restricted || recheckPending || integration.status === "checking"}
          aria-describedby={restricted ? "consent-restricted" : "recheck-progress"}
          onClick={onRecheck}
        >
          <RefreshCw size={16} aria-hidden="true" />
          Re-check after granting
        </button>
        {restricted ? <ReadOnlyNotice id="consent-restricted" reason={readOnlyReason} /> : null}
      </div>
    </div>
  );
}
