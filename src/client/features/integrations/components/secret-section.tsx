import { KeyRound } from "lucide-react";
import { useState } from "react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { Integration, VerificationReport } from "../../../../shared/contract";
import { buttonClass } from "../../../components/button";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { formatDate } from "../../../lib/format-time";
import { ReplaceSecretForm, type ReplaceSecretOutcome } from "./replace-secret-form";
import styles from "./secret-section.module.css";
import { VerificationChecklist } from "./verification-checklist";

export type SaveSecretResult =
  | { ok: true }
  | { ok: false; report?: VerificationReport | undefined; fieldError?: string | undefined; message?: string };

interface SecretSectionProps {
  integration: Integration;
  /** For the features' labels in a failed verification's checklist. */
  partner?: PartnerCatalogEntry | undefined;
  /** PATCHes only the new secret; the server stores it only if verification with it passes. */
  onSaveSecret: (secret: string) => Promise<SaveSecretResult>;
  /** Why the user cannot replace the secret (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

function describeSecret(secret: Integration["secret"]): string {
  if (!secret.configured) return "Not configured";
  return ["Configured", secret.fingerprint, secret.updatedAt ? formatDate(secret.updatedAt) : null]
    .filter((part) => part !== null && part !== "")
    .join(" · ");
}

/** "Configured · fingerprint · date", and Replace, which verifies a new secret before swapping it in. */
export function SecretSection({ integration, partner, onSaveSecret, readOnlyReason }: SecretSectionProps) {
  const [replacing, setReplacing] = useState(false);
  const [failure, setFailure] = useState<{
    report?: VerificationReport | undefined;
    message?: string;
  } | null>(null);
  const { secret } = integration;
  const canReplace = integration.status !== "disconnected";

  async function save(secret: string): Promise<ReplaceSecretOutcome> {
    setFailure(null);
    const result = await onSaveSecret(secret);
    if (result.ok) {
      setReplacing(false);
      return { ok: true };
    }
    setFailure({ report: result.report, message: result.message });
    return { ok: false, fieldError: result.fieldError };
  }

  function keep() {
    setReplacing(false);
    setFailure(null);
  }

  return (
    <div className={styles.section}>
      <p className={styles.state}>
        <KeyRound size={16} aria-hidden="true" />
        <span>{describeSecret(secret)}</span>
        {secret.configured && secret.fingerprint ? (
          <span className={styles.hint}>(fingerprint, to compare with your records; not the secret)</span>
        ) : null}
      </p>
      {canReplace && readOnlyReason !== undefined ? (
        <div className={styles.restricted}>
          <button type="button" className={buttonClass()} disabled aria-describedby="replace-restricted">
            Replace
          </button>
          <ReadOnlyNotice id="replace-restricted" reason={readOnlyReason} />
        </div>
      ) : null}
      {canReplace && readOnlyReason === undefined && !replacing ? (
        <div>
          <button type="button" className={buttonClass()} onClick={() => setReplacing(true)}>
            Replace
          </button>
        </div>
      ) : null}
      {canReplace && readOnlyReason === undefined && replacing ? (
        <ReplaceSecretForm partnerId={integration.partner} partner={partner} onSave={save} onKeep={keep} />
      ) : null}
      {failure?.message ? (
        <p className={styles.error} role="alert">
          {failure.message}
        </p>
      ) : null}
      {failure?.report ? (
        <div className={styles.report}>
          <p className={styles.error}>The new secret failed verification. Nothing was changed.</p>
          <VerificationChecklist report={failure.report} partner={partner} />
        </div>
      ) : null}
    </div>
  );
}
