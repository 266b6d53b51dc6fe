import styles from "./button.module.css";

export type ButtonVariant = "primary" | "secondary" | "danger" | "dangerSolid";

const variantClass: Record<ButtonVariant, string | undefined> = {
  primary: styles.primary,
  secondary: undefined,
  danger: styles.danger,
  dangerSolid: styles.dangerSolid,
};

/** Class names for anything that looks like a button: `<button>`, router links, Radix actions. */
export function buttonClass(
  variant: ButtonVariant = "secondary",
  size: "normal" | "small" = "normal",
): string {
  return [styles.button, variantClass[variant], size === "small" ? styles.small : undefined]
    .filter((name) => name !== undefined)
    .join(" ");
}
