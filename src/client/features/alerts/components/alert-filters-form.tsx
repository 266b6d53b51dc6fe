import { type FormEvent, useState } from "react";
import { partnerIdSchema } from "../../../../shared/partners/ids";
import { buttonClass } from "../../../components/button";
import { FormField, inputClassName, TextField } from "../../../components/form-field";
import listStyles from "../../../components/record-list.module.css";
import { isSeverity, severityLabel, severityOrder } from "../../../components/severity";
import { type ConnectionOption, type PartnerOption, SourceFilter } from "../../../components/source-filter";
import { humanize } from "../../../lib/humanize";
import { type AlertFilters, alertRanges, knownAlertStatuses, rangeLabel } from "../alert-view";

interface AlertFiltersFormProps {
  /** The filters in effect (from the URL). */
  filters: AlertFilters;
  /** The partner catalog's entries, for the Partner select. */
  partners: readonly PartnerOption[];
  connections: readonly ConnectionOption[];
  onApply: (filters: AlertFilters) => void;
}

interface Draft {
  q: string;
  severity: string;
  status: string;
  range: string;
  partner: string;
  integrationId: string;
}

function draftOf(filters: AlertFilters): Draft {
  return {
    q: filters.q ?? "",
    severity: filters.severity ?? "",
    status: filters.status ?? "",
    range: filters.range ?? "",
    partner: filters.partner ?? "",
    integrationId: filters.integrationId ?? "",
  };
}

/**
 * Search, severity, status, time range, partner and connection; applied together, so the URL (and Back) follows
 * them.
 */
export function AlertFiltersForm({ filters, partners, connections, onApply }: AlertFiltersFormProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filters));
  // The filters in effect changed (Back, Clear, a link): start again from them. Adjusted while rendering rather than
  // by remounting the form, so the focused button (Apply filters) keeps its focus.
  const inEffect = JSON.stringify(draftOf(filters));
  const [shown, setShown] = useState(inEffect);
  if (shown !== inEffect) {
    setShown(inEffect);
    setDraft(draftOf(filters));
  }
  // A status from a shared link that is not one of the usual ones still shows as chosen.
  const statuses: readonly string[] =
    filters.status && !knownAlertStatuses.some((status) => status === filters.status)
      ? [...knownAlertStatuses, filters.status]
      : knownAlertStatuses;

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    const range = alertRanges.find((candidate) => candidate === draft.range);
    onApply({
      q: draft.q.trim() || undefined,
      severity: isSeverity(draft.severity) ? draft.severity : undefined,
      status: draft.status || undefined,
      range,
      partner: partnerIdSchema.safeParse(draft.partner).data,
      integrationId: draft.integrationId || undefined,
    });
  }

  function clear() {
    setDraft(draftOf({}));
    onApply({});
  }

  return (
    <form className={listStyles.filters} aria-label="Filter alerts" onSubmit={apply}>
      <TextField
        id="alerts-q"
        label="Search"
        help="Part of a title or device name, or an alert's id."
        type="search"
        maxLength={200}
        value={draft.q}
        onChange={(event) => set("q", event.currentTarget.value)}
      />
      <FormField id="alerts-severity" label="Severity">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={draft.severity}
            onChange={(event) => set("severity", event.currentTarget.value)}
          >
            <option value="">Any severity</option>
            {severityOrder.map((severity) => (
              <option key={severity} value={severity}>
                {severityLabel[severity]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id="alerts-status" label="Status">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={draft.status}
            onChange={(event) => set("status", event.currentTarget.value)}
          >
            <option value="">Any status</option>
            {statuses.map((status) => (
              <option key={status} value={status}>
                {humanize(status)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id="alerts-range" label="Time range" help="When the alert was created.">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={draft.range}
            onChange={(event) => set("range", event.currentTarget.value)}
          >
            <option value="">Any time</option>
            {alertRanges.map((range) => (
              <option key={range} value={range}>
                {rangeLabel[range]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <SourceFilter
        idPrefix="alerts"
        partners={partners}
        connections={connections}
        value={{ partner: draft.partner, integrationId: draft.integrationId }}
        onChange={(source) => setDraft((current) => ({ ...current, ...source }))}
      />
      <div className={listStyles.filterActions}>
        <button type="submit" className={buttonClass("primary")}>
          Apply filters
        </button>
        <button type="button" className={buttonClass()} onClick={clear}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
