import { Info } from "lucide-react";
import { CopyButton } from "../../../../components/copy-button";
import { NewTabLink } from "../../../../components/new-tab-link";
import { featureLabel, permissionsForFeatures } from "../../features";
import styles from "../setup-guide.module.css";
import type { SetupGuideProps } from "../types";

/**
 * Falcon's API client, in Falcon's terms: where to create it (Support and resources → API clients and keys), the
 * Read scopes the chosen features need (with copy buttons), the IP allowlist that answers exactly like a missing
 * scope, the scopes older guides ask for that Patchbay does not need, and CrowdStrike's docs.
 */
export function FalconSetupGuide({ partner, draft }: SetupGuideProps) {
  const chosen = draft?.features ?? partner.defaultFeatures;
  const needed = permissionsForFeatures(partner, chosen);
  const notNeeded = partner.permissionGuide.filter(
    (entry) => entry.feature === null || !chosen.includes(entry.feature),
  );
  return (
    <aside className={styles.guide} aria-label="Setup guide">
      <h2>Setup guide</h2>
      <ol className={styles.steps}>
        {partner.setupSteps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>

      <section className={styles.section}>
        <h3>Scopes to tick</h3>
        <p className={styles.muted}>
          For the features you chose, on the API client: tick <strong>Read</strong> for each of these, nothing
          else.
        </p>
        {needed.length === 0 ? (
          <p className={styles.muted}>Choose at least one feature to see the scopes it needs.</p>
        ) : (
          <ul className={styles.permissions} aria-label="API client scopes to tick">
            {needed.map((scope) => (
              <li key={scope.name} className={styles.permission}>
                <div>
                  <code>{scope.name}</code>
                  <p className={styles.muted}>For {scope.neededBy.join(", ")}</p>
                </div>
                <CopyButton value={scope.name} label={scope.name} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className={styles.section}>
        <h3>IP allowlist</h3>
        <p className={styles.callout}>
          <Info size={16} aria-hidden="true" />
          <span>
            If your Falcon tenant restricts API clients to listed addresses, add the address this Patchbay
            server calls from. Falcon refuses a blocked address with the same “access denied, authorization
            failed” as a missing scope.
          </span>
        </p>
      </section>

      {notNeeded.length > 0 ? (
        <details className={styles.notNeeded}>
          <summary>Scopes Patchbay does not need ({notNeeded.length})</summary>
          <ul className={styles.notNeededList} aria-label="Scopes Patchbay does not need">
            {notNeeded.map((entry) => (
              <li key={entry.name}>
                <p>
                  <code>{entry.name}</code>
                </p>
                <p className={styles.muted}>
                  {entry.feature !== null && !chosen.includes(entry.feature)
                    ? `Only for ${featureLabel(partner, entry.feature)}, which is not chosen.`
                    : entry.note}
                </p>
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <section className={styles.section}>
        <h3>CrowdStrike documentation</h3>
        <ul className={styles.links}>
          {partner.docs.map((doc) => (
            <li key={doc.url}>
              <NewTabLink href={doc.url}>{doc.label}</NewTabLink>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
