import { CircleX } from "lucide-react";
import { errorMessage } from "../lib/api-client";
import { buttonClass } from "./button";
import styles from "./query-error.module.css";

interface QueryErrorProps {
  /** What could not be loaded: "the partner catalog". */
  what: string;
  error: unknown;
  onRetry: () => void;
}

/** A failed load, what went wrong, and a way to try again. */
export function QueryError({ what, error, onRetry }: QueryErrorProps) {
  return (
    <div className={styles.error} role="alert">
      <CircleX size={20} aria-hidden="true" />
      <div className={styles.body}>
        <p className={styles.title}>Could not load {what}.</p>
        <p>{errorMessage(error)}</p>
        <button type="button" className={buttonClass()} onClick={onRetry}>
          Try again
        </button>
      </div>
    </div>
  );
}
