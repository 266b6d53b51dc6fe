import { Info } from "lucide-react";
import type { PartnerCatalogEntry } from "../../../../../shared/catalog";
import {
  adminConsentUrl,
  defenderClouds,
  isGuid,
  parseDefenderBaseUrl,
} from "../../../../../shared/partners/defender";
import { schemaOptionsOf } from "../../../../../shared/partners/registry";
import { CopyButton } from "../../../../components/copy-button";
import { NewTabLink } from "../../../../components/new-tab-link";
import {
  type ConnectDraft,
  featureLabel,
  groupByApi,
  type NeededPermission,
  permissionsForFeatures,
  portalTabOf,
} from "../../features";
import styles from "../setup-guide.module.css";
import type { SetupGuideProps } from "../types";

/** Each distinct Entra admin center, with the clouds it serves. */
function entraPortals(): Array<{ url: string; clouds: string }> {
  const portals = new Map<string, string[]>();
  for (const cloud of Object.values(defenderClouds)) {
    portals.set(cloud.entraPortal, [...(portals.get(cloud.entraPortal) ?? []), cloud.label]);
  }
  return [...portals].map(([url, clouds]) => ({ url, clouds: clouds.join(", ") }));
}

/**
 * The tenant's admin-consent link for this app, in the cloud of the Base URL typed so far (commercial until it is
 * valid), or undefined while Tenant ID or App ID is not a GUID yet.
 */
export function draftConsentLink(
  partner: PartnerCatalogEntry,
  draft: ConnectDraft,
): { url: string; host: string; cloudLabel: string } | undefined {
  const tenant = (draft.values.tenantId ?? "").trim().toLowerCase();
  const app = (draft.values.appId ?? "").trim().toLowerCase();
  if (!isGuid(tenant) || !isGuid(app)) return undefined;
  const parsed = parseDefenderBaseUrl(draft.values.baseUrl ?? "", schemaOptionsOf(partner).extraHosts);
  const cloud = defenderClouds[parsed.ok ? parsed.region.cloud : "commercial"];
  return {
    url: adminConsentUrl(cloud.authorityHost, tenant, app),
    host: cloud.authorityHost,
    cloudLabel: cloud.label,
  };
}

type GuideEntry = PartnerCatalogEntry["permissionGuide"][number];

/** Why a permission the seed guides ask for is not needed for the chosen features. */
function reasonNotNeeded(partner: PartnerCatalogEntry, entry: GuideEntry, chosen: readonly string[]): string {
  if (entry.feature === null || chosen.includes(entry.feature)) return entry.note;
  const feature = partner.features.find((f) => f.id === entry.feature);
  const own = feature?.permissions.some((p) => p.name === entry.name) ?? false;
  const notChosen = `Only for ${featureLabel(partner, entry.feature)}, which is not chosen.`;
  return own ? notChosen : `${notChosen} ${entry.note}`;
}

/** The seed guides' permissions that the chosen features do not need, each once, with the reason. */
function notNeeded(
  partner: PartnerCatalogEntry,
  needed: readonly NeededPermission[],
  chosen: readonly string[],
) {
  const seen = new Set(needed.map((p) => `${p.api}|${p.name}`));
  const out: Array<GuideEntry & { reason: string }> = [];
  for (const entry of partner.permissionGuide) {
    const key = `${entry.api}|${entry.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...entry, reason: reasonNotNeeded(partner, entry, chosen) });
  }
  return out;
}

function PermissionsToAdd({ partner, needed }: { partner: PartnerCatalogEntry; needed: NeededPermission[] }) {
  if (needed.length === 0) {
    return <p className={styles.muted}>Choose at least one feature to see the permissions it needs.</p>;
  }
  const groups = groupByApi(
    needed,
    partner.apis.map((api) => api.portalName),
  );
  return (
    <ul className={styles.apis} aria-label="Permissions to add">
      {groups.map((group) => (
        <li key={group.api} className={styles.api}>
          <div className={styles.path}>
            <p>
              {portalTabOf(partner, group.api)} → <code>{group.api}</code> → Application permissions
            </p>
            <CopyButton value={group.api} label={group.api} />
          </div>
          <ul className={styles.permissions} aria-label={`${group.api} application permissions`}>
            {group.permissions.map((permission) => (
              <li key={permission.name} className={styles.permission}>
                <div>
                  <code>{permission.name}</code>
                  <p className={styles.muted}>For {permission.neededBy.join(", ")}</p>
                </div>
                <CopyButton value={permission.name} label={permission.name} />
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * The app-registration steps; the permissions the chosen features need, grouped by API as the Entra portal lists
 * them (with copy buttons); the admin-consent link once Tenant ID and App ID are GUIDs; the permissions the seed
 * guides ask for that Patchbay does not need; and Microsoft's docs.
 */
export function DefenderSetupGuide({ partner, draft }: SetupGuideProps) {
  const chosen = draft?.features ?? partner.defaultFeatures;
  const needed = permissionsForFeatures(partner, chosen);
  const extra = notNeeded(partner, needed, chosen);
  const consent = draft ? draftConsentLink(partner, draft) : undefined;

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
        <p className={styles.muted}>
          For the features you chose, in the app registration: API permissions → Add a permission.
        </p>
        <PermissionsToAdd partner={partner} needed={needed} />
      </section>

      <section className={styles.section}>
        <h3>Admin consent</h3>
        <p className={styles.callout}>
          <Info size={16} aria-hidden="true" />
          <span>
            After adding the permissions, choose <strong>Grant admin consent</strong>. Without consent the
            token carries no permissions and every call is refused.
          </span>
        </p>
        {consent ? (
          <div className={styles.consentLink}>
            <NewTabLink href={consent.url} strong>
              Grant admin consent
            </NewTabLink>
            <p className={styles.muted}>
              Opens {consent.host} ({consent.cloudLabel}) for this tenant and app. It grants exactly the
              permissions the app registration lists, nothing more, so add them first. Sign in as an
              administrator who can grant tenant-wide consent.
            </p>
          </div>
        ) : (
          <p className={styles.muted}>Enter Tenant ID and App ID to get a direct admin-consent link here.</p>
        )}
      </section>

      {extra.length > 0 ? (
        <details className={styles.notNeeded}>
          <summary>Permissions the seed guides ask for that Patchbay does not need ({extra.length})</summary>
          <ul className={styles.notNeededList} aria-label="Permissions Patchbay does not need">
            {extra.map((entry) => (
              <li key={`${entry.api}|${entry.name}`}>
                <p>
                  <code>{entry.name}</code>{" "}
                  <span className={styles.muted}>
                    · {entry.api} · {entry.kind === "delegated" ? "Delegated" : "Application"}
                  </span>
                </p>
                <p className={styles.muted}>{entry.reason}</p>
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <section className={styles.section}>
        <h3>Microsoft documentation</h3>
        <ul className={styles.links}>
          {entraPortals().map(({ url, clouds }) => (
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
