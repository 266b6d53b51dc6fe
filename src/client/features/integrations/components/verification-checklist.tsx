import { CircleCheck, CircleMinus, CircleX } from "lucide-react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { VerificationReport, VerificationStep } from "../../../../shared/contract";
import { apiOrderOf } from "../features";
import { FeatureResults } from "./feature-results";
import { PermissionList } from "./permission-list";
import { ExpiryStatement } from "./secret-expiry";
import { SupportDetails } from "./support-details";
import styles from "./verification-checklist.module.css";

const stepLook = {
  ok: { word: "OK", Icon: CircleCheck, className: styles.ok },
  failed: { word: "Failed", Icon: CircleX, className: styles.failed },
  skipped: { word: "Skipped", Icon: CircleMinus, className: styles.skipped },
} as const;

function Step({ step }: { step: VerificationStep }) {
  const { word, Icon, className } = stepLook[step.status];
  return (
    <li className={`${styles.step} ${className}`}>
      <Icon className={styles.icon} size={18} aria-hidden="true" focusable="false" />
      <div className={styles.body}>
        <p className={styles.heading}>
          <span className={styles.label}>{step.label}</span>
          <span className={styles.status}>{word}</span>
        </p>
        <p>{step.message}</p>
        {step.remediation ? (
          <p className={styles.remediation}>
            <span className={styles.fix}>What to do: </span>
            {step.remediation}
          </p>
        ) : null}
        {step.detail ? <SupportDetails detail={step.detail} /> : null}
      </div>
    </li>
  );
}

interface VerificationChecklistProps {
  report: VerificationReport;
  /** For the features' labels and the order of APIs; without it, feature ids are shown. */
  partner?: PartnerCatalogEntry | undefined;
}

/**
 * The named steps of a verification, each OK / Failed / Skipped; how each feature fared; the permissions it found;
 * and what it learnt of the secret's expiry.
 */
export function VerificationChecklist({ report, partner }: VerificationChecklistProps) {
  return (
    <div className={styles.checklist}>
      <ol className={styles.steps} aria-label="Verification steps">
        {report.steps.map((step) => (
          <Step key={step.id} step={step} />
        ))}
      </ol>
      {report.warnings.length > 0 ? (
        <ul className={styles.warnings} aria-label="Warnings">
          {report.warnings.map((warning) => (
            <li key={`${warning.field}:${warning.message}`}>{warning.message}</li>
          ))}
        </ul>
      ) : null}
      {report.features.length > 0 ? (
        <div className={styles.section}>
          <p className={styles.label}>Features</p>
          <FeatureResults results={report.features} partner={partner} label="Feature results" />
        </div>
      ) : null}
      {report.permissions.required.length > 0 || report.permissions.unused.length > 0 ? (
        <div className={styles.section}>
          <p className={styles.label}>Permissions</p>
          <PermissionList
            permissions={report.permissions}
            label="Permissions found in the token"
            apiOrder={apiOrderOf(partner)}
          />
        </div>
      ) : null}
      {report.secretExpiry ? (
        <div className={styles.section}>
          <p className={styles.label}>Secret expiry</p>
          <p>
            <ExpiryStatement expiresAt={report.secretExpiry.expiresAt} />
          </p>
          <p>{report.secretExpiry.message}</p>
        </div>
      ) : null}
    </div>
  );
}
