import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { FieldControlProps } from "../../../components/form-field";
import { inputClassName } from "../../../components/form-field";

export const CUSTOM_REGION = "custom";

interface RegionSelectProps {
  control: FieldControlProps;
  partner: PartnerCatalogEntry;
  /** The selected region's host, `CUSTOM_REGION`, or "" for none yet. */
  value: string;
  onChange: (value: string) => void;
}

/** The partner's clouds and regions, grouped by cloud, plus "Custom…". */
export function RegionSelect({ control, partner, value, onChange }: RegionSelectProps) {
  return (
    <select
      {...control}
      className={inputClassName}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    >
      <option value="">Choose your cloud and region…</option>
      {partner.clouds.map((cloud) => (
        <optgroup key={cloud.id} label={cloud.label}>
          {partner.regions
            .filter((region) => region.cloud === cloud.id)
            .map((region) => (
              <option key={region.host} value={region.host}>
                {region.label}
              </option>
            ))}
        </optgroup>
      ))}
      <option value={CUSTOM_REGION}>Custom…</option>
    </select>
  );
}
