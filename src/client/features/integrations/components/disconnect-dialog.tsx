import type { RefObject } from "react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { ConfirmDialog } from "../../../components/confirm-dialog";

interface DisconnectDialogProps {
  integrationName: string;
  /** The partner, for its secret's name and where to revoke it; the catalog may still be loading. */
  partner: PartnerCatalogEntry | undefined;
  /** Disconnects; the dialog stays open (showing the error) if this rejects. */
  onConfirm: () => Promise<void>;
  /** The trigger's accessible name when "Disconnect" alone is ambiguous, e.g. "Disconnect Contoso". */
  triggerLabel?: string;
  /** Where focus goes when the dialog closes after its trigger has gone (disconnecting removes it). */
  fallbackFocus?: RefObject<HTMLElement | null>;
}

/** Disconnect behind a confirmation that names what it destroys and what it keeps. */
export function DisconnectDialog({
  integrationName,
  partner,
  onConfirm,
  triggerLabel,
  fallbackFocus,
}: DisconnectDialogProps) {
  const secretLabel = partner?.fields.find((field) => field.kind === "secret")?.label ?? "secret";
  return (
    <ConfirmDialog
      trigger="Disconnect"
      triggerLabel={triggerLabel}
      title={`Disconnect ${integrationName}?`}
      description={`Patchbay erases the stored ${secretLabel} for good (it destroys the secret's own encryption key, so no copy in the database, its log files or backups can be read again) and stops checking this connection. Its settings and history stay. ${partner?.revokeSecretNote ?? ""}`.trimEnd()}
      confirmLabel="Disconnect"
      onConfirm={onConfirm}
      fallbackFocus={fallbackFocus}
    />
  );
}
