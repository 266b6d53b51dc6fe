import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { DefenderConnect, DefenderConnectInput } from "../../../../shared/partners/defender";
import {
  defenderConnectSchema,
  defenderInputWarnings,
  parseDefenderBaseUrl,
} from "../../../../shared/partners/defender";
import { buttonClass } from "../../../components/button";
import { FormField, TextField } from "../../../components/form-field";
import { FormActions, formStyles, ProgressStatus } from "../../../components/form-layout";
import { isOneOf } from "../../../lib/form-outcome";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import { type ConnectDraft, knownFeatureIds } from "../features";
import styles from "./connect-form.module.css";
import { FeatureFieldset } from "./feature-fieldset";
import { CUSTOM_REGION, RegionSelect } from "./region-select";
import { SecretInput } from "./secret-input";

type FieldName = "name" | "baseUrl" | "tenantId" | "appId" | "appSecret" | "features";
const fieldNames: readonly FieldName[] = ["baseUrl", "tenantId", "appId", "appSecret", "name", "features"];

/** What a submit callback reports back: success, or the server's per-field messages to show inline. */
export type SubmitOutcome = { ok: true } | { ok: false; fieldErrors?: Record<string, string> | undefined };

export interface ConnectFormInitialValues {
  name?: string | undefined;
  baseUrl?: string | undefined;
  tenantId?: string | undefined;
  appId?: string | undefined;
  /** Feature ids to start with (unknown ones are dropped); none known → the partner's default features. */
  features?: string[] | undefined;
}

interface ConnectFormProps {
  partner: PartnerCatalogEntry;
  initialValues?: ConnectFormInitialValues;
  /** Verify without storing (POST /api/integrations/test). */
  onTest: (input: DefenderConnect) => Promise<SubmitOutcome>;
  /** Verify and store (POST /api/integrations). */
  onConnect: (input: DefenderConnect) => Promise<SubmitOutcome>;
  /** Told what the setup guide needs (chosen features, Tenant ID, App ID, cloud) whenever it changes. */
  onDraftChange?: ((draft: ConnectDraft) => void) | undefined;
}

/** Hosts the operator added to this Patchbay (`PATCHBAY_EXTRA_DEFENDER_HOSTS`); the server accepts them too. */
function operatorHosts(partner: PartnerCatalogEntry): string[] {
  return partner.regions.filter((region) => region.operatorConfigured === true).map((region) => region.host);
}

function initialFeatures(partner: PartnerCatalogEntry, requested: readonly string[] | undefined) {
  const known = knownFeatureIds(requested ?? []);
  return known.length > 0 ? known : knownFeatureIds(partner.defaultFeatures);
}

function isFieldName(key: string): key is FieldName {
  return isOneOf(fieldNames, key);
}

/** The Defender connect form: the shared zod schema, inline errors once a field is touched, Test and Connect. */
export function ConnectForm({
  partner,
  initialValues = {},
  onTest,
  onConnect,
  onDraftChange,
}: ConnectFormProps) {
  const extraHosts = useMemo(() => operatorHosts(partner), [partner]);
  const schema = useMemo(() => defenderConnectSchema(extraHosts), [extraHosts]);
  const {
    register,
    handleSubmit,
    setValue,
    setError,
    resetField,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<DefenderConnectInput, unknown, DefenderConnect>({
    resolver: zodResolver(schema),
    mode: "onTouched",
    defaultValues: {
      partner: "defender",
      name: initialValues.name,
      baseUrl: initialValues.baseUrl ?? "",
      tenantId: initialValues.tenantId ?? "",
      appId: initialValues.appId ?? "",
      appSecret: "",
      features: initialFeatures(partner, initialValues.features),
      probeAll: false,
    },
  });
  const [customRegion, setCustomRegion] = useState(false);
  const showProgress = useDelayedFlag(isSubmitting);

  const [baseUrl, tenantId, appId, name, features] = watch([
    "baseUrl",
    "tenantId",
    "appId",
    "name",
    "features",
  ]);
  const parsedBaseUrl = parseDefenderBaseUrl(baseUrl, extraHosts);
  const cloud = parsedBaseUrl.ok ? parsedBaseUrl.region.cloud : undefined;
  // A checkbox group's value is a new array on every render: compare it by content.
  const chosenKey = Array.isArray(features) ? features.join(",") : "";
  useEffect(() => {
    onDraftChange?.({ features: chosenKey === "" ? [] : chosenKey.split(","), tenantId, appId, cloud });
  }, [onDraftChange, chosenKey, tenantId, appId, cloud]);
  // A valid host the list does not offer (a regional front end such as api-us3) shows as a custom endpoint.
  const listedRegion =
    parsedBaseUrl.ok && partner.regions.some((r) => r.host === parsedBaseUrl.region.host)
      ? parsedBaseUrl.region.host
      : null;
  const region = listedRegion ?? (customRegion || baseUrl !== "" ? CUSTOM_REGION : "");
  const warnings = defenderInputWarnings({ tenantId, appId, name, baseUrl });
  const warningFor = (field: FieldName) => warnings.find((warning) => warning.field === field)?.message;
  const helpFor = (field: FieldName) => partner.fields.find((f) => f.name === field)?.help;

  function chooseRegion(value: string) {
    setCustomRegion(value === CUSTOM_REGION);
    if (value === "" || value === CUSTOM_REGION) return;
    setValue("baseUrl", `https://${value}`, { shouldValidate: true, shouldDirty: true, shouldTouch: true });
  }

  function applyServerErrors(fieldErrors: Record<string, string>) {
    const entries = Object.entries(fieldErrors);
    const firstField = entries.find(([key]) => isFieldName(key))?.[0];
    for (const [key, message] of entries) {
      if (isFieldName(key)) setError(key, { type: "server", message }, { shouldFocus: key === firstField });
      else setError("root.server", { type: "server", message });
    }
  }

  function showServerErrors(outcome: SubmitOutcome) {
    if (!outcome.ok && outcome.fieldErrors) applyServerErrors(outcome.fieldErrors);
  }

  const test = handleSubmit(async (input) => showServerErrors(await onTest(input)));

  const connect = handleSubmit(async (input) => {
    const outcome = await onConnect(input);
    if (outcome.ok) resetField("appSecret", { defaultValue: "" });
    else showServerErrors(outcome);
  });

  const errorOf = (field: FieldName) => errors[field]?.message;

  return (
    <form
      className={formStyles.form}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-label={`Connect ${partner.name}`}
      onSubmit={connect}
    >
      <FormField
        id="connect-region"
        label="Cloud and region"
        help="Fills Base URL with the Defender API host of your cloud and region."
      >
        {(control) => (
          <RegionSelect control={control} partner={partner} value={region} onChange={chooseRegion} />
        )}
      </FormField>

      <TextField
        id="connect-base-url"
        label="Base URL"
        help={helpFor("baseUrl")}
        error={errorOf("baseUrl")}
        warning={warningFor("baseUrl")}
        mono
        {...register("baseUrl")}
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://api.security.microsoft.com"
      />

      <TextField
        id="connect-tenant-id"
        label="Tenant ID"
        help={helpFor("tenantId")}
        error={errorOf("tenantId")}
        warning={warningFor("tenantId")}
        mono
        {...register("tenantId")}
        autoComplete="off"
        spellCheck={false}
      />

      <TextField
        id="connect-app-id"
        label="App ID"
        help={helpFor("appId")}
        error={errorOf("appId")}
        warning={warningFor("appId")}
        mono
        {...register("appId")}
        autoComplete="off"
        spellCheck={false}
      />

      <FormField
        id="connect-app-secret"
        label="App Secret"
        help={helpFor("appSecret")}
        error={errorOf("appSecret")}
      >
        {(control) => (
          <SecretInput control={control} registration={register("appSecret")} label="App Secret" />
        )}
      </FormField>

      <TextField
        id="connect-name"
        label="Name"
        optional
        help="How this connection appears in Patchbay, e.g. the tenant's name. Leave it blank to use the default."
        error={errorOf("name")}
        warning={warningFor("name")}
        {...register("name", {
          setValueAs: (value: string) => (value.trim() === "" ? undefined : value),
        })}
        autoComplete="off"
      />

      <FeatureFieldset
        partner={partner}
        idPrefix="connect-feature"
        registration={register("features")}
        error={errors.features?.message}
      />

      <div className={styles.option}>
        <input
          type="checkbox"
          id="connect-probe-all"
          className={styles.checkbox}
          aria-describedby="connect-probe-all-help"
          {...register("probeAll")}
        />
        <div>
          <label htmlFor="connect-probe-all" className={styles.optionLabel}>
            Also run probes that spend tenant quota (advanced hunting)
          </label>
          <p id="connect-probe-all-help" className={styles.note}>
            The hunting features are proven by a real query, which counts against the tenant's
            advanced-hunting quota. Left off, Patchbay checks only that their permissions are granted.
          </p>
        </div>
      </div>

      {errors.root?.server ? (
        <p className={styles.formError} role="alert">
          {errors.root.server.message}
        </p>
      ) : null}

      <FormActions>
        <button type="button" className={buttonClass()} disabled={isSubmitting} onClick={test}>
          Test connection
        </button>
        <button type="submit" className={buttonClass("primary")} disabled={isSubmitting}>
          Connect
        </button>
        <ProgressStatus active={showProgress}>Verifying with Microsoft…</ProgressStatus>
      </FormActions>
      <p className={styles.note}>
        Test connection verifies without storing anything. Connect verifies again and stores the connection
        only if it works.
      </p>
    </form>
  );
}
