import { useQuery } from "@tanstack/react-query";
import { Info, RefreshCw, TriangleAlert } from "lucide-react";
import type { SyncNotice, SyncSourceState } from "../../../../shared/data-contract";
import { buttonClass } from "../../../components/button";
import { DataTable } from "../../../components/data-table";
import { QueryError } from "../../../components/query-error";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { Timestamp } from "../../../components/timestamp";
import { useToast } from "../../../components/toaster";
import { errorMessage } from "../../../lib/api-client";
import { useSyncNow } from "../api/mutations";
import { syncStateQuery } from "../api/queries";
import styles from "./data-section.module.css";
import { SyncedDataOverview } from "./synced-data-overview";

const stateLabel: Record<SyncSourceState["state"], string> = {
  idle: "Up to date",
  running: "Syncing",
  failed: "Failed",
};

/** "Syncing · first sync, 2,400 records so far", or the state alone. */
function StateCell({ source }: { source: SyncSourceState }) {
  if (source.state === "running" && source.progress) {
    const { done, total } = source.progress;
    const label = `${source.firstSyncDone ? "Syncing" : "First sync"}: ${done.toLocaleString()} records${total ? ` of ${total.toLocaleString()}` : " so far"}`;
    return (
      <div className={styles.progress}>
        <span>{label}</span>
        {total ? <progress max={total} value={done} aria-label={`${source.label} sync progress`} /> : null}
      </div>
    );
  }
  if (!source.firstSyncDone && source.state !== "failed") return <span>Waiting for the first sync</span>;
  return <span>{stateLabel[source.state]}</span>;
}

/** Notices about data on its way (the first sync, throttling, lag) inform; the rest need someone to act. */
const informational: ReadonlySet<SyncNotice["code"]> = new Set([
  "first_sync_running",
  "throttled",
  "lagging",
]);

/**
 * Why a verified connection has no data, or less than it should: each reason with what to do about it, most
 * important first (the server's order). Shown above the sources, as it explains what the table shows.
 */
function SyncNotices({
  notices,
  sources,
}: {
  notices: readonly SyncNotice[];
  sources: readonly SyncSourceState[];
}) {
  if (notices.length === 0) return null;
  const labelOf = (source: string | null) =>
    source === null ? undefined : (sources.find((s) => s.source === source)?.label ?? source);
  return (
    <section className={styles.notices} aria-labelledby="sync-notices-heading">
      <h3 id="sync-notices-heading" className={styles.heading}>
        Why data is missing or late
      </h3>
      <ul className={styles.noticeList}>
        {notices.map((notice) => {
          const info = informational.has(notice.code);
          const label = labelOf(notice.source);
          const Icon = info ? Info : TriangleAlert;
          return (
            <li
              key={`${notice.code}:${notice.source ?? ""}`}
              className={`${styles.notice} ${info ? styles.info : styles.warning}`}
            >
              <Icon size={18} aria-hidden="true" className={styles.noticeIcon} />
              <div className={styles.noticeText}>
                <p>
                  {label ? <strong>{label}: </strong> : null}
                  {notice.message}
                </p>
                <p>
                  <span className={styles.fix}>What to do: </span>
                  {notice.remediation}
                </p>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

interface DataSectionProps {
  integrationId: string;
  /** A disconnected connection shows what it synced, without Sync now. */
  disconnected: boolean;
  /** Why the user cannot sync now (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

/**
 * Where each sync source stands: why data is missing or late, records stored, the last successful sync and the next,
 * when data last arrived, the first sync's progress, and a failure with what to do. Sync now makes every source due
 * at once. Below, what the alerts and devices sources brought in, as charts.
 */
export function DataSection({ integrationId, disconnected, readOnlyReason }: DataSectionProps) {
  const state = useQuery(syncStateQuery(integrationId));
  const syncNow = useSyncNow(integrationId);
  const notify = useToast();

  if (state.isPending) return <p className={styles.note}>Loading the sync state…</p>;
  if (state.isError) {
    return <QueryError what="the sync state" error={state.error} onRetry={() => state.refetch()} />;
  }
  const { sources, notices } = state.data;
  const failures = sources.filter((s) => s.lastError !== null);

  async function run() {
    try {
      await syncNow.mutateAsync();
      notify({ tone: "success", title: "Sync started", description: "Every source syncs now." });
    } catch (error) {
      notify({ tone: "error", title: "Sync now failed", description: errorMessage(error) });
    }
  }

  return (
    <div className={styles.section}>
      <SyncNotices notices={notices} sources={sources} />
      {sources.length === 0 ? (
        <p className={styles.note}>No enabled feature brings data into Patchbay (Alerts, Devices).</p>
      ) : (
        <>
          <h3 id="sync-sources-heading" className={styles.heading}>
            Sync sources
          </h3>
          <DataTable
            labelledBy="sync-sources-heading"
            columns={["Source", "State", "Records", "Last successful sync", "Last data received", "Next run"]}
          >
            {sources.map((source) => (
              <tr key={source.source}>
                <th scope="row">{source.label}</th>
                <td>
                  <StateCell source={source} />
                </td>
                <td>{source.records.toLocaleString()}</td>
                <td>
                  <Timestamp value={source.lastSuccessAt} />
                </td>
                <td>
                  <Timestamp value={source.lastDataAt} never="No data yet" />
                </td>
                <td>
                  {disconnected ? "Stopped" : <Timestamp value={source.nextRunAt} never="Not scheduled" />}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
      {failures.map((source) => (
        <div key={source.source} className={styles.problem} role="alert">
          <p>
            <strong>{source.label}:</strong> {source.lastError?.message}
          </p>
          <p>
            <span className={styles.fix}>What to do: </span>
            {source.lastError?.remediation}
          </p>
        </div>
      ))}
      {sources.some((s) => s.malformed > 0) ? (
        <p className={styles.note}>
          {sources
            .filter((s) => s.malformed > 0)
            .map((s) => `${s.label}: ${s.malformed.toLocaleString()} record(s) could not be read`)
            .join("; ")}
          . Each is logged by its id on the server; the rest of its page was stored.
        </p>
      ) : null}
      {!disconnected && sources.length > 0 ? (
        <div className={styles.actions}>
          <button
            type="button"
            className={buttonClass()}
            disabled={readOnlyReason !== undefined || syncNow.isPending}
            aria-describedby={readOnlyReason !== undefined ? "sync-restricted" : undefined}
            onClick={run}
          >
            <RefreshCw size={16} aria-hidden="true" />
            Sync now
          </button>
          {readOnlyReason !== undefined ? (
            <ReadOnlyNotice id="sync-restricted" reason={readOnlyReason} />
          ) : null}
        </div>
      ) : null}
      <SyncedDataOverview
        integrationId={integrationId}
        alerts={sources.some((s) => s.source === "alerts")}
        devices={sources.some((s) => s.source === "devices")}
        dataVersion={sources.map((s) => `${s.source}:${s.records}:${s.lastDataAt ?? ""}`).join("|")}
      />
    </div>
  );
}
