import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { buttonClass } from "../../components/button";
import { Loading } from "../../components/loading";
import panelStyles from "../../components/panel.module.css";
import { QueryError } from "../../components/query-error";
import { Spinner } from "../../components/spinner";
import { auditEventsQuery } from "../../features/audit/api/queries";
import {
  type AuditFilters,
  filtersFromSearchParams,
  filtersToSearchParams,
} from "../../features/audit/audit-filters";
import { AuditFiltersForm, type IntegrationOption } from "../../features/audit/components/audit-filters-form";
import { AuditTable } from "../../features/audit/components/audit-table";
import { integrationListQuery } from "../../features/integrations/api/queries";
import styles from "./page.module.css";

function AuditEvents({
  filters,
  integrationNames,
}: {
  filters: AuditFilters;
  integrationNames: Map<string, string>;
}) {
  const audit = useInfiniteQuery(auditEventsQuery(filters));

  // A failed "Older events" also puts the query in error, with the pages so far still there: keep showing them.
  if (audit.data === undefined) {
    if (audit.isError) {
      return <QueryError what="the audit log" error={audit.error} onRetry={() => audit.refetch()} />;
    }
    return <Loading what="the audit log" />;
  }
  const events = audit.data.pages.flatMap((page) => page.events);
  const filtered = filtersToSearchParams(filters).size > 0;
  if (events.length === 0) {
    return (
      <p className={styles.muted}>
        {filtered ? "No events match these filters." : "Nothing has been recorded yet."}
      </p>
    );
  }
  return (
    <>
      <AuditTable events={events} labelledBy="audit-events-heading" integrationNames={integrationNames} />
      <div className={styles.more}>
        {audit.hasNextPage ? (
          <button
            type="button"
            className={buttonClass()}
            disabled={audit.isFetchingNextPage}
            onClick={() => audit.fetchNextPage()}
          >
            {audit.isFetchingNextPage ? <Spinner /> : null}
            Older events
          </button>
        ) : (
          <span className={styles.muted}>No older events.</span>
        )}
        <p className={styles.muted} role="status">
          {`Showing ${events.length} ${events.length === 1 ? "event" : "events"}, newest first.`}
        </p>
      </div>
      {audit.isFetchNextPageError ? (
        <QueryError what="older events" error={audit.error} onRetry={() => audit.fetchNextPage()} />
      ) : null}
    </>
  );
}

export function AuditPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearchParams(searchParams), [searchParams]);
  const filterKey = filtersToSearchParams(filters).toString();
  const integrations = useQuery(integrationListQuery());

  const options: IntegrationOption[] = useMemo(
    () =>
      (integrations.data ?? []).map((integration) => ({
        id: integration.id,
        name: integration.status === "disconnected" ? `${integration.name} (disconnected)` : integration.name,
      })),
    [integrations.data],
  );
  const integrationNames = useMemo(
    () => new Map((integrations.data ?? []).map((integration) => [integration.id, integration.name])),
    [integrations.data],
  );

  return (
    <div className={styles.page}>
      <title>Audit log · Patchbay</title>
      <div className={styles.intro}>
        <h1>Audit log</h1>
        <p className={styles.muted}>
          Every sign-in, connection change, user and token change: who did it (a person or an API token),
          when, from where, and what changed. Secrets are never recorded.
        </p>
      </div>
      <section className={panelStyles.panel} aria-labelledby="audit-filters-heading">
        <h2 id="audit-filters-heading">Filters</h2>
        <AuditFiltersForm
          key={filterKey}
          filters={filters}
          integrations={options}
          onApply={(next) => setSearchParams(filtersToSearchParams(next))}
        />
      </section>
      <section className={panelStyles.panel} aria-labelledby="audit-events-heading">
        <h2 id="audit-events-heading">Events</h2>
        <AuditEvents filters={filters} integrationNames={integrationNames} />
      </section>
    </div>
  );
}
