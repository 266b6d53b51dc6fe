import type { RefObject } from "react";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { ConfirmDialog } from "../../../components/confirm-dialog";

/** What erasing a connection's data takes away, in the words the confirmation uses. */
export function erasedData(integrationName: string): string {
  return `the alerts, incidents, devices, vulnerabilities and software synced from ${integrationName}`;
}

interface DeleteDataDialogProps {
  integrationName: string;
  /** Already disconnected: only the data is left to delete. */
  disconnected: boolean;
  /** The partner, for its secret's name; the catalog may still be loading. */
  partner: PartnerCatalogEntry | undefined;
  /** Disconnects (if needed) and deletes; the dialog stays open (showing the error) if this rejects. */
  onConfirm: () => Promise<void>;
  /** Where focus goes when the dialog closes after its trigger has gone. */
  fallbackFocus?: RefObject<HTMLElement | null>;
}

/**
 * Deleting synced data is its own action, never a side effect of Disconnect: a separate button with a confirmation
 * that names everything it erases and says it cannot be undone.
 */
export function DeleteDataDialog({
  integrationName,
  disconnected,
  partner,
  onConfirm,
  fallbackFocus,
}: DeleteDataDialogProps) {
  const secretLabel = partner?.fields.find((field) => field.kind === "secret")?.label ?? "secret";
  const erased = erasedData(integrationName);
  if (disconnected) {
    return (
      <ConfirmDialog
        trigger="Delete synced data"
        title={`Delete the data synced from ${integrationName}?`}
        description={`Patchbay deletes ${erased}, for good. This cannot be undone; the records stay in ${partner?.name ?? "the partner"} itself. The connection's settings and history stay.`}
        confirmLabel="Delete synced data"
        onConfirm={onConfirm}
        fallbackFocus={fallbackFocus}
      />
    );
  }
  return (
    <ConfirmDialog
      trigger="Delete synced data and disconnect"
      title={`Delete the data synced from ${integrationName} and disconnect it?`}
      description={`Patchbay disconnects ${integrationName}, erasing the stored ${secretLabel} for good, and deletes ${erased}. This cannot be undone; the records stay in ${partner?.name ?? "the partner"} itself. The connection's settings and history stay. ${partner?.revokeSecretNote ?? ""}`.trimEnd()}
      confirmLabel="Delete and disconnect"
      onConfirm={onConfirm}
      fallbackFocus={fallbackFocus}
    />
  );
}
