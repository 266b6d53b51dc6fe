import { TriangleAlert } from "lucide-react";
import { useEffect, useRef } from "react";
import type { ApiToken } from "../../../../shared/auth";
import { buttonClass } from "../../../components/button";
import { CopyButton } from "../../../components/copy-button";
import styles from "./tokens.module.css";

interface TokenSecretPanelProps {
  token: ApiToken;
  secret: string;
  /** Forgets the secret: the panel goes and cannot come back. */
  onDone: () => void;
}

/** The new token's secret, this once, with Copy; focus moves here so the warning is heard first. */
export function TokenSecretPanel({ token, secret, onDone }: TokenSecretPanelProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section className={styles.secretPanel} aria-labelledby="token-secret-heading">
      <h3 id="token-secret-heading" ref={headingRef} tabIndex={-1}>
        Token “{token.name}” created
      </h3>
      <p className={styles.warning}>
        <TriangleAlert size={18} aria-hidden="true" />
        Copy this token now: Patchbay shows it only once.
      </p>
      <div className={styles.secretRow}>
        <code className={styles.secret}>{secret}</code>
        <CopyButton value={secret} label="API token" />
      </div>
      <p className={styles.usage}>
        Send it as <code>Authorization: Bearer …</code>, or set it as <code>PATCHBAY_TOKEN</code> for the{" "}
        <code>patchbay</code> command line. Patchbay stores only a hash: if it is lost, revoke it and create a
        new one.
      </p>
      <div>
        <button type="button" className={buttonClass("primary")} onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
