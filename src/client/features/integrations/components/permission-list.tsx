import { CircleCheck, CircleMinus, CircleX, TriangleAlert } from "lucide-react";
import type { PermissionRef, Permissions } from "../../../../shared/contract";
import { groupByApi } from "../features";
import styles from "./permission-list.module.css";

type PermissionState = "granted" | "missing" | "unknown" | "unused";

const stateLook = {
  granted: { word: "Granted", Icon: CircleCheck, className: styles.granted },
  missing: { word: "Missing", Icon: CircleX, className: styles.missing },
  unknown: { word: "Not checked", Icon: CircleMinus, className: styles.unknown },
  unused: { word: "Unused", Icon: TriangleAlert, className: styles.unused },
} as const;

const samePermission = (a: PermissionRef) => (b: PermissionRef) => a.name === b.name && a.api === b.api;

/**
 * `missing` lists what the app lacks; `granted` and `unused` are the roles it holds, which may satisfy a permission
 * through a higher one (ReadWrite). With no role on an API and nothing missing there, that API was not checked
 * (e.g. no token was issued for it).
 */
function stateOf(permission: PermissionRef, permissions: Permissions): PermissionState {
  if (permissions.missing.some(samePermission(permission))) return "missing";
  const held = [...permissions.granted, ...permissions.unused];
  if (held.some((role) => role.api === permission.api)) return "granted";
  return "unknown";
}

function PermissionGroups({
  permissions,
  label,
  apiOrder,
  stateFor,
}: {
  permissions: readonly PermissionRef[];
  label: string;
  apiOrder: readonly string[];
  stateFor: (permission: PermissionRef) => PermissionState;
}) {
  return (
    <ul className={styles.groups} aria-label={label}>
      {groupByApi(permissions, apiOrder).map((group) => (
        <li key={group.api} className={styles.group}>
          <p className={styles.api}>{group.api}</p>
          <ul className={styles.list} aria-label={`${group.api} permissions`}>
            {group.permissions.map((permission) => {
              const { word, Icon, className } = stateLook[stateFor(permission)];
              return (
                <li key={permission.name} className={styles.item}>
                  <code>{permission.name}</code>
                  <span className={`${styles.state} ${className}`}>
                    <Icon size={14} aria-hidden="true" focusable="false" />
                    {word}
                  </span>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

interface PermissionListProps {
  permissions: Permissions;
  /** The accessible name of the list of required permissions. */
  label: string;
  /** The APIs' portal names in the order to show them (the catalog's); others follow in the order met. */
  apiOrder?: readonly string[];
}

/**
 * Each required permission, grouped by API as the Entra portal lists them, as "Granted", "Missing" or "Not checked"
 * (icon and word); then, apart, the permissions the app holds that no enabled feature needs.
 */
export function PermissionList({ permissions, label, apiOrder = [] }: PermissionListProps) {
  return (
    <div className={styles.permissions}>
      {permissions.required.length > 0 ? (
        <PermissionGroups
          permissions={permissions.required}
          label={label}
          apiOrder={apiOrder}
          stateFor={(permission) => stateOf(permission, permissions)}
        />
      ) : (
        <p className={styles.muted}>No permissions recorded yet.</p>
      )}
      {permissions.unused.length > 0 ? (
        <div className={styles.unusedBlock}>
          <p className={styles.unusedTitle}>Granted but unused</p>
          <p className={styles.muted}>
            The app holds these, but no enabled feature needs them: remove them (API permissions in the app
            registration) to limit what this secret can do.
          </p>
          <PermissionGroups
            permissions={permissions.unused}
            label="Granted but unused"
            apiOrder={apiOrder}
            stateFor={() => "unused"}
          />
        </div>
      ) : null}
    </div>
  );
}
