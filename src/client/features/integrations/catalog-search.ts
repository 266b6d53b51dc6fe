import type { PartnerCatalogEntry } from "../../../shared/catalog";
import type { Integration } from "../../../shared/contract";

/** What the search reads of a catalog entry and of a connection (generic, so any partner's fit). */
type Searchable = Pick<PartnerCatalogEntry, "name" | "vendor" | "category" | "description"> & { id: string };
type Connection = { partner: string; name: string; status: string };

/**
 * The Integrations page's search and grouping: partners grouped by the catalog's category (in the catalog's
 * order), narrowed by a query that matches a partner's name, vendor, category or description, or a connection's
 * name. Partner-agnostic: it reads only what every catalog entry and connection has.
 */

/** One partner as the page shows it: its live connections and its disconnected history, perhaps narrowed. */
export interface PartnerMatch<
  P extends Searchable = PartnerCatalogEntry,
  C extends Connection = Integration,
> {
  partner: P;
  /** Connections not disconnected, in the list's order. */
  active: C[];
  history: C[];
  /** Connections left out because only other connections' names matched (0 when the partner itself matched). */
  hidden: number;
}

export interface CategoryGroup<
  P extends Searchable = PartnerCatalogEntry,
  C extends Connection = Integration,
> {
  category: string;
  partners: PartnerMatch<P, C>[];
}

export interface CatalogSearch<
  P extends Searchable = PartnerCatalogEntry,
  C extends Connection = Integration,
> {
  groups: CategoryGroup<P, C>[];
  /** Partners shown. */
  count: number;
  /** Partners in the catalog. */
  total: number;
}

/** Lower case, accents folded, white space collapsed: "Défender  Endpoint" finds "Defender for Endpoint". */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ");
}

/** The words of a query; each must be found (in the partner's text or the connection's name). */
export function queryWords(query: string): string[] {
  return fold(query)
    .split(" ")
    .filter((word) => word !== "");
}

function partnerText(partner: Searchable): string {
  return fold([partner.name, partner.vendor, partner.category, partner.description].join(" "));
}

/**
 * Group the catalog by category and apply the query. A partner whose own text holds every word shows all its
 * connections; otherwise it shows only the connections whose name (with the partner's text) holds every word, and
 * how many it left out; a partner with neither is not shown. An empty query shows everything.
 */
export function searchCatalog<P extends Searchable, C extends Connection>(
  partners: readonly P[],
  integrations: readonly C[],
  query: string,
): CatalogSearch<P, C> {
  const words = queryWords(query);
  const groups: CategoryGroup<P, C>[] = [];
  let count = 0;
  for (const partner of partners) {
    const own = integrations.filter((integration) => integration.partner === partner.id);
    const text = partnerText(partner);
    const matchesAll = (extra: string) => words.every((word) => text.includes(word) || extra.includes(word));
    const itself = matchesAll("");
    const shown = itself ? own : own.filter((integration) => matchesAll(fold(integration.name)));
    if (!itself && shown.length === 0) continue;
    const match: PartnerMatch<P, C> = {
      partner,
      active: shown.filter((integration) => integration.status !== "disconnected"),
      history: shown.filter((integration) => integration.status === "disconnected"),
      hidden: own.length - shown.length,
    };
    const group = groups.find((candidate) => candidate.category === partner.category);
    if (group) group.partners.push(match);
    else groups.push({ category: partner.category, partners: [match] });
    count += 1;
  }
  return { groups, count, total: partners.length };
}

const partnerCount = (n: number) => `${n} ${n === 1 ? "partner" : "partners"}`;

/** What the live region says: "2 partners match “contoso”.", "No partner matches “acme”.", or the total. */
export function describeSearch({ count, total }: { count: number; total: number }, query: string): string {
  const shown = query.trim();
  if (shown === "") return `${partnerCount(total)}.`;
  if (count === 0) return `No partner matches “${shown}”.`;
  return `${count === 1 ? "1 partner matches" : `${count} partners match`} “${shown}”.`;
}
