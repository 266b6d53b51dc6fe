import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { appSecretSchema } from "../../../../shared/partners/defender";
import { buttonClass } from "../../../components/button";
import { FormField } from "../../../components/form-field";
import { FormActions, formStyles, ProgressStatus } from "../../../components/form-layout";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import styles from "./replace-secret-form.module.css";
import { SecretInput } from "./secret-input";

/** Blank keeps the stored secret; anything else must be a plausible secret Value. */
const replaceSecretSchema = z.object({
  appSecret: z
    .string()
    .transform((value) => (value.trim() === "" ? undefined : value))
    .pipe(appSecretSchema.optional()),
});

export type ReplaceSecretOutcome = { ok: true } | { ok: false; fieldError?: string | undefined };

interface ReplaceSecretFormProps {
  /** Re-verifies with the new secret and stores it only if verification passes. */
  onSave: (appSecret: string) => Promise<ReplaceSecretOutcome>;
  /** Closes the form and keeps the stored secret. */
  onKeep: () => void;
}

export function ReplaceSecretForm({ onSave, onKeep }: ReplaceSecretFormProps) {
  const {
    register,
    handleSubmit,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof replaceSecretSchema>, unknown, z.output<typeof replaceSecretSchema>>({
    resolver: zodResolver(replaceSecretSchema),
    mode: "onTouched",
    defaultValues: { appSecret: "" },
  });
  const showProgress = useDelayedFlag(isSubmitting);

  // The field appears because the user chose Replace: take them to it.
  useEffect(() => setFocus("appSecret"), [setFocus]);

  const save = handleSubmit(async ({ appSecret }) => {
    if (appSecret === undefined) {
      onKeep();
      return;
    }
    const outcome = await onSave(appSecret);
    if (!outcome.ok && outcome.fieldError) {
      setError("appSecret", { type: "server", message: outcome.fieldError }, { shouldFocus: true });
    }
  });

  return (
    <form
      className={`${formStyles.form} ${styles.form}`}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      onSubmit={save}
    >
      <FormField
        id="replace-app-secret"
        label="App Secret"
        help="The new secret's Value from Certificates & secrets. Patchbay verifies it before storing it; leave it blank to keep the current secret."
        error={errors.appSecret?.message}
      >
        {(control) => (
          <SecretInput control={control} registration={register("appSecret")} label="App Secret" />
        )}
      </FormField>
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Save new secret
        </button>
        <button type="button" className={buttonClass()} disabled={isSubmitting} onClick={onKeep}>
          Cancel
        </button>
        <ProgressStatus active={showProgress}>Verifying with Microsoft…</ProgressStatus>
      </FormActions>
    </form>
  );
}
