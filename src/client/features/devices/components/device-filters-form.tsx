import { type FormEvent, useState } from "react";
import { partnerIdSchema } from "../../../../shared/partners/ids";
import { buttonClass } from "../../../components/button";
import { FormField, inputClassName, TextField } from "../../../components/form-field";
import listStyles from "../../../components/record-list.module.css";
import { type ConnectionOption, type PartnerOption, SourceFilter } from "../../../components/source-filter";
import { humanize } from "../../../lib/humanize";
import { type DeviceFilters, deviceHealthStates } from "../device-view";

interface DeviceFiltersFormProps {
  /** The filters in effect (from the URL). */
  filters: DeviceFilters;
  /** The partner catalog's entries, for the Partner select. */
  partners: readonly PartnerOption[];
  connections: readonly ConnectionOption[];
  onApply: (filters: DeviceFilters) => void;
}

interface Draft {
  q: string;
  health: string;
  os: string;
  partner: string;
  integrationId: string;
  removed: boolean;
}

function draftOf(filters: DeviceFilters): Draft {
  return {
    q: filters.q ?? "",
    health: filters.health ?? "",
    os: filters.os ?? "",
    partner: filters.partner ?? "",
    integrationId: filters.integrationId ?? "",
    removed: filters.removed ?? false,
  };
}

/**
 * Search, health, operating system, partner, connection and whether to include removed devices; applied together.
 */
export function DeviceFiltersForm({ filters, partners, connections, onApply }: DeviceFiltersFormProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filters));
  // The filters in effect changed (Back, Clear, a link): start again from them. Adjusted while rendering rather than
  // by remounting the form, so the focused button (Apply filters) keeps its focus.
  const inEffect = JSON.stringify(draftOf(filters));
  const [shown, setShown] = useState(inEffect);
  if (shown !== inEffect) {
    setShown(inEffect);
    setDraft(draftOf(filters));
  }
  const healthStates: readonly string[] =
    filters.health && !deviceHealthStates.some((state) => state === filters.health)
      ? [...deviceHealthStates, filters.health]
      : deviceHealthStates;

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    onApply({
      q: draft.q.trim() || undefined,
      health: draft.health || undefined,
      os: draft.os.trim() || undefined,
      partner: partnerIdSchema.safeParse(draft.partner).data,
      integrationId: draft.integrationId || undefined,
      removed: draft.removed || undefined,
    });
  }

  function clear() {
    setDraft(draftOf({}));
    onApply({});
  }

  return (
    <form className={listStyles.filters} aria-label="Filter devices" onSubmit={apply}>
      <TextField
        id="devices-q"
        label="Search"
        help="Part of a device name."
        type="search"
        maxLength={200}
        value={draft.q}
        onChange={(event) => set("q", event.currentTarget.value)}
      />
      <FormField id="devices-health" label="Health">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={draft.health}
            onChange={(event) => set("health", event.currentTarget.value)}
          >
            <option value="">Any health</option>
            {healthStates.map((state) => (
              <option key={state} value={state}>
                {humanize(state)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        id="devices-os"
        label="Operating system"
        help="Exactly as the partner names it, e.g. Windows11 or Linux."
        maxLength={200}
        value={draft.os}
        onChange={(event) => set("os", event.currentTarget.value)}
      />
      <SourceFilter
        idPrefix="devices"
        partners={partners}
        connections={connections}
        value={{ partner: draft.partner, integrationId: draft.integrationId }}
        onChange={(source) => setDraft((current) => ({ ...current, ...source }))}
      />
      <label className={listStyles.check}>
        <input
          type="checkbox"
          checked={draft.removed}
          onChange={(event) => set("removed", event.currentTarget.checked)}
        />
        Include removed devices
      </label>
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
