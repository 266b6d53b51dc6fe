import { toNestErrors } from "@hookform/resolvers";
import { Fragment, useEffect, useMemo, useRef, useState } from "react";
import { type FieldError, type Resolver, useForm } from "react-hook-form";
import type { ConnectField, PartnerCatalogEntry } from "../../../../shared/catalog";
import {
  type ConnectRequest,
  connectRequestSchema,
  inputWarnings,
  schemaOptionsOf,
} from "../../../../shared/partners/registry";
import { buttonClass } from "../../../components/button";
import { FormField, inputClassName, TextField } from "../../../components/form-field";
import { FormActions, formStyles, ProgressStatus } from "../../../components/form-layout";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import { type ConnectDraft, knownFeatureIds } from "../features";
import styles from "./connect-form.module.css";
import { FeatureFieldset } from "./feature-fieldset";
import { CUSTOM_OPTION, OptionPicker } from "./option-picker";
import { SecretInput } from "./secret-input";

/** What a submit callback reports back: success, or the server's per-field messages to show inline. */
export type SubmitOutcome = { ok: true } | { ok: false; fieldErrors?: Record<string, string> | undefined };

export interface ConnectFormInitialValues {
  name?: string | undefined;
  /** The partner's non-secret fields, by name (a secret is never prefilled). */
  values?: Record<string, string> | undefined;
  /** Feature ids to start with (unknown ones are dropped); none known → the partner's default features. */
  features?: string[] | undefined;
}

/** The form's own shape: the partner's fields under `fields`, so any partner's list renders and validates. */
interface ConnectFormValues {
  name: string;
  fields: Record<string, string>;
  features: string[];
  probeAll: boolean;
}

const ownKeys = new Set(["name", "features", "probeAll"]);

interface ConnectFormProps {
  partner: PartnerCatalogEntry;
  initialValues?: ConnectFormInitialValues;
  /** Verify without storing (POST /api/integrations/test). */
  onTest: (input: ConnectRequest) => Promise<SubmitOutcome>;
  /** Verify and store (POST /api/integrations). */
  onConnect: (input: ConnectRequest) => Promise<SubmitOutcome>;
  /** Told what the setup guide follows (chosen features, the fields typed so far) whenever it changes. */
  onDraftChange?: ((draft: ConnectDraft) => void) | undefined;
}

/** The request the form's values make: a blank Name is left out (the server names the connection). */
function toRequest(partner: PartnerCatalogEntry, values: ConnectFormValues): Record<string, unknown> {
  return {
    ...values.fields,
    partner: partner.id,
    ...(values.name.trim() === "" ? {} : { name: values.name }),
    features: values.features,
    probeAll: values.probeAll,
  };
}

/** The form path of a request field: a partner field lives under `fields`. */
function formPath(partner: PartnerCatalogEntry, key: string): string {
  if (partner.fields.some((field) => field.name === key)) return `fields.${key}`;
  return ownKeys.has(key) ? key : "root.server";
}

/**
 * Validate with the registry's connect schema (the union discriminated on `partner`, the same one the server
 * parses), mapping each issue onto the field the admin sees. Hand-written because the form nests the partner's
 * fields, which zodResolver cannot map.
 */
function connectResolver(partner: PartnerCatalogEntry): Resolver<ConnectFormValues, unknown, ConnectRequest> {
  const schema = connectRequestSchema(schemaOptionsOf(partner));
  return async (values, _context, options) => {
    const parsed = schema.safeParse(toRequest(partner, values));
    if (parsed.success) return { values: parsed.data, errors: {} };
    const errors: Record<string, FieldError> = {};
    for (const issue of parsed.error.issues) {
      const path = formPath(partner, String(issue.path[0] ?? ""));
      errors[path] ??= { type: issue.code, message: issue.message };
    }
    return { values: {}, errors: toNestErrors(errors, options) };
  };
}

function initialFeatures(partner: PartnerCatalogEntry, requested: readonly string[] | undefined) {
  const known = knownFeatureIds(partner, requested ?? []);
  return known.length > 0 ? known : knownFeatureIds(partner, partner.defaultFeatures);
}

/** `baseUrl` → `base-url`, for element ids. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The host of a URL-ish value, lower case, or "" when it is not one. */
function hostOf(value: string): string {
  try {
    return new URL(value.trim()).host.toLowerCase().replace(/\.$/, "");
  } catch {
    return "";
  }
}

/**
 * Any partner's connect form, rendered from its catalog entry's fields: the registry's schema (the server's own),
 * inline errors once a field is touched, non-blocking warnings, the features to enable, Test and Connect.
 */
export function ConnectForm({
  partner,
  initialValues = {},
  onTest,
  onConnect,
  onDraftChange,
}: ConnectFormProps) {
  const resolver = useMemo(() => connectResolver(partner), [partner]);
  const secretFields = partner.fields.filter((field) => field.kind === "secret");
  const {
    register,
    handleSubmit,
    setValue,
    setError,
    resetField,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<ConnectFormValues, unknown, ConnectRequest>({
    resolver,
    mode: "onTouched",
    defaultValues: {
      name: initialValues.name ?? "",
      fields: Object.fromEntries(
        partner.fields.map((field) => [
          field.name,
          field.kind === "secret" ? "" : (initialValues.values?.[field.name] ?? ""),
        ]),
      ),
      features: initialFeatures(partner, initialValues.features),
      probeAll: false,
    },
  });
  const [customPicks, setCustomPicks] = useState<ReadonlySet<string>>(new Set());
  const showProgress = useDelayedFlag(isSubmitting);

  const [fields, name, features] = watch(["fields", "name", "features"]);
  const typed: Record<string, string> = Object.fromEntries(
    partner.fields.filter((f) => f.kind !== "secret").map((f) => [f.name, fields[f.name] ?? ""]),
  );
  // Values and the checkbox group are new objects on every render: tell the guide only when their content changed.
  const draftKey = JSON.stringify([features, typed]);
  const sentDraft = useRef("");
  useEffect(() => {
    if (sentDraft.current === draftKey) return;
    sentDraft.current = draftKey;
    onDraftChange?.({ features, values: typed });
  });

  const warnings = inputWarnings(partner.id, { ...fields, name });
  const warningFor = (field: string) => warnings.find((warning) => warning.field === field)?.message;
  const errorOf = (field: string) => errors.fields?.[field]?.message;

  /** The option a url field's value is (same host), else custom once anything is typed. */
  function pickedOption(field: ConnectField): string {
    const value = fields[field.name] ?? "";
    const host = hostOf(value);
    const listed = host === "" ? undefined : field.options.find((o) => hostOf(o.value) === host);
    if (listed) return listed.value;
    return customPicks.has(field.name) || value !== "" ? CUSTOM_OPTION : "";
  }

  function pick(field: ConnectField, value: string) {
    setCustomPicks((current) => {
      const next = new Set(current);
      if (value === CUSTOM_OPTION) next.add(field.name);
      else next.delete(field.name);
      return next;
    });
    if (value === "" || value === CUSTOM_OPTION) return;
    setValue(`fields.${field.name}`, value, { shouldValidate: true, shouldDirty: true, shouldTouch: true });
  }

  function applyServerErrors(fieldErrors: Record<string, string>) {
    const entries = Object.entries(fieldErrors).map(([key, message]) => ({
      path: formPath(partner, key),
      message,
    }));
    const first = entries.find((entry) => entry.path !== "root.server")?.path;
    for (const { path, message } of entries) {
      if (path === "root.server") setError("root.server", { type: "server", message });
      else if (path === "name" || path === "features" || path === "probeAll")
        setError(path, { type: "server", message }, { shouldFocus: path === first });
      else
        setError(
          `fields.${path.slice("fields.".length)}`,
          { type: "server", message },
          { shouldFocus: path === first },
        );
    }
  }

  function showServerErrors(outcome: SubmitOutcome) {
    if (!outcome.ok && outcome.fieldErrors) applyServerErrors(outcome.fieldErrors);
  }

  const test = handleSubmit(async (input) => showServerErrors(await onTest(input)));

  const connect = handleSubmit(async (input) => {
    const outcome = await onConnect(input);
    if (outcome.ok) {
      for (const field of secretFields) resetField(`fields.${field.name}`, { defaultValue: "" });
    } else showServerErrors(outcome);
  });

  const quotaProbes = partner.features.filter((feature) => feature.probeOnRequest);

  function renderField(field: ConnectField) {
    const id = `connect-${kebab(field.name)}`;
    const common = {
      id,
      label: field.label,
      help: field.help,
      optional: field.optional,
      error: errorOf(field.name),
    };
    const registration = register(`fields.${field.name}`);
    switch (field.kind) {
      case "secret":
        return (
          <FormField key={field.name} {...common}>
            {(control) => <SecretInput control={control} registration={registration} label={field.label} />}
          </FormField>
        );
      case "select":
        return (
          <FormField key={field.name} {...common} warning={warningFor(field.name)}>
            {(control) => (
              <select {...control} className={inputClassName} {...registration}>
                <option value="">{`Choose ${field.label.toLowerCase()}…`}</option>
                {field.options.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        );
      default:
        return (
          <Fragment key={field.name}>
            {field.kind === "url" && field.options.length > 0 ? (
              <FormField
                id={`${id}-option`}
                label={field.optionsLabel ?? `${field.label} choices`}
                help={field.optionsHelp ?? undefined}
              >
                {(control) => (
                  <OptionPicker
                    control={control}
                    partner={partner}
                    field={field}
                    value={pickedOption(field)}
                    onChange={(value) => pick(field, value)}
                  />
                )}
              </FormField>
            ) : null}
            <TextField
              {...common}
              warning={warningFor(field.name)}
              mono={field.kind !== "text"}
              {...registration}
              inputMode={field.kind === "url" ? "url" : undefined}
              autoComplete="off"
              spellCheck={false}
              placeholder={field.placeholder ?? undefined}
            />
          </Fragment>
        );
    }
  }

  return (
    <form
      className={formStyles.form}
      method="post"
      noValidate
      aria-busy={isSubmitting}
      aria-label={`Connect ${partner.name}`}
      onSubmit={connect}
    >
      {partner.fields.map(renderField)}

      <TextField
        id="connect-name"
        label="Name"
        optional
        help="How this connection appears in Patchbay, e.g. the tenant's name. Leave it blank to use the default."
        error={errors.name?.message}
        warning={warningFor("name")}
        {...register("name")}
        autoComplete="off"
      />

      <FeatureFieldset
        partner={partner}
        idPrefix="connect-feature"
        registration={register("features")}
        error={errors.features?.message}
      />

      {quotaProbes.length > 0 ? (
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
              Also run probes that spend tenant quota: {quotaProbes.map((f) => f.label).join(", ")}
            </label>
            <p id="connect-probe-all-help" className={styles.note}>
              These features are proven by a real query, which counts against the tenant's quota. Left off,
              Patchbay checks only that their permissions are granted.
            </p>
          </div>
        </div>
      ) : null}

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
        <ProgressStatus active={showProgress}>{`Verifying with ${partner.verifiesWith}…`}</ProgressStatus>
      </FormActions>
      <p className={styles.note}>
        Test connection verifies without storing anything. Connect verifies again and stores the connection
        only if it works.
      </p>
    </form>
  );
}
