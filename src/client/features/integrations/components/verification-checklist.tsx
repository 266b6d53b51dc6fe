import { CircleCheck, CircleMinus, CircleX } from "lucide-react";
import type { VerificationReport, VerificationStep } from "../../../../shared/contract";
import { PermissionList } from "./permission-list";
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

/** The named steps of a verification, each OK / Failed / Skipped, and the permissions it found. */
export function VerificationChecklist({ report }: { report: VerificationReport }) {
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
      {report.permissions.required.length > 0 ? (
        <div className={styles.permissions}>
          <p className={styles.label}>Permissions</p>
          <PermissionList permissions={report.permissions} label="Permissions found in the token" />
        </div>
      ) : null}
    </div>
  );
}
