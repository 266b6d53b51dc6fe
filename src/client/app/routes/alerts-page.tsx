import { useMemo } from "react";
import { useSearchParams } from "react-router";
import panelStyles from "../../components/panel.module.css";
import { nextSort } from "../../components/sortable-table";
import {
  type AlertFilters,
  type AlertView,
  alertViewFromSearchParams,
  alertViewToSearchParams,
  firstAlertOrder,
} from "../../features/alerts/alert-view";
import { AlertFiltersForm } from "../../features/alerts/components/alert-filters-form";
import { AlertList } from "../../features/alerts/components/alert-list";
import { NoConnectionYet, useConnections, usePartnerOptions } from "./connections";
import styles from "./page.module.css";

export function AlertsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => alertViewFromSearchParams(searchParams), [searchParams]);
  const connections = useConnections();
  const partners = usePartnerOptions();

  function show(next: AlertView) {
    setSearchParams(alertViewToSearchParams(next));
  }

  const filters: AlertFilters = {
    severity: view.severity,
    status: view.status,
    range: view.range,
    partner: view.partner,
    integrationId: view.integrationId,
    q: view.q,
  };

  return (
    <div className={styles.page}>
      <title>Alerts · Patchbay</title>
      <div className={styles.intro}>
        <h1>Alerts</h1>
        <p className={styles.muted}>
          Alerts synced from every connection, newest first. Open one for its evidence and a link to the
          record in the partner's portal.
        </p>
      </div>
      <section className={panelStyles.panel} aria-labelledby="alerts-filters-heading">
        <h2 id="alerts-filters-heading">Filters</h2>
        <AlertFiltersForm
          filters={filters}
          partners={partners}
          connections={connections.options}
          onApply={(next) => show({ ...next, sort: view.sort })}
        />
      </section>
      <section className={panelStyles.panel} aria-labelledby="alerts-list-heading">
        <h2 id="alerts-list-heading">Alerts</h2>
        {connections.none ? (
          <NoConnectionYet what="alerts" />
        ) : (
          <AlertList
            view={view}
            connectionNames={connections.names}
            onSort={(key) => show({ ...view, sort: nextSort(view.sort, key, firstAlertOrder) })}
            onClearFilters={() => show({ sort: view.sort })}
          />
        )}
      </section>
    </div>
  );
}
