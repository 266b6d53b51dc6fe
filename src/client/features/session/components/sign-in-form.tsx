import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { type SignIn, signInSchema } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import { FormError } from "../../../components/form-error";
import { TextField } from "../../../components/form-field";
import { FormActions, formStyles, ProgressStatus } from "../../../components/form-layout";
import { type FormOutcome, isOneOf } from "../../../lib/form-outcome";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";

type FieldName = "email" | "password";
const fieldNames: readonly FieldName[] = ["email", "password"];

interface SignInFormProps {
  /** Signs in (POST /api/session); a failure's message is shown above the button. */
  onSignIn: (input: SignIn) => Promise<FormOutcome>;
}

/** Email and password; errors inline once a field is touched, and the server's answer announced. */
export function SignInForm({ onSignIn }: SignInFormProps) {
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof signInSchema>, unknown, SignIn>({
    resolver: zodResolver(signInSchema),
    mode: "onTouched",
    defaultValues: { email: "", password: "" },
  });
  const showProgress = useDelayedFlag(isSubmitting);

  const submit = handleSubmit(async (input) => {
    const outcome = await onSignIn(input);
    if (outcome.ok) return;
    for (const [key, message] of Object.entries(outcome.fieldErrors ?? {})) {
      if (isOneOf(fieldNames, key)) setError(key, { type: "server", message });
    }
    if (outcome.message) setError("root.server", { type: "server", message: outcome.message });
  });

  return (
    <form
      className={formStyles.form}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-labelledby="sign-in-heading"
      onSubmit={submit}
    >
      <TextField
        id="sign-in-email"
        label="Email"
        error={errors.email?.message}
        {...register("email")}
        type="email"
        autoComplete="username"
        spellCheck={false}
      />
      <TextField
        id="sign-in-password"
        label="Password"
        error={errors.password?.message}
        type="password"
        autoComplete="current-password"
        {...register("password")}
      />
      <FormError message={errors.root?.server?.message} />
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Sign in
        </button>
        <ProgressStatus active={showProgress}>Signing in…</ProgressStatus>
      </FormActions>
    </form>
  );
}
