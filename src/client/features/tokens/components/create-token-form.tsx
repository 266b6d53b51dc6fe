import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { type CreateApiToken, createApiTokenSchema, type Role } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import { FormError } from "../../../components/form-error";
import { FormField, inputClassName, TextField } from "../../../components/form-field";
import { FormActions, formStyles } from "../../../components/form-layout";
import type { FormOutcome } from "../../../lib/form-outcome";
import { roleLabel, rolesUpTo } from "../../../lib/roles";

const NEVER = "never";
export const expiryChoices = ["7", "30", "90", "180", "365", NEVER] as const;

const createTokenFormSchema = createApiTokenSchema.omit({ expiresInDays: true }).extend({
  expiresIn: z.enum(expiryChoices),
});
type CreateTokenFormInput = z.input<typeof createTokenFormSchema>;
type CreateTokenFormOutput = z.output<typeof createTokenFormSchema>;

interface CreateTokenFormProps {
  /** The signed-in user's role: a token gets no higher role. */
  maxRole: Role;
  /** Creates the token (POST /api/tokens). */
  onCreate: (input: CreateApiToken) => Promise<FormOutcome>;
}

/** Create token: a name, a role no higher than yours, and when it expires. */
export function CreateTokenForm({ maxRole, onCreate }: CreateTokenFormProps) {
  const allowed = rolesUpTo(maxRole);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<CreateTokenFormInput, unknown, CreateTokenFormOutput>({
    resolver: zodResolver(createTokenFormSchema),
    mode: "onTouched",
    defaultValues: { name: "", role: "viewer", expiresIn: "90" },
  });

  const submit = handleSubmit(async ({ name, role, expiresIn }) => {
    const outcome = await onCreate({
      name,
      role,
      expiresInDays: expiresIn === NEVER ? null : Number(expiresIn),
    });
    if (outcome.ok) return;
    const fields = outcome.fieldErrors ?? {};
    if (fields.name) setError("name", { type: "server", message: fields.name }, { shouldFocus: true });
    if (fields.role) setError("role", { type: "server", message: fields.role });
    if (fields.expiresInDays) setError("expiresIn", { type: "server", message: fields.expiresInDays });
    if (Object.keys(fields).length === 0 && outcome.message) {
      setError("root.server", { type: "server", message: outcome.message });
    }
  });

  return (
    <form
      className={`${formStyles.form} ${formStyles.columns}`}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-labelledby="create-token-heading"
      onSubmit={submit}
    >
      <TextField
        id="token-name"
        label="Name"
        help="What uses it, e.g. “SIEM sync”. It names the token in the audit log."
        error={errors.name?.message}
        {...register("name")}
        autoComplete="off"
      />
      <FormField
        id="token-role"
        label="Role"
        help="What the token may do; never more than your own role."
        error={errors.role?.message}
      >
        {(control) => (
          <select {...control} {...register("role")} className={inputClassName}>
            {allowed.map((role) => (
              <option key={role} value={role}>
                {roleLabel[role]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id="token-expires" label="Expires in days" error={errors.expiresIn?.message}>
        {(control) => (
          <select {...control} {...register("expiresIn")} className={inputClassName}>
            {expiryChoices.map((choice) => (
              <option key={choice} value={choice}>
                {choice === NEVER ? "Never" : `${choice} days`}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <div className={formStyles.fullRow}>
        <FormError message={errors.root?.server?.message} />
      </div>
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Create token
        </button>
      </FormActions>
    </form>
  );
}
