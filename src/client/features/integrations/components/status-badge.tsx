import {
  CircleCheck,
  CircleMinus,
  CircleX,
  LoaderCircle,
  type LucideIcon,
  TriangleAlert,
} from "lucide-react";
import type { IntegrationStatus } from "../../../../shared/contract";
import styles from "./status-badge.module.css";

const statusLook: Record<
  IntegrationStatus,
  { label: string; Icon: LucideIcon; className: string | undefined }
> = {
  connected: { label: "Connected", Icon: CircleCheck, className: styles.connected },
  degraded: { label: "Degraded", Icon: TriangleAlert, className: styles.degraded },
  error: { label: "Error", Icon: CircleX, className: styles.error },
  disconnected: { label: "Disconnected", Icon: CircleMinus, className: styles.disconnected },
  checking: { label: "Checking", Icon: LoaderCircle, className: styles.checking },
};

/** The word for a status: "Connected", "Degraded", … */
export function statusLabel(status: IntegrationStatus): string {
  return statusLook[status].label;
}

/** Status as icon + word + colour, never colour alone. */
export function StatusBadge({ status }: { status: IntegrationStatus }) {
  const { label, Icon, className } = statusLook[status];
  return (
    <span className={`${styles.badge} ${className ?? ""}`}>
      <Icon className={styles.icon} size={14} aria-hidden="true" focusable="false" />
      {label}
    </span>
  );
}
