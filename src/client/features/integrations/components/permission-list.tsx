import { CircleCheck, CircleMinus, CircleX } from "lucide-react";
import type { Permissions } from "../../../../shared/contract";
import styles from "./permission-list.module.css";

type PermissionState = "granted" | "missing" | "unknown";

const stateLook = {
  granted: { word: "Granted", Icon: CircleCheck, className: styles.granted },
  missing: { word: "Missing", Icon: CircleX, className: styles.missing },
  unknown: { word: "Not checked", Icon: CircleMinus, className: styles.unknown },
} as const;

/**
 * `missing` lists what the token lacks; `granted` lists its roles, which may satisfy a permission through a
 * ReadWrite superset. With no roles and nothing missing, the check never ran (e.g. no token was issued).
 */
function stateOf(name: string, permissions: Permissions): PermissionState {
  if (permissions.missing.includes(name)) return "missing";
  if (permissions.granted.length > 0) return "granted";
  return "unknown";
}

/** Each required permission as "Granted", "Missing" or "Not checked", with icon and word. */
export function PermissionList({ permissions, label }: { permissions: Permissions; label: string }) {
  return (
    <ul className={styles.list} aria-label={label}>
      {permissions.required.map((name) => {
        const { word, Icon, className } = stateLook[stateOf(name, permissions)];
        return (
          <li key={name} className={styles.item}>
            <code>{name}</code>
            <span className={`${styles.state} ${className}`}>
              <Icon size={14} aria-hidden="true" focusable="false" />
              {word}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
