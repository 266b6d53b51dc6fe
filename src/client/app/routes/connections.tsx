import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link } from "react-router";
import type { ConnectionOption, PartnerOption } from "../../components/source-filter";
import { integrationListQuery, partnersQuery } from "../../features/integrations/api/queries";
import styles from "./page.module.css";

/** No connection yet: nothing can have synced, and the way forward is Integrations. */
export function NoConnectionYet({ what }: { what: string }) {
  return (
    <div className={styles.intro}>
      <p>No connection yet. Connect a partner, and its {what} appear here once the first sync has run.</p>
      <Link to="/integrations">Go to Integrations</Link>
    </div>
  );
}

/** Connections for a filter, disconnected ones marked (what they synced stays listed). */
export function useConnections() {
  const integrations = useQuery(integrationListQuery());
  return useMemo(() => {
    const list = integrations.data ?? [];
    const options: ConnectionOption[] = list.map((integration) => ({
      id: integration.id,
      partner: integration.partner,
      name: integration.status === "disconnected" ? `${integration.name} (disconnected)` : integration.name,
    }));
    return {
      /** Known once the list has loaded: an empty list means nothing was ever connected. */
      none: integrations.data !== undefined && list.length === 0,
      options,
      names: new Map(list.map((integration) => [integration.id, integration.name])),
    };
  }, [integrations.data]);
}

/** The partner catalog's entries for a Partner filter (empty while the catalog loads). */
export function usePartnerOptions(): readonly PartnerOption[] {
  const partners = useQuery(partnersQuery());
  return useMemo(
    () => (partners.data ?? []).map((partner) => ({ id: partner.id, name: partner.name })),
    [partners.data],
  );
}
