import { zodResolver } from "@hookform/resolvers/zod";
import { CalendarCheck, CircleHelp, CircleX, type LucideIcon, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { Integration } from "../../../../shared/contract";
import { secretExpiresAtSchema } from "../../../../shared/partners/common";
import { buttonClass } from "../../../components/button";
import { TextField } from "../../../components/form-field";
import { FormActions, ProgressStatus } from "../../../components/form-layout";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import { useNow } from "../../../lib/use-now";
import {
  type ExpiryUrgency,
  expiryInfo,
  expirySourceText,
  formatExpiryDate,
  isoDay,
  relativeDays,
} from "../expiry";
import styles from "./secret-expiry.module.css";

const urgencyLook: Record<ExpiryUrgency | "unknown", { Icon: LucideIcon; className: string | undefined }> = {
  ok: { Icon: CalendarCheck, className: styles.ok },
  soon: { Icon: TriangleAlert, className: styles.soon },
  expired: { Icon: CircleX, className: styles.expired },
  unknown: { Icon: CircleHelp, className: styles.unknown },
};

/** "Expires on 30 June 2027 (in 208 days)", "Expired on … (3 days ago)" or "Expiry unknown": icon, words, colour. */
export function ExpiryStatement({ expiresAt }: { expiresAt: string | null | undefined }) {
  const now = useNow();
  if (!expiresAt) {
    const { Icon, className } = urgencyLook.unknown;
    return (
      <span className={`${styles.statement} ${className}`}>
        <Icon size={16} aria-hidden="true" focusable="false" />
        Expiry unknown
      </span>
    );
  }
  const info = expiryInfo(expiresAt, now);
  const { Icon, className } = urgencyLook[info.urgency];
  return (
    <span className={`${styles.statement} ${className}`}>
      <Icon size={16} aria-hidden="true" focusable="false" />
      <span>
        {info.expired ? "Expired on " : "Expires on "}
        <time dateTime={expiresAt}>{formatExpiryDate(expiresAt)}</time> ({relativeDays(info)})
      </span>
    </span>
  );
}

const expiryFormSchema = z.object({
  secretExpiresAt: z
    .string()
    .trim()
    .min(1, "Enter the date from the Expires column of this secret in Certificates & secrets.")
    .pipe(secretExpiresAtSchema),
});

/** What saving an expiry date produced: success, or the message to show. */
export type SaveExpiryResult =
  | { ok: true }
  | { ok: false; fieldError?: string | undefined; message?: string };

function ExpiryForm({
  current,
  canClear,
  onSave,
}: {
  current: string | null | undefined;
  canClear: boolean;
  onSave: (date: string | null) => Promise<SaveExpiryResult>;
}) {
  const {
    register,
    handleSubmit,
    setError,
    clearErrors,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof expiryFormSchema>, unknown, z.output<typeof expiryFormSchema>>({
    resolver: zodResolver(expiryFormSchema),
    mode: "onTouched",
    defaultValues: { secretExpiresAt: current ? isoDay(current) : "" },
  });
  const [clearing, setClearing] = useState(false);
  const busy = isSubmitting || clearing;
  const showProgress = useDelayedFlag(busy);

  async function send(date: string | null) {
    clearErrors("root.server");
    const outcome = await onSave(date);
    if (outcome.ok) return;
    if (outcome.fieldError) {
      setError("secretExpiresAt", { type: "server", message: outcome.fieldError }, { shouldFocus: true });
    }
    if (outcome.message) setError("root.server", { type: "server", message: outcome.message });
  }

  // The schema's output is the instant; the API takes the day the admin typed.
  const save = handleSubmit(({ secretExpiresAt }) => send(isoDay(secretExpiresAt)));

  // Clearing needs no valid date in the field: it skips the form's validation.
  async function clear() {
    clearErrors();
    setClearing(true);
    try {
      await send(null);
    } finally {
      setClearing(false);
    }
  }

  return (
    <form className={styles.form} method="post" noValidate aria-busy={busy} onSubmit={save}>
      <TextField
        id="secret-expires-on"
        label="Secret expires on"
        help="The Expires date of this secret in the app registration's Certificates & secrets. Patchbay warns 30 days ahead."
        error={errors.secretExpiresAt?.message}
        type="date"
        {...register("secretExpiresAt")}
      />
      {errors.root?.server ? (
        <p className={styles.error} role="alert">
          {errors.root.server.message}
        </p>
      ) : null}
      <FormActions>
        <button type="submit" className={buttonClass()} disabled={busy}>
          Save expiry date
        </button>
        {canClear ? (
          <button type="button" className={buttonClass()} disabled={busy} onClick={clear}>
            Clear expiry date
          </button>
        ) : null}
        <ProgressStatus active={showProgress}>Saving…</ProgressStatus>
      </FormActions>
    </form>
  );
}

interface SecretExpiryProps {
  integration: Integration;
  /** For how the partner learns the expiry; the catalog may still be loading. */
  partner?: PartnerCatalogEntry | undefined;
  /** PATCHes `secretExpiresAt`: a day (YYYY-MM-DD), or null to clear it. */
  onSaveExpiry: (date: string | null) => Promise<SaveExpiryResult>;
  /** Why the user cannot set the date (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

/**
 * When the App Secret expires and where Patchbay learnt it; when Microsoft Graph did not tell, a small form to type
 * the date from Certificates & secrets (or clear the typed one).
 */
export function SecretExpiry({ integration, partner, onSaveExpiry, readOnlyReason }: SecretExpiryProps) {
  const { secret } = integration;
  // An erased secret (disconnected) has no expiry worth showing here.
  if (!secret.configured) return null;
  const source = secret.expirySource;
  const reportNote = integration.lastReport?.secretExpiry?.message;
  const editable = integration.status !== "disconnected" && source !== "graph";

  return (
    <div className={styles.section}>
      <p className={styles.line}>
        <ExpiryStatement expiresAt={secret.expiresAt} />
        {secret.expiresAt && source ? (
          <span className={styles.source}>
            {`· ${source === "graph" && partner?.expiryReadFrom ? `read from ${partner.expiryReadFrom}` : expirySourceText[source]}`}
          </span>
        ) : null}
      </p>
      {reportNote ? <p className={styles.muted}>{reportNote}</p> : null}
      {!secret.expiresAt && integration.status !== "disconnected" ? (
        <p className={styles.muted}>{partner?.expiryNote ?? "You can type it below."}</p>
      ) : null}
      {editable && readOnlyReason !== undefined ? (
        <div className={styles.restricted}>
          <button type="button" className={buttonClass()} disabled aria-describedby="expiry-restricted">
            Set expiry date
          </button>
          <ReadOnlyNotice id="expiry-restricted" reason={readOnlyReason} />
        </div>
      ) : null}
      {editable && readOnlyReason === undefined ? (
        <ExpiryForm
          key={secret.expiresAt ?? "none"}
          current={secret.expiresAt}
          canClear={source === "admin" && Boolean(secret.expiresAt)}
          onSave={onSaveExpiry}
        />
      ) : null}
    </div>
  );
}
