import { useMemo } from "react";
import { useSearchParams } from "react-router";
import panelStyles from "../../components/panel.module.css";
import { nextSort } from "../../components/sortable-table";
import { DeviceFiltersForm } from "../../features/devices/components/device-filters-form";
import { DeviceList } from "../../features/devices/components/device-list";
import {
  type DeviceFilters,
  type DeviceView,
  deviceViewFromSearchParams,
  deviceViewToSearchParams,
  firstDeviceOrder,
} from "../../features/devices/device-view";
import { NoConnectionYet, useConnections, usePartnerOptions } from "./connections";
import styles from "./page.module.css";

export function DevicesPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => deviceViewFromSearchParams(searchParams), [searchParams]);
  const connections = useConnections();
  const partners = usePartnerOptions();

  function show(next: DeviceView) {
    setSearchParams(deviceViewToSearchParams(next));
  }

  const filters: DeviceFilters = {
    health: view.health,
    os: view.os,
    partner: view.partner,
    integrationId: view.integrationId,
    q: view.q,
    removed: view.removed,
  };

  return (
    <div className={styles.page}>
      <title>Devices · Patchbay</title>
      <div className={styles.intro}>
        <h1>Devices</h1>
        <p className={styles.muted}>
          Devices synced from every connection, with their health, onboarding, risk and exposure. Open one for
          the full record and a link to it in the partner's portal.
        </p>
      </div>
      <section className={panelStyles.panel} aria-labelledby="devices-filters-heading">
        <h2 id="devices-filters-heading">Filters</h2>
        <DeviceFiltersForm
          filters={filters}
          partners={partners}
          connections={connections.options}
          onApply={(next) => show({ ...next, sort: view.sort })}
        />
      </section>
      <section className={panelStyles.panel} aria-labelledby="devices-list-heading">
        <h2 id="devices-list-heading">Devices</h2>
        {connections.none ? (
          <NoConnectionYet what="devices" />
        ) : (
          <DeviceList
            view={view}
            connectionNames={connections.names}
            onSort={(key) => show({ ...view, sort: nextSort(view.sort, key, firstDeviceOrder) })}
            onClearFilters={() => show({ sort: view.sort })}
          />
        )}
      </section>
    </div>
  );
}
