import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useId, useState } from "react";
import { type Role, roleCapabilities, roleSchema, roles, type User } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import dialogStyles from "../../../components/dialog.module.css";
import { FormError } from "../../../components/form-error";
import { FormField, inputClassName } from "../../../components/form-field";
import { formStyles } from "../../../components/form-layout";
import { Spinner } from "../../../components/spinner";
import { errorMessage } from "../../../lib/api-client";
import { roleLabel } from "../../../lib/roles";

interface ChangeRoleDialogProps {
  user: User;
  /** Rejects with the server's error, e.g. 409 when it would leave no active admin. */
  onChangeRole: (role: Role) => Promise<void>;
}

function ChangeRoleForm({ user, onChangeRole, onDone }: ChangeRoleDialogProps & { onDone: () => void }) {
  const id = useId();
  const [role, setRole] = useState<Role>(user.role);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (role === user.role) {
      onDone();
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      await onChangeRole(role);
      onDone();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setPending(false);
    }
  }

  return (
    <form className={formStyles.form} method="post" noValidate aria-busy={pending} onSubmit={submit}>
      <FormField id={`${id}-role`} label="Role" help={roleCapabilities[role].description}>
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={role}
            onChange={(event) => {
              const chosen = roleSchema.safeParse(event.currentTarget.value);
              if (chosen.success) setRole(chosen.data);
            }}
          >
            {roles.map((option) => (
              <option key={option} value={option}>
                {roleLabel[option]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormError message={error} />
      <div className={dialogStyles.actions}>
        <Dialog.Close className={buttonClass()} disabled={pending}>
          Cancel
        </Dialog.Close>
        <button type="submit" className={buttonClass("primary")} disabled={pending}>
          {pending ? <Spinner /> : null}
          Save role
        </button>
      </div>
    </form>
  );
}

/** Change role: a dialog with the role select, what the role may do, and Save. */
export function ChangeRoleDialog({ user, onChangeRole }: ChangeRoleDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger
        className={buttonClass("secondary", "small")}
        aria-label={`Change role of ${user.displayName}`}
      >
        Change role
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className={dialogStyles.overlay} />
        <Dialog.Content className={dialogStyles.content}>
          <Dialog.Title className={dialogStyles.title}>Change the role of {user.displayName}</Dialog.Title>
          <Dialog.Description className={dialogStyles.description}>
            {user.displayName} is {roleLabel[user.role].toLowerCase()} now. The new role applies to their next
            request.
          </Dialog.Description>
          {open ? (
            <ChangeRoleForm user={user} onChangeRole={onChangeRole} onDone={() => setOpen(false)} />
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
