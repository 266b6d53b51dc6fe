import styles from "./loading.module.css";
import { Spinner } from "./spinner";

/** A page-level "Loading …" line that screen readers hear once. */
export function Loading({ what }: { what: string }) {
  return (
    <p className={styles.loading} role="status">
      <Spinner /> Loading {what}…
    </p>
  );
}
