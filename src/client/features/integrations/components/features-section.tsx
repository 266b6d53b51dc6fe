import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { Integration, VerificationReport } from "../../../../shared/contract";
import { buttonClass } from "../../../components/button";
import { FormActions, ProgressStatus } from "../../../components/form-layout";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import { knownFeatureIds } from "../features";
import { FeatureFieldset } from "./feature-fieldset";
import { FeatureResults } from "./feature-results";
import styles from "./features-section.module.css";
import { VerificationChecklist } from "./verification-checklist";

export type SaveFeaturesResult =
  | { ok: true }
  | { ok: false; report?: VerificationReport | undefined; fieldError?: string | undefined; message?: string };

/** The checkboxes offer only the catalog's features; the server refuses any other id with its own message. */
const manageSchema = z.object({
  features: z
    .array(z.string(), { error: "Choose at least one feature." })
    .min(1, "Choose at least one feature.")
    .transform((ids) => [...new Set(ids)]),
});

function ManageFeaturesForm({
  partner,
  enabled,
  onSave,
  onCancel,
}: {
  partner: PartnerCatalogEntry;
  enabled: string[];
  onSave: (features: string[]) => Promise<SaveFeaturesResult>;
  onCancel: () => void;
}) {
  const [report, setReport] = useState<VerificationReport | undefined>(undefined);
  const {
    register,
    handleSubmit,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof manageSchema>, unknown, z.output<typeof manageSchema>>({
    resolver: zodResolver(manageSchema),
    mode: "onTouched",
    defaultValues: { features: enabled },
  });
  const showProgress = useDelayedFlag(isSubmitting);

  // The checkboxes appear because the admin chose Manage features: take them there.
  useEffect(() => setFocus("features"), [setFocus]);

  const save = handleSubmit(async ({ features }) => {
    setReport(undefined);
    const outcome = await onSave(features);
    if (outcome.ok) return;
    setReport(outcome.report);
    const message = outcome.fieldError ?? outcome.message;
    if (message) setError("root.server", { type: "server", message });
  });

  return (
    <form
      className={styles.form}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-label="Manage features"
      onSubmit={save}
    >
      <FeatureFieldset
        partner={partner}
        idPrefix="manage-feature"
        registration={register("features")}
        error={errors.features?.message}
      />
      {errors.root?.server ? (
        <p className={styles.error} role="alert">
          {errors.root.server.message}
        </p>
      ) : null}
      {report ? (
        <div className={styles.report}>
          <p className={styles.error} role="alert">
            With these features the connection failed verification. Nothing was changed.
          </p>
          <VerificationChecklist report={report} partner={partner} />
        </div>
      ) : null}
      <FormActions>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Save features
        </button>
        <button type="button" className={buttonClass()} disabled={isSubmitting} onClick={onCancel}>
          Cancel
        </button>
        <ProgressStatus active={showProgress}>{`Verifying with ${partner.verifiesWith}…`}</ProgressStatus>
      </FormActions>
      <p className={styles.note}>
        Patchbay verifies the connection with the new features before saving them. Add the permissions they
        need to the app registration first.
      </p>
    </form>
  );
}

interface FeaturesSectionProps {
  integration: Integration;
  partner: PartnerCatalogEntry | undefined;
  /** PATCHes `features`; the server verifies the connection with them before storing. */
  onSaveFeatures: (features: string[]) => Promise<SaveFeaturesResult>;
  /** Why the user cannot change the features (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

/** Each enabled feature's result from the last verification, and Manage features (the checkboxes of Connect). */
export function FeaturesSection({
  integration,
  partner,
  onSaveFeatures,
  readOnlyReason,
}: FeaturesSectionProps) {
  const [managing, setManaging] = useState(false);
  const manageButton = useRef<HTMLButtonElement>(null);
  const wasManaging = useRef(false);
  const enabled = integration.config.features;

  // Back from the form (saved or cancelled): return focus to the button that opened it, in the same commit that
  // removed the form (so focus never rests on the page's body).
  useLayoutEffect(() => {
    if (wasManaging.current && !managing) manageButton.current?.focus();
    wasManaging.current = managing;
  }, [managing]);
  const canManage = integration.status !== "disconnected" && partner !== undefined;

  async function save(features: string[]): Promise<SaveFeaturesResult> {
    const outcome = await onSaveFeatures(features);
    if (outcome.ok) setManaging(false);
    return outcome;
  }

  return (
    <div className={styles.section}>
      {enabled.length > 0 || integration.features.length > 0 ? (
        <FeatureResults
          results={integration.features}
          partner={partner}
          enabled={enabled}
          label="Feature results"
        />
      ) : (
        <p className={styles.note}>No features are enabled.</p>
      )}
      {canManage && readOnlyReason !== undefined ? (
        <div className={styles.restricted}>
          <button type="button" className={buttonClass()} disabled aria-describedby="features-restricted">
            Manage features
          </button>
          <ReadOnlyNotice id="features-restricted" reason={readOnlyReason} />
        </div>
      ) : null}
      {canManage && readOnlyReason === undefined && !managing ? (
        <div>
          <button
            ref={manageButton}
            type="button"
            className={buttonClass()}
            onClick={() => setManaging(true)}
          >
            Manage features
          </button>
        </div>
      ) : null}
      {canManage && readOnlyReason === undefined && managing ? (
        <ManageFeaturesForm
          partner={partner}
          enabled={knownFeatureIds(partner, enabled)}
          onSave={save}
          onCancel={() => setManaging(false)}
        />
      ) : null}
    </div>
  );
}
