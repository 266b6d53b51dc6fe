import type { UseFormRegisterReturn } from "react-hook-form";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { featuresByApi } from "../features";
import styles from "./feature-fieldset.module.css";

interface FeatureFieldsetProps {
  partner: PartnerCatalogEntry;
  /** Prefix of the checkboxes' ids, unique on the page. */
  idPrefix: string;
  /** `register("features")`: every checkbox carries it, so the form's value is the list of checked ids. */
  registration: UseFormRegisterReturn;
  /** "Choose at least one feature." once the field is touched or submitted. */
  error?: string | undefined;
  disabled?: boolean;
}

/** What a feature needs besides its permissions, and what its check costs. */
function caveats(feature: PartnerCatalogEntry["features"][number]): string {
  return [
    feature.licence ? `Needs a ${feature.licence} licence.` : undefined,
    feature.probeOnRequest ? "Its check spends tenant quota, so it runs only when asked." : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
}

/**
 * One checkbox per feature of the partner, grouped by the API it calls (a legend per API), each with its purpose
 * and the permissions it needs. At least one is required: the error is announced and describes the group.
 */
export function FeatureFieldset({
  partner,
  idPrefix,
  registration,
  error,
  disabled = false,
}: FeatureFieldsetProps) {
  const helpId = `${idPrefix}-help`;
  const errorId = `${idPrefix}-error`;
  return (
    <fieldset
      className={styles.fieldset}
      aria-describedby={error ? `${errorId} ${helpId}` : helpId}
      disabled={disabled}
    >
      <legend className={styles.legend}>Features</legend>
      <p id={helpId} className={styles.help}>
        What Patchbay does with this connection. Each feature needs the permissions named under it, and only
        those.
      </p>
      {error ? (
        <p id={errorId} className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
      {featuresByApi(partner).map(({ api, features }) => (
        <fieldset key={api.id} className={styles.api}>
          <legend className={styles.apiLegend}>{api.portalName}</legend>
          {features.map((feature) => {
            const id = `${idPrefix}-${feature.id}`;
            const extra = caveats(feature);
            return (
              <div key={feature.id} className={styles.option}>
                <input
                  {...registration}
                  type="checkbox"
                  id={id}
                  value={feature.id}
                  className={styles.checkbox}
                  aria-describedby={`${id}-description`}
                  aria-invalid={error !== undefined}
                />
                <div className={styles.text}>
                  <label htmlFor={id} className={styles.label}>
                    {feature.label}
                  </label>
                  <p id={`${id}-description`} className={styles.description}>
                    {feature.purpose}{" "}
                    <span className={styles.permissions}>
                      {feature.permissions.length === 1 ? "Permission: " : "Permissions: "}
                      {feature.permissions.map((permission, index) => (
                        <span key={permission.name}>
                          {index > 0 ? ", " : null}
                          <code>{permission.name}</code>
                        </span>
                      ))}
                      .
                    </span>
                    {extra ? ` ${extra}` : null}
                  </p>
                </div>
              </div>
            );
          })}
        </fieldset>
      ))}
    </fieldset>
  );
}
