import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH, type Setup, setupSchema } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import { FormError } from "../../../components/form-error";
import { TextField } from "../../../components/form-field";
import { FormActions, formStyles, ProgressStatus } from "../../../components/form-layout";
import { type FormOutcome, isOneOf } from "../../../lib/form-outcome";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";

const passwordPairSchema = z.object({ password: z.string(), confirmPassword: z.string() });

/** The setup schema without the token (it comes from the link), plus the confirmation. */
const setupFormSchema = setupSchema
  .omit({ token: true })
  .extend({ confirmPassword: z.string() })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords don't match. Type the same password twice.",
    // Compare even while another field (say, Email) is still invalid.
    when: (payload) => passwordPairSchema.safeParse(payload.value).success,
  });

type SetupFormInput = z.input<typeof setupFormSchema>;
type SetupFormOutput = z.output<typeof setupFormSchema>;
type FieldName = keyof SetupFormInput;
const fieldNames: readonly FieldName[] = ["email", "displayName", "password", "confirmPassword"];

interface SetupFormProps {
  /** Creates the first admin (POST /api/setup with the link's token). */
  onSetup: (input: Omit<Setup, "token">) => Promise<FormOutcome>;
}

export function SetupForm({ onSetup }: SetupFormProps) {
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SetupFormInput, unknown, SetupFormOutput>({
    resolver: zodResolver(setupFormSchema),
    mode: "onTouched",
    defaultValues: { email: "", displayName: "", password: "", confirmPassword: "" },
  });
  const showProgress = useDelayedFlag(isSubmitting);

  const submit = handleSubmit(async ({ email, displayName, password }) => {
    const outcome = await onSetup({ email, displayName, password });
    if (outcome.ok) return;
    let fieldErrorShown = false;
    for (const [key, message] of Object.entries(outcome.fieldErrors ?? {})) {
      if (isOneOf(fieldNames, key)) {
        setError(key, { type: "server", message }, { shouldFocus: !fieldErrorShown });
        fieldErrorShown = true;
      }
    }
    if (outcome.message) setError("root.server", { type: "server", message: outcome.message });
  });

  return (
    <form
      className={formStyles.form}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-labelledby="setup-heading"
      onSubmit={submit}
    >
      <TextField
        id="setup-email"
        label="Email"
        error={errors.email?.message}
        {...register("email")}
        type="email"
        autoComplete="username"
        spellCheck={false}
      />
      <TextField
        id="setup-display-name"
        label="Display name"
        help="How you appear in Patchbay and its audit log."
        error={errors.displayName?.message}
        {...register("displayName")}
        autoComplete="name"
      />
      <TextField
        id="setup-password"
        label="Password"
        help={`At least ${MIN_PASSWORD_LENGTH} characters. A passphrase of a few words is easy to type and hard to guess.`}
        error={errors.password?.message}
        type="password"
        autoComplete="new-password"
        {...register("password")}
      />
      <TextField
        id="setup-confirm-password"
        label="Confirm password"
        error={errors.confirmPassword?.message}
        type="password"
        autoComplete="new-password"
        {...register("confirmPassword")}
      />
      <FormError message={errors.root?.server?.message} />
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Create admin account
        </button>
        <ProgressStatus active={showProgress}>Creating your account…</ProgressStatus>
      </FormActions>
    </form>
  );
}
