import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { type CreateUser, createUserSchema, MIN_PASSWORD_LENGTH, roles } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import { FormError } from "../../../components/form-error";
import { FormField, inputClassName, TextField } from "../../../components/form-field";
import { FormActions, formStyles } from "../../../components/form-layout";
import { type FormOutcome, isOneOf } from "../../../lib/form-outcome";
import { roleLabel } from "../../../lib/roles";

type FieldName = keyof CreateUser;
const fieldNames: readonly FieldName[] = ["email", "displayName", "role", "password"];

interface AddUserFormProps {
  /** Creates the user (POST /api/users). */
  onAdd: (input: CreateUser) => Promise<FormOutcome>;
}

/** Add user: email, display name, role and an initial password to hand over. */
export function AddUserForm({ onAdd }: AddUserFormProps) {
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof createUserSchema>, unknown, CreateUser>({
    resolver: zodResolver(createUserSchema),
    mode: "onTouched",
    defaultValues: { email: "", displayName: "", role: "viewer", password: "" },
  });

  const submit = handleSubmit(async (input) => {
    const outcome = await onAdd(input);
    if (outcome.ok) {
      reset();
      return;
    }
    let focused = false;
    for (const [key, message] of Object.entries(outcome.fieldErrors ?? {})) {
      if (!isOneOf(fieldNames, key)) continue;
      setError(key, { type: "server", message }, { shouldFocus: !focused });
      focused = true;
    }
    if (!focused && outcome.message) setError("root.server", { type: "server", message: outcome.message });
  });

  return (
    <form
      className={`${formStyles.form} ${formStyles.columns}`}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-labelledby="add-user-heading"
      onSubmit={submit}
    >
      <TextField
        id="add-user-email"
        label="Email"
        error={errors.email?.message}
        {...register("email")}
        type="email"
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        id="add-user-display-name"
        label="Display name"
        error={errors.displayName?.message}
        {...register("displayName")}
        autoComplete="off"
      />
      <FormField
        id="add-user-role"
        label="Role"
        help="Viewers see everything and change nothing."
        error={errors.role?.message}
      >
        {(control) => (
          <select {...control} {...register("role")} className={inputClassName}>
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabel[role]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        id="add-user-password"
        label="Initial password"
        help={`At least ${MIN_PASSWORD_LENGTH} characters. Hand it over in person or over a channel you trust.`}
        error={errors.password?.message}
        type="password"
        autoComplete="new-password"
        {...register("password")}
      />
      <div className={formStyles.fullRow}>
        <FormError message={errors.root?.server?.message} />
      </div>
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Add user
        </button>
      </FormActions>
    </form>
  );
}
