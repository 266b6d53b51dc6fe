import { type FormEvent, useState } from "react";
import { type AuditAction, auditActionSchema, auditActions } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import { FormField, inputClassName, TextField } from "../../../components/form-field";
import { actionLabel } from "../action-labels";
import { type AuditFilters, isoToLocalInput, localInputToIso } from "../audit-filters";
import styles from "./audit.module.css";

export interface IntegrationOption {
  id: string;
  name: string;
}

interface AuditFiltersFormProps {
  /** The filters in effect (from the URL). */
  filters: AuditFilters;
  integrations: IntegrationOption[];
  onApply: (filters: AuditFilters) => void;
}

interface Draft {
  actor: string;
  action: string;
  integrationId: string;
  from: string;
  to: string;
}

function draftOf(filters: AuditFilters): Draft {
  return {
    actor: filters.actor ?? "",
    action: filters.action ?? "",
    integrationId: filters.integrationId ?? "",
    from: isoToLocalInput(filters.from),
    to: isoToLocalInput(filters.to),
  };
}

/** Actor, action, integration and a time range; applied together, so the URL (and Back) follows them. */
export function AuditFiltersForm({ filters, integrations, onApply }: AuditFiltersFormProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filters));
  const [rangeError, setRangeError] = useState<string | undefined>(undefined);

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((current) => ({ ...current, [key]: value }));
    if (key === "from" || key === "to") setRangeError(undefined);
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    const from = localInputToIso(draft.from);
    const to = localInputToIso(draft.to);
    if (from && to && from > to) {
      setRangeError("From must be before To.");
      return;
    }
    const action = auditActionSchema.safeParse(draft.action);
    onApply({
      actor: draft.actor.trim() || undefined,
      action: action.success ? action.data : undefined,
      integrationId: draft.integrationId || undefined,
      from,
      to,
    });
  }

  function clear() {
    setDraft(draftOf({}));
    setRangeError(undefined);
    onApply({});
  }

  return (
    <form className={styles.filters} aria-label="Filter the audit log" onSubmit={apply}>
      <TextField
        id="audit-actor"
        label="Actor"
        help="Part of a name, email or token name."
        type="search"
        value={draft.actor}
        onChange={(event) => set("actor", event.currentTarget.value)}
      />
      <FormField id="audit-action" label="Action">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={draft.action}
            onChange={(event) => set("action", event.currentTarget.value)}
          >
            <option value="">Any action</option>
            {auditActions.map((action: AuditAction) => (
              <option key={action} value={action}>
                {actionLabel[action]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id="audit-integration" label="Integration">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={draft.integrationId}
            onChange={(event) => set("integrationId", event.currentTarget.value)}
          >
            <option value="">Any integration</option>
            {integrations.map((integration) => (
              <option key={integration.id} value={integration.id}>
                {integration.name}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        id="audit-from"
        label="From"
        help="Your local time."
        type="datetime-local"
        value={draft.from}
        onChange={(event) => set("from", event.currentTarget.value)}
      />
      <TextField
        id="audit-to"
        label="To"
        help="Your local time."
        error={rangeError}
        type="datetime-local"
        value={draft.to}
        onChange={(event) => set("to", event.currentTarget.value)}
      />
      <div className={styles.filterActions}>
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
