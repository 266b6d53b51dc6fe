import type { RefObject } from "react";
import { ConfirmDialog } from "../../../components/confirm-dialog";

interface DisconnectDialogProps {
  integrationName: string;
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
  onConfirm,
  triggerLabel,
  fallbackFocus,
}: DisconnectDialogProps) {
  return (
    <ConfirmDialog
      trigger="Disconnect"
      triggerLabel={triggerLabel}
      title={`Disconnect ${integrationName}?`}
      description="Patchbay erases the stored App Secret for good (it destroys the secret's own encryption key, so no copy in the database, its log files or backups can be read again) and stops checking this tenant. The tenant, App ID and history stay. The secret still works in Microsoft Entra ID until you delete it there, under App registrations → Certificates & secrets."
      confirmLabel="Disconnect"
      onConfirm={onConfirm}
      fallbackFocus={fallbackFocus}
    />
  );
}
