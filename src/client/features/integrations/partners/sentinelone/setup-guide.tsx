import { Info } from "lucide-react";
import type { PartnerCatalogEntry } from "../../../../../shared/catalog";
import { schemaOptionsOf } from "../../../../../shared/partners/registry";
import {
  parseSentinelOneConsoleUrl,
  SENTINELONE_API_PREFIX,
} from "../../../../../shared/partners/sentinelone";
import { type ConnectDraft, permissionsForFeatures } from "../../features";
import styles from "../setup-guide.module.css";
import type { SetupGuideProps } from "../types";

/** What Patchbay will call for the Console URL typed so far, or undefined while it is not a console address. */
export function draftApiBase(
  partner: PartnerCatalogEntry,
  draft: ConnectDraft | undefined,
): string | undefined {
  const parsed = parseSentinelOneConsoleUrl(
    draft?.values.consoleUrl ?? "",
    schemaOptionsOf(partner).extraSentinelOneHosts,
  );
  return parsed.ok ? `${parsed.consoleUrl}${SENTINELONE_API_PREFIX}` : undefined;
}

/**
 * SentinelOne in its own terms: a Service User (Settings → Users → Service Users → New) scoped to an Account or a
 * Site, with the Viewer role (read-only is enough) and an expiry; its API token, shown once; the console URL from
 * the browser's address bar. Then the role permissions the chosen features need.
 */
export function SentinelOneSetupGuide({ partner, draft }: SetupGuideProps) {
  const chosen = draft?.features ?? partner.defaultFeatures;
  const needed = permissionsForFeatures(partner, chosen);
  const apiBase = draftApiBase(partner, draft);

  return (
    <aside className={styles.guide} aria-label="Setup guide">
      <h2>Setup guide</h2>
      <ol className={styles.steps}>
        <li>
          Sign in to your SentinelOne management console and copy its address from the browser's address bar,
          e.g. <code>https://usea1-example.sentinelone.net</code>, into <strong>Console URL</strong>. Any path
          after the host is removed. <code>console.sentinelone.net</code> is not a tenant's console.
        </li>
        <li>
          Open <strong>Settings → Users → Service Users → New Service User</strong>. Name it (e.g. “Patchbay”)
          and choose when its token expires: Patchbay reads that date and warns 30 days before.
        </li>
        <li>
          Choose its <strong>scope</strong>: the Account or the Site whose threats and endpoints Patchbay
          should read.
        </li>
        <li>
          Give it the <strong>Viewer</strong> role. It is read-only, and all Patchbay needs.
        </li>
        <li>
          Create it and copy the <strong>API token</strong> into API token right away: SentinelOne shows it
          only once.
        </li>
        <li>
          Optional: to read only one account or site of a wider scope, type its <strong>Account ID</strong> or{" "}
          <strong>Site ID</strong> (Settings → Accounts or Sites, the ID column).
        </li>
      </ol>

      <section className={styles.section}>
        <h3>What the role must allow</h3>
        {needed.length === 0 ? (
          <p className={styles.muted}>Choose at least one feature to see what it needs.</p>
        ) : (
          <ul className={styles.permissions} aria-label="Role permissions needed">
            {needed.map((permission) => (
              <li key={permission.name} className={styles.permission}>
                <code>{permission.name}</code>
                <p className={styles.muted}>For {permission.neededBy.join(", ")}. Viewer includes it.</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className={styles.section}>
        <h3>What Patchbay checks</h3>
        <p className={styles.callout}>
          <Info size={16} aria-hidden="true" />
          <span>
            Test connection calls the Management API
            {apiBase ? (
              <>
                {" "}
                at <code>{apiBase}</code>
              </>
            ) : null}{" "}
            with the token: system information, the token's expiry date, and one threat and one agent for the
            features you chose. It never calls accounts, which a site-scoped token may not read.
          </span>
        </p>
      </section>
    </aside>
  );
}
