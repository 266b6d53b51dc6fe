import { useQuery } from "@tanstack/react-query";
import type { CreateUser, Role, User } from "../../../shared/auth";
import { Loading } from "../../components/loading";
import panelStyles from "../../components/panel.module.css";
import { QueryError } from "../../components/query-error";
import { useToast } from "../../components/toaster";
import { useSession } from "../../features/session/session";
import { useCreateUser, useResetPassword, useUpdateUser } from "../../features/users/api/mutations";
import { userListQuery } from "../../features/users/api/queries";
import { AddUserForm } from "../../features/users/components/add-user-form";
import { UsersTable } from "../../features/users/components/users-table";
import { type FormOutcome, outcomeFromError } from "../../lib/form-outcome";
import { roleLabel } from "../../lib/roles";
import { AdminOnly } from "./admin-only";
import styles from "./page.module.css";

function UsersContent({ currentUserId }: { currentUserId: string }) {
  const users = useQuery(userListQuery());
  const createUser = useCreateUser();
  const updateUser = useUpdateUser();
  const resetPassword = useResetPassword();
  const notify = useToast();

  async function add(input: CreateUser): Promise<FormOutcome> {
    try {
      const created = await createUser.mutateAsync(input);
      notify({
        tone: "success",
        title: "User added",
        description: `${created.displayName} can sign in as ${roleLabel[created.role].toLowerCase()}.`,
      });
      return { ok: true };
    } catch (error) {
      return outcomeFromError(error);
    } finally {
      createUser.reset();
    }
  }

  async function changeRole(user: User, role: Role) {
    const updated = await updateUser.mutateAsync({ id: user.id, update: { role } });
    notify({
      tone: "success",
      title: "Role changed",
      description: `${updated.displayName} is ${roleLabel[updated.role].toLowerCase()} now.`,
    });
  }

  async function setActive(user: User, active: boolean) {
    const updated = await updateUser.mutateAsync({ id: user.id, update: { active } });
    notify({
      tone: "success",
      title: active ? "User reactivated" : "User deactivated",
      description: active
        ? `${updated.displayName} can sign in again.`
        : `${updated.displayName} is signed out everywhere and their API tokens are revoked.`,
    });
  }

  async function reset(user: User, password: string): Promise<FormOutcome> {
    try {
      await resetPassword.mutateAsync({ id: user.id, password });
      notify({
        tone: "success",
        title: "Password reset",
        description: `${user.displayName} is signed out everywhere and signs in with the new password.`,
      });
      return { ok: true };
    } catch (error) {
      return outcomeFromError(error);
    } finally {
      resetPassword.reset();
    }
  }

  return (
    <>
      <section className={panelStyles.panel} aria-labelledby="users-heading">
        <h2 id="users-heading">People with access</h2>
        {users.isPending ? <Loading what="users" /> : null}
        {users.isError ? (
          <QueryError what="users" error={users.error} onRetry={() => users.refetch()} />
        ) : null}
        {users.isSuccess ? (
          <UsersTable
            users={users.data}
            currentUserId={currentUserId}
            labelledBy="users-heading"
            onChangeRole={changeRole}
            onSetActive={setActive}
            onResetPassword={reset}
          />
        ) : null}
      </section>
      <section className={panelStyles.panel} aria-labelledby="add-user-heading">
        <h2 id="add-user-heading">Add user</h2>
        <AddUserForm onAdd={add} />
      </section>
    </>
  );
}

export function UsersPage() {
  const session = useSession();
  return (
    <div className={styles.page}>
      <title>Users · Patchbay</title>
      <div className={styles.intro}>
        <h1>Users</h1>
        <p className={styles.muted}>
          Who can sign in to Patchbay, and as what. Admins connect and change integrations and manage users
          and API tokens; viewers see everything and change nothing.
        </p>
      </div>
      {session?.user.role === "admin" ? (
        <UsersContent currentUserId={session.user.id} />
      ) : (
        <AdminOnly what="Managing users" />
      )}
    </div>
  );
}
