import { TriangleAlert } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import styles from "./form-field.module.css";

/** Props a form control needs so its label, help, error and warning are announced with it. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
}

interface FormFieldProps {
  id: string;
  label: string;
  help?: string | undefined;
  error?: string | undefined;
  warning?: string | undefined;
  optional?: boolean;
  children: (control: FieldControlProps) => ReactNode;
}

/** A labelled control with its help text, its inline error (after the field is touched) and a non-blocking warning. */
export function FormField({ id, label, help, error, warning, optional = false, children }: FormFieldProps) {
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const warningId = `${id}-warning`;
  const describedBy = [
    error ? errorId : undefined,
    warning ? warningId : undefined,
    help ? helpId : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(" ");

  return (
    <div className={styles.field}>
      <label className={styles.label} htmlFor={id}>
        {label}
        {optional ? <span className={styles.optional}> (optional)</span> : null}
      </label>
      {children({ id, "aria-invalid": error !== undefined, "aria-describedby": describedBy || undefined })}
      {error ? (
        <p id={errorId} className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
      {warning ? (
        <p id={warningId} className={styles.warning}>
          <TriangleAlert size={14} aria-hidden="true" />
          <span>
            <span className={styles.warningLabel}>Check: </span>
            {warning}
          </span>
        </p>
      ) : null}
      {help ? (
        <p id={helpId} className={styles.help}>
          {help}
        </p>
      ) : null}
    </div>
  );
}

/** Class names for text inputs and selects inside a `FormField`. */
export const inputClassName = styles.input;
export const monoInputClassName = `${styles.input} ${styles.mono}`;

type TextFieldProps = Omit<FormFieldProps, "children"> &
  Omit<ComponentProps<"input">, "id" | "className" | "children"> & {
    /** Monospace, for identifiers and URLs. */
    mono?: boolean;
  };

/** A `FormField` holding a text input (text, email, password, search, date…); the rest of the props go to the input. */
export function TextField({
  id,
  label,
  help,
  error,
  warning,
  optional,
  mono = false,
  ...input
}: TextFieldProps) {
  return (
    <FormField id={id} label={label} help={help} error={error} warning={warning} optional={optional}>
      {(control) => <input {...input} {...control} className={mono ? monoInputClassName : inputClassName} />}
    </FormField>
  );
}
