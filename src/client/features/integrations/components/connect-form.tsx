import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
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
import styles from "./connect-form.module.css";
import { CUSTOM_REGION, RegionSelect } from "./region-select";
import { SecretInput } from "./secret-input";

type FieldName = "name" | "baseUrl" | "tenantId" | "appId" | "appSecret";
const fieldNames: readonly FieldName[] = ["baseUrl", "tenantId", "appId", "appSecret", "name"];

/** What a submit callback reports back: success, or the server's per-field messages to show inline. */
export type SubmitOutcome = { ok: true } | { ok: false; fieldErrors?: Record<string, string> | undefined };

export interface ConnectFormInitialValues {
  name?: string | undefined;
  baseUrl?: string | undefined;
  tenantId?: string | undefined;
  appId?: string | undefined;
}

interface ConnectFormProps {
  partner: PartnerCatalogEntry;
  initialValues?: ConnectFormInitialValues;
  /** Verify without storing (POST /api/integrations/test). */
  onTest: (input: DefenderConnect) => Promise<SubmitOutcome>;
  /** Verify and store (POST /api/integrations). */
  onConnect: (input: DefenderConnect) => Promise<SubmitOutcome>;
}

/** Hosts the operator added to this Patchbay (`PATCHBAY_EXTRA_DEFENDER_HOSTS`); the server accepts them too. */
function operatorHosts(partner: PartnerCatalogEntry): string[] {
  return partner.regions.filter((region) => region.operatorConfigured === true).map((region) => region.host);
}

function isFieldName(key: string): key is FieldName {
  return isOneOf(fieldNames, key);
}

/** The Defender connect form: the shared zod schema, inline errors once a field is touched, Test and Connect. */
export function ConnectForm({ partner, initialValues = {}, onTest, onConnect }: ConnectFormProps) {
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
    },
  });
  const [customRegion, setCustomRegion] = useState(false);
  const showProgress = useDelayedFlag(isSubmitting);

  const [baseUrl, tenantId, appId, name] = watch(["baseUrl", "tenantId", "appId", "name"]);
  const parsedBaseUrl = parseDefenderBaseUrl(baseUrl, extraHosts);
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
