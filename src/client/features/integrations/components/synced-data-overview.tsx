import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { Loading } from "../../../components/loading";
import { QueryError } from "../../../components/query-error";
import { syncedKeys } from "../../../lib/synced-data-keys";
import { alertSummaryQuery, deviceSummaryQuery } from "../api/queries";
import { AlertsBySeverityChart, DeviceHealthSummary } from "./data-charts";
import styles from "./data-charts.module.css";

function AlertsOverview({ integrationId }: { integrationId: string }) {
  const summary = useQuery(alertSummaryQuery(integrationId));
  if (summary.isPending) return <Loading what="the alert summary" />;
  if (summary.isError) {
    return <QueryError what="the alert summary" error={summary.error} onRetry={() => summary.refetch()} />;
  }
  return <AlertsBySeverityChart summary={summary.data} />;
}

function DevicesOverview({ integrationId }: { integrationId: string }) {
  const summary = useQuery(deviceSummaryQuery(integrationId));
  if (summary.isPending) return <Loading what="the device summary" />;
  if (summary.isError) {
    return <QueryError what="the device summary" error={summary.error} onRetry={() => summary.refetch()} />;
  }
  return <DeviceHealthSummary summary={summary.data} />;
}

interface SyncedDataOverviewProps {
  integrationId: string;
  /** The connection syncs alerts (its Alerts source is enabled). */
  alerts: boolean;
  /** The connection syncs devices. */
  devices: boolean;
  /** Changes whenever a source stores records: the summaries are fetched again then, not at their next poll. */
  dataVersion: string;
}

/** What a connection brought in, at a glance: alerts by severity and device health, each linking to its list. */
export function SyncedDataOverview({ integrationId, alerts, devices, dataVersion }: SyncedDataOverviewProps) {
  const queryClient = useQueryClient();
  const seen = useRef(dataVersion);
  useEffect(() => {
    if (seen.current === dataVersion) return;
    seen.current = dataVersion;
    void queryClient.invalidateQueries({ queryKey: syncedKeys.alertSummary(integrationId) });
    void queryClient.invalidateQueries({ queryKey: syncedKeys.deviceSummary(integrationId) });
  }, [queryClient, integrationId, dataVersion]);
  if (!alerts && !devices) return null;
  const filter = new URLSearchParams({ integrationId }).toString();
  return (
    <div className={styles.charts}>
      {alerts ? <AlertsOverview integrationId={integrationId} /> : null}
      {devices ? <DevicesOverview integrationId={integrationId} /> : null}
      <p className={styles.links}>
        {alerts ? <Link to={`/alerts?${filter}`}>All alerts from this connection</Link> : null}
        {devices ? <Link to={`/devices?${filter}`}>All devices from this connection</Link> : null}
      </p>
    </div>
  );
}
