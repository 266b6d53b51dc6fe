import type { PartnerCatalogEntry } from "../../../shared/catalog";
import { configText, type IntegrationConfig, type PermissionRef } from "../../../shared/contract";

/**
 * What the UI derives from a partner's catalog entry about features and permissions: the features grouped by the
 * API (Entra resource) they call, the permissions a choice of features needs, and the admin-consent link.
 */

export type CatalogFeature = PartnerCatalogEntry["features"][number];
export type CatalogApi = PartnerCatalogEntry["apis"][number];

/** The ids among `ids` that the partner's catalog knows, in the order given; a stale id is dropped. */
export function knownFeatureIds(partner: PartnerCatalogEntry, ids: readonly string[]): string[] {
  return ids.filter((id) => partner.features.some((feature) => feature.id === id));
}

/** The API of a feature as the catalog describes it (the portal's name and tab), or a stand-in for an unknown id. */
function apiOf(partner: PartnerCatalogEntry, apiId: string): CatalogApi {
  return (
    partner.apis.find((api) => api.id === apiId) ?? {
      id: apiId,
      portalName: apiId,
      portalTab: "APIs my organization uses",
    }
  );
}

/** The partner's features grouped by API, in the order of `partner.apis`. */
export function featuresByApi(
  partner: PartnerCatalogEntry,
): Array<{ api: CatalogApi; features: CatalogFeature[] }> {
  const apiIds = [
    ...partner.apis.map((api) => api.id),
    ...partner.features.map((feature) => feature.api).filter((id) => !partner.apis.some((a) => a.id === id)),
  ];
  return [...new Set(apiIds)]
    .map((id) => ({ api: apiOf(partner, id), features: partner.features.filter((f) => f.api === id) }))
    .filter((group) => group.features.length > 0);
}

/** The portal name of a feature's API ("WindowsDefenderATP", "Microsoft Graph"). */
export function apiNameOf(partner: PartnerCatalogEntry, feature: CatalogFeature): string {
  return apiOf(partner, feature.api).portalName;
}

/** A feature's label, or its id when the catalog does not know it. */
export function featureLabel(partner: PartnerCatalogEntry | undefined, id: string): string {
  return partner?.features.find((feature) => feature.id === id)?.label ?? id;
}

export interface NeededPermission extends PermissionRef {
  /** The labels of the chosen features that need it. */
  neededBy: string[];
}

/** The permissions the chosen features need, with the API each belongs to, in catalog order and without repeats. */
export function permissionsForFeatures(
  partner: PartnerCatalogEntry,
  featureIds: readonly string[],
): NeededPermission[] {
  const out = new Map<string, NeededPermission>();
  for (const feature of partner.features.filter((f) => featureIds.includes(f.id))) {
    const api = apiNameOf(partner, feature);
    for (const { name } of feature.permissions) {
      const key = `${api}|${name}`;
      const known = out.get(key);
      if (known) known.neededBy.push(feature.label);
      else out.set(key, { name, api, neededBy: [feature.label] });
    }
  }
  return [...out.values()];
}

/**
 * Group permissions by API as the Entra portal lists them, APIs in the catalog's order (then any other API in the
 * order met), permissions in the order given.
 */
export function groupByApi<T extends PermissionRef>(
  permissions: readonly T[],
  apiOrder: readonly string[] = [],
): Array<{ api: string; permissions: T[] }> {
  const apis = [...new Set([...apiOrder, ...permissions.map((p) => p.api)])];
  return apis
    .map((api) => ({ api, permissions: permissions.filter((p) => p.api === api) }))
    .filter((group) => group.permissions.length > 0);
}

/** The portal names of the partner's APIs, in catalog order: the order to show permission groups in. */
export function apiOrderOf(partner: PartnerCatalogEntry | undefined): string[] {
  return partner?.apis.map((api) => api.portalName) ?? [];
}

/** Where to add an API's permissions in the Entra portal, e.g. "APIs my organization uses". */
export function portalTabOf(partner: PartnerCatalogEntry, apiName: string): string {
  return partner.apis.find((api) => api.portalName === apiName)?.portalTab ?? "APIs my organization uses";
}

/**
 * The partner's grant link (Microsoft's admin consent) for a stored connection, in its cloud, with the config's
 * values filled in; undefined when the partner has none or the config lacks a value it needs.
 */
export function grantLinkFor(
  partner: PartnerCatalogEntry,
  config: IntegrationConfig,
): { url: string; host: string; label: string; note: string } | undefined {
  const grant = partner.grantLink;
  if (!grant) return undefined;
  const entry = grant.urls.find((u) => u.cloud === config.cloud) ?? grant.urls[0];
  if (!entry) return undefined;
  let complete = true;
  const url = entry.template.replace(/\{(\w+)\}/g, (_match, field: string) => {
    const value = configText(config, field)?.trim() ?? "";
    if (value === "") complete = false;
    return encodeURIComponent(value);
  });
  return complete ? { url, host: entry.host, label: grant.label, note: grant.note } : undefined;
}

/** What a partner's setup guide follows while an admin fills the connect form. */
export interface ConnectDraft {
  features: string[];
  /** The partner's fields as typed so far (never the secret). */
  values: Record<string, string>;
}
