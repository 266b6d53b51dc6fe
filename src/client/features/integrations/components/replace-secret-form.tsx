import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useMemo } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { PartnerId } from "../../../../shared/partners/ids";
import { secretFieldOf } from "../../../../shared/partners/registry";
import { buttonClass } from "../../../components/button";
import { FormField } from "../../../components/form-field";
import { FormActions, formStyles, ProgressStatus } from "../../../components/form-layout";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import styles from "./replace-secret-form.module.css";
import { SecretInput } from "./secret-input";

/** Blank keeps the stored secret; anything else must pass the partner's rules for its secret. */
function replaceSecretSchema(partner: PartnerId) {
  return z.object({
    secret: z
      .string()
      .transform((value) => (value.trim() === "" ? undefined : value))
      .pipe(secretFieldOf(partner).schema.optional()),
  });
}
type ReplaceSecretSchema = ReturnType<typeof replaceSecretSchema>;

export type ReplaceSecretOutcome = { ok: true } | { ok: false; fieldError?: string | undefined };

interface ReplaceSecretFormProps {
  partnerId: PartnerId;
  /** For the secret's label and help; the catalog may still be loading. */
  partner: PartnerCatalogEntry | undefined;
  /** Re-verifies with the new secret and stores it only if verification passes. */
  onSave: (appSecret: string) => Promise<ReplaceSecretOutcome>;
  /** Closes the form and keeps the stored secret. */
  onKeep: () => void;
}

export function ReplaceSecretForm({ partnerId, partner, onSave, onKeep }: ReplaceSecretFormProps) {
  const schema = useMemo(() => replaceSecretSchema(partnerId), [partnerId]);
  const field = partner?.fields.find((f) => f.kind === "secret");
  const label = field?.label ?? "Secret";
  const {
    register,
    handleSubmit,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm<z.input<ReplaceSecretSchema>, unknown, z.output<ReplaceSecretSchema>>({
    resolver: zodResolver(schema),
    mode: "onTouched",
    defaultValues: { secret: "" },
  });
  const showProgress = useDelayedFlag(isSubmitting);

  // The field appears because the user chose Replace: take them to it.
  useEffect(() => setFocus("secret"), [setFocus]);

  const save = handleSubmit(async ({ secret }) => {
    if (secret === undefined) {
      onKeep();
      return;
    }
    const outcome = await onSave(secret);
    if (!outcome.ok && outcome.fieldError) {
      setError("secret", { type: "server", message: outcome.fieldError }, { shouldFocus: true });
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
        label={label}
        help={`${field ? `${field.help} ` : ""}Patchbay verifies the new one before storing it; leave it blank to keep the current secret.`}
        error={errors.secret?.message}
      >
        {(control) => <SecretInput control={control} registration={register("secret")} label={label} />}
      </FormField>
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Save new secret
        </button>
        <button type="button" className={buttonClass()} disabled={isSubmitting} onClick={onKeep}>
          Cancel
        </button>
        <ProgressStatus
          active={showProgress}
        >{`Verifying with ${partner?.verifiesWith ?? "the partner"}…`}</ProgressStatus>
      </FormActions>
    </form>
  );
}
