import { ExternalLink } from "lucide-react";
import styles from "./new-tab-link.module.css";
import { VisuallyHidden } from "./visually-hidden";

/** A link to another site, opened in a new tab without opener or referrer, and saying so to screen readers. */
export function NewTabLink({
  href,
  children,
  strong = false,
}: {
  href: string;
  children: string;
  /** The one link to follow in its context (e.g. Grant admin consent). */
  strong?: boolean;
}) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className={strong ? `${styles.link} ${styles.strong}` : styles.link}
    >
      {children}
      <ExternalLink size={12} aria-hidden="true" />
      <VisuallyHidden> (opens in a new tab)</VisuallyHidden>
    </a>
  );
}
