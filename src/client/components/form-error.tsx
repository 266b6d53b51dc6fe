import { CircleX } from "lucide-react";
import styles from "./form-error.module.css";

/** A form-level error (wrong password, refused by the server), announced when it appears. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className={styles.error} role="alert">
      <CircleX size={16} aria-hidden="true" />
      <span>{message}</span>
    </p>
  );
}
