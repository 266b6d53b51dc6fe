import { LoaderCircle } from "lucide-react";
import styles from "./spinner.module.css";

/** A decorative spinner; pair it with words that say what is happening. */
export function Spinner({ size = 16 }: { size?: number }) {
  return <LoaderCircle className={styles.spinner} size={size} aria-hidden="true" focusable="false" />;
}
