import { alertSeverities } from "../../shared/data-contract";
import styles from "./severity.module.css";

export type AlertSeverity = (typeof alertSeverities)[number];

/** Most severe first: the order of legends, stacks (from the bottom) and filters. */
export const severityOrder: readonly AlertSeverity[] = [
  "critical",
  "high",
  "medium",
  "low",
  "informational",
  "unknown",
];

export const severityLabel: Record<AlertSeverity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  informational: "Informational",
  unknown: "Unknown",
};

/** The fill of a severity in charts and badges (global.css; each has 3:1 contrast on the surface in both schemes). */
export const severityColor: Record<AlertSeverity, string> = {
  critical: "var(--color-severity-critical)",
  high: "var(--color-severity-high)",
  medium: "var(--color-severity-medium)",
  low: "var(--color-severity-low)",
  informational: "var(--color-severity-informational)",
  unknown: "var(--color-severity-unknown)",
};

export function isSeverity(value: string): value is AlertSeverity {
  return alertSeverities.some((severity) => severity === value);
}

/** A severity's name beside a swatch of its chart colour: the word carries the meaning, the colour ties it to charts. */
export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return (
    <span className={styles.severity}>
      <span className={styles.swatch} style={{ background: severityColor[severity] }} aria-hidden="true" />
      {severityLabel[severity]}
    </span>
  );
}
