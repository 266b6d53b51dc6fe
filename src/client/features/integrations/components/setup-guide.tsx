import { ExternalLink, Info } from "lucide-react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { CopyButton } from "../../../components/copy-button";
import { VisuallyHidden } from "../../../components/visually-hidden";
import styles from "./setup-guide.module.css";

/** Each distinct Entra admin center, with the clouds it serves. */
function entraPortals(partner: PartnerCatalogEntry): Array<{ url: string; clouds: string }> {
  const portals = new Map<string, string[]>();
  for (const cloud of partner.clouds) {
    portals.set(cloud.entraPortal, [...(portals.get(cloud.entraPortal) ?? []), cloud.label]);
  }
  return [...portals].map(([url, clouds]) => ({ url, clouds: clouds.join(", ") }));
}

function NewTabLink({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer" className={styles.link}>
      {children}
      <ExternalLink size={12} aria-hidden="true" />
      <VisuallyHidden> (opens in a new tab)</VisuallyHidden>
    </a>
  );
}

/** The app-registration steps, the permissions to add (with copy buttons) and Microsoft's docs. */
export function SetupGuide({ partner }: { partner: PartnerCatalogEntry }) {
  return (
    <aside className={styles.guide} aria-label="Setup guide">
      <h2>Setup guide</h2>
      <ol className={styles.steps}>
        {partner.setupSteps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>

      <section className={styles.section}>
        <h3>Permissions to add</h3>
        <p>
          API: <code>{partner.permissionResource}</code>{" "}
          <CopyButton value={partner.permissionResource} label={partner.permissionResource} />
          <br />
          Type: Application permissions
        </p>
        <ul className={styles.permissions}>
          {partner.features.map(({ id, label, permission }) => (
            <li key={id} className={styles.permission}>
              <div>
                <code>{permission.name}</code>
                <p className={styles.muted}>
                  {label}: {permission.description}
                </p>
              </div>
              <CopyButton value={permission.name} label={permission.name} />
            </li>
          ))}
        </ul>
      </section>

      <p className={styles.consent}>
        <Info size={16} aria-hidden="true" />
        <span>
          After adding the permissions, choose <strong>Grant admin consent</strong>. Without consent the token
          carries no permissions and every Defender call is refused.
        </span>
      </p>

      <section className={styles.section}>
        <h3>Microsoft documentation</h3>
        <ul className={styles.links}>
          {entraPortals(partner).map(({ url, clouds }) => (
            <li key={url}>
              <NewTabLink href={url}>{`Microsoft Entra admin center (${clouds})`}</NewTabLink>
            </li>
          ))}
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
