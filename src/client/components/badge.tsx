import type { ReactNode } from "react";
import styles from "./badge.module.css";

export type BadgeTone = "success" | "warning" | "neutral";

/** A short status in a coloured pill, e.g. "Active". The words carry the meaning; the colour only echoes it. */
export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`${styles.badge} ${styles[tone]}`}>{children}</span>;
}
