import { Eye, EyeOff } from "lucide-react";
import { useState } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import type { FieldControlProps } from "../../../components/form-field";
import { monoInputClassName } from "../../../components/form-field";
import { VisuallyHidden } from "../../../components/visually-hidden";
import styles from "./secret-input.module.css";

interface SecretInputProps {
  control: FieldControlProps;
  registration: UseFormRegisterReturn;
  /** The field's label, for the toggle's name: "Show App Secret". */
  label: string;
}

/** A masked input with a show/hide toggle. Never autocompleted, never spell-checked (that would send it away). */
export function SecretInput({ control, registration, label }: SecretInputProps) {
  const [visible, setVisible] = useState(false);
  return (
    <div className={styles.wrapper}>
      <input
        {...control}
        {...registration}
        className={monoInputClassName}
        type={visible ? "text" : "password"}
        autoComplete="off"
        autoCapitalize="off"
        autoCorrect="off"
        spellCheck={false}
      />
      <button
        type="button"
        className={styles.toggle}
        aria-controls={control.id}
        onClick={() => setVisible((current) => !current)}
      >
        {visible ? <EyeOff size={16} aria-hidden="true" /> : <Eye size={16} aria-hidden="true" />}
        {/* Named by content, not aria-label, so "App Secret" labels only the input. */}
        <VisuallyHidden>{`${visible ? "Hide" : "Show"} ${label}`}</VisuallyHidden>
      </button>
    </div>
  );
}
