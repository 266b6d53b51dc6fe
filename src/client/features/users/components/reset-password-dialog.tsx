import { zodResolver } from "@hookform/resolvers/zod";
import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { MIN_PASSWORD_LENGTH, resetPasswordSchema, type User } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import dialogStyles from "../../../components/dialog.module.css";
import { FormError } from "../../../components/form-error";
import { TextField } from "../../../components/form-field";
import { formStyles } from "../../../components/form-layout";
import { Spinner } from "../../../components/spinner";
import type { FormOutcome } from "../../../lib/form-outcome";

type ResetPassword = z.infer<typeof resetPasswordSchema>;

interface ResetPasswordDialogProps {
  user: User;
  /** Sets the new password (POST /api/users/:id/password). */
  onReset: (password: string) => Promise<FormOutcome>;
}

function ResetPasswordForm({ user, onReset, onDone }: ResetPasswordDialogProps & { onDone: () => void }) {
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<ResetPassword>({
    resolver: zodResolver(resetPasswordSchema),
    mode: "onTouched",
    defaultValues: { password: "" },
  });

  const submit = handleSubmit(async ({ password }) => {
    const outcome = await onReset(password);
    if (outcome.ok) {
      onDone();
      return;
    }
    const fieldError = outcome.fieldErrors?.password;
    if (fieldError) setError("password", { type: "server", message: fieldError }, { shouldFocus: true });
    else if (outcome.message) setError("root.server", { type: "server", message: outcome.message });
  });

  return (
    <form className={formStyles.form} method="post" noValidate aria-busy={isSubmitting} onSubmit={submit}>
      <TextField
        id={`reset-password-${user.id}`}
        label="New password"
        help={`At least ${MIN_PASSWORD_LENGTH} characters. Hand it to ${user.displayName} over a channel you trust.`}
        error={errors.password?.message}
        type="password"
        autoComplete="new-password"
        {...register("password")}
      />
      <FormError message={errors.root?.server?.message} />
      <div className={dialogStyles.actions}>
        <Dialog.Close className={buttonClass()} disabled={isSubmitting}>
          Cancel
        </Dialog.Close>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          {isSubmitting ? <Spinner /> : null}
          Set password
        </button>
      </div>
    </form>
  );
}

/** Reset password: a dialog with the new password. The user's sessions end when it is set. */
export function ResetPasswordDialog({ user, onReset }: ResetPasswordDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger
        className={buttonClass("secondary", "small")}
        aria-label={`Reset password of ${user.displayName}`}
      >
        Reset password
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className={dialogStyles.overlay} />
        <Dialog.Content className={dialogStyles.content}>
          <Dialog.Title className={dialogStyles.title}>Reset the password of {user.displayName}</Dialog.Title>
          <Dialog.Description className={dialogStyles.description}>
            {user.displayName} is signed out everywhere and signs in with the new password.
          </Dialog.Description>
          {/* Mounted only while open: the typed password goes away with the dialog. */}
          {open ? <ResetPasswordForm user={user} onReset={onReset} onDone={() => setOpen(false)} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
