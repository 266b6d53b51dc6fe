import { Lock } from "lucide-react";
import styles from "./read-only-notice.module.css";

/** Why an action is missing or disabled, e.g. "Viewers can't make changes. Ask an admin." */
export function ReadOnlyNotice({ reason, id }: { reason: string; id?: string }) {
  return (
    <p id={id} className={styles.notice}>
      <Lock size={14} aria-hidden="true" />
      <span>{reason}</span>
    </p>
  );
}
