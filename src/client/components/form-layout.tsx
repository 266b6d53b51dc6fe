import type { ReactNode } from "react";
import styles from "./form-layout.module.css";
import { Spinner } from "./spinner";

/** Class names of the shared form layout: `form`, `columns` (with `form`), `fullRow` and `actions`. */
export const formStyles = styles;

/** A form's row of buttons (and its progress line). */
export function FormActions({ children }: { children: ReactNode }) {
  return <div className={styles.actions}>{children}</div>;
}

interface ProgressStatusProps {
  /** Whether the work is under way (and has taken long enough to say so). */
  active: boolean;
  /** What is under way, e.g. "Signing in…". */
  children: string;
  id?: string;
}

/** A status line, always present so that screen readers announce what appears in it. */
export function ProgressStatus({ active, children, id }: ProgressStatusProps) {
  return (
    <p id={id} className={styles.progress} role="status">
      {active ? (
        <>
          <Spinner /> {children}
        </>
      ) : null}
    </p>
  );
}
