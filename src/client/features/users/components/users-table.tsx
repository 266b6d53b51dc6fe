import type { Role, User } from "../../../../shared/auth";
import { Badge } from "../../../components/badge";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DataTable, tableStyles } from "../../../components/data-table";
import { Timestamp } from "../../../components/timestamp";
import type { FormOutcome } from "../../../lib/form-outcome";
import { roleLabel } from "../../../lib/roles";
import { ChangeRoleDialog } from "./change-role-dialog";
import { ResetPasswordDialog } from "./reset-password-dialog";
import styles from "./users.module.css";

export interface UsersTableProps {
  users: User[];
  /** The signed-in admin, marked "(you)". */
  currentUserId: string;
  labelledBy: string;
  /** Each rejects with the server's error (e.g. 409, the last active admin), shown beside what failed. */
  onChangeRole: (user: User, role: Role) => Promise<void>;
  onSetActive: (user: User, active: boolean) => Promise<void>;
  onResetPassword: (user: User, password: string) => Promise<FormOutcome>;
}

function ActiveToggle({ user, onSetActive }: { user: User; onSetActive: UsersTableProps["onSetActive"] }) {
  if (user.active) {
    return (
      <ConfirmDialog
        trigger="Deactivate"
        triggerLabel={`Deactivate ${user.displayName}`}
        triggerSize="small"
        title={`Deactivate ${user.displayName}?`}
        description={`Deactivating ${user.displayName} signs them out everywhere and revokes their API tokens. They can't sign in until an admin reactivates them; their audit history stays.`}
        confirmLabel="Deactivate"
        onConfirm={() => onSetActive(user, false)}
      />
    );
  }
  return (
    <ConfirmDialog
      trigger="Reactivate"
      triggerLabel={`Reactivate ${user.displayName}`}
      triggerVariant="secondary"
      triggerSize="small"
      title={`Reactivate ${user.displayName}?`}
      description={`${user.displayName} can sign in again with their password, as ${roleLabel[user.role].toLowerCase()}. API tokens revoked when they were deactivated stay revoked.`}
      confirmLabel="Reactivate"
      confirmVariant="primary"
      onConfirm={() => onSetActive(user, true)}
    />
  );
}

/** Every user: name, email, role, active or not, last sign-in, and what an admin can do. */
export function UsersTable({
  users,
  currentUserId,
  labelledBy,
  onChangeRole,
  onSetActive,
  onResetPassword,
}: UsersTableProps) {
  if (users.length === 0) return <p className={tableStyles.empty}>No users yet.</p>;
  return (
    <DataTable
      labelledBy={labelledBy}
      columns={["Name", "Email", "Role", "Status", "Last sign-in", "Actions"]}
    >
      {users.map((user) => (
        <tr key={user.id}>
          <th scope="row">
            {user.displayName}
            {user.id === currentUserId ? <span className={styles.you}> (you)</span> : null}
          </th>
          <td>{user.email}</td>
          <td>{roleLabel[user.role]}</td>
          <td>
            <Badge tone={user.active ? "success" : "neutral"}>{user.active ? "Active" : "Deactivated"}</Badge>
          </td>
          <td className={tableStyles.nowrap}>
            <Timestamp value={user.lastSignInAt} />
          </td>
          <td>
            <div className={styles.actions}>
              <ChangeRoleDialog user={user} onChangeRole={(role) => onChangeRole(user, role)} />
              <ActiveToggle user={user} onSetActive={onSetActive} />
              <ResetPasswordDialog user={user} onReset={(password) => onResetPassword(user, password)} />
            </div>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
