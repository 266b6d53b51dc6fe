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
      description="Patchbay erases the stored App Secret and stops checking this tenant. The history stays. You can connect again later."
      confirmLabel="Disconnect"
      onConfirm={onConfirm}
      fallbackFocus={fallbackFocus}
    />
  );
}
