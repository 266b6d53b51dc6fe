import type { ConnectField, PartnerCatalogEntry } from "../../../../shared/catalog";
import type { FieldControlProps } from "../../../components/form-field";
import { inputClassName } from "../../../components/form-field";

export const CUSTOM_OPTION = "custom";

interface OptionPickerProps {
  control: FieldControlProps;
  partner: PartnerCatalogEntry;
  field: ConnectField;
  /** The chosen option's value, `CUSTOM_OPTION`, or "" for none yet. */
  value: string;
  onChange: (value: string) => void;
}

type Option = ConnectField["options"][number];

/** Options grouped by the partner's clouds (in the catalog's order); options of no cloud come first. */
function groups(partner: PartnerCatalogEntry, options: readonly Option[]) {
  const loose = options.filter((o) => o.cloud === null || !partner.clouds.some((c) => c.id === o.cloud));
  const byCloud = partner.clouds
    .map((cloud) => ({ cloud, options: options.filter((o) => o.cloud === cloud.id) }))
    .filter((group) => group.options.length > 0);
  return { loose, byCloud };
}

/**
 * The values a url field offers to fill in (a partner's clouds and regions), grouped by cloud, plus "Custom…" for a
 * value typed by hand.
 */
export function OptionPicker({ control, partner, field, value, onChange }: OptionPickerProps) {
  const { loose, byCloud } = groups(partner, field.options);
  const option = (o: Option) => (
    <option key={o.value} value={o.value}>
      {o.label}
    </option>
  );
  return (
    <select
      {...control}
      className={inputClassName}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    >
      <option value="">{`Choose ${(field.optionsLabel ?? field.label).toLowerCase()}…`}</option>
      {loose.map(option)}
      {byCloud.map((group) => (
        <optgroup key={group.cloud.id} label={group.cloud.label}>
          {group.options.map(option)}
        </optgroup>
      ))}
      <option value={CUSTOM_OPTION}>Custom…</option>
    </select>
  );
}
