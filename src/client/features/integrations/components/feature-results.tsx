import { CircleCheck, CircleMinus, CircleX, type LucideIcon, TriangleAlert } from "lucide-react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { FeatureResult, FeatureStatus } from "../../../../shared/contract";
import { featureLabel } from "../features";
import styles from "./feature-results.module.css";

type ShownStatus = FeatureStatus | "unchecked";

const statusLook: Record<ShownStatus, { word: string; Icon: LucideIcon; className: string | undefined }> = {
  working: { word: "Working", Icon: CircleCheck, className: styles.working },
  permission_missing: { word: "Permission missing", Icon: TriangleAlert, className: styles.attention },
  not_licensed: { word: "Not licensed", Icon: TriangleAlert, className: styles.attention },
  failed: { word: "Failed", Icon: CircleX, className: styles.failed },
  unchecked: { word: "Not checked yet", Icon: CircleMinus, className: styles.unchecked },
};

/** A feature's status as icon + word + colour. */
export function featureStatusWord(status: ShownStatus): string {
  return statusLook[status].word;
}

interface FeatureResultsProps {
  results: readonly FeatureResult[];
  partner: PartnerCatalogEntry | undefined;
  /** The accessible name of the list. */
  label: string;
  /** Enabled features: those without a result show as "Not checked yet". Omitted: only the results. */
  enabled?: readonly string[] | undefined;
}

/** How each feature fared: status, what happened, and the permissions it lacks. */
export function FeatureResults({ results, partner, label, enabled }: FeatureResultsProps) {
  const ids = [...new Set([...(enabled ?? []), ...results.map((r) => r.id)])];
  return (
    <ul className={styles.list} aria-label={label}>
      {ids.map((id) => {
        const result = results.find((r) => r.id === id);
        const { word, Icon, className } = statusLook[result?.status ?? "unchecked"];
        return (
          <li key={id} className={`${styles.item} ${className ?? ""}`}>
            <Icon className={styles.icon} size={16} aria-hidden="true" focusable="false" />
            <div className={styles.body}>
              <p className={styles.heading}>
                <span className={styles.label}>{featureLabel(partner, id)}</span>
                <span className={styles.status}>{word}</span>
                {result ? <span className={styles.api}>{result.api}</span> : null}
              </p>
              {result ? <p>{result.message}</p> : null}
              {result && result.missing.length > 0 ? (
                <p>
                  Missing:{" "}
                  {result.missing.map((name, index) => (
                    <span key={name}>
                      {index > 0 ? ", " : null}
                      <code>{name}</code>
                    </span>
                  ))}
                </p>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
