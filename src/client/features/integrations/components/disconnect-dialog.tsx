import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { type MouseEvent, type RefObject, useRef, useState } from "react";
import { buttonClass } from "../../../components/button";
import { Spinner } from "../../../components/spinner";
import { errorMessage } from "../../../lib/api-client";
import styles from "./disconnect-dialog.module.css";

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
  const triggerRef = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm(event: MouseEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        setOpen(next);
        setError(null);
      }}
    >
      <AlertDialog.Trigger ref={triggerRef} className={buttonClass("danger")} aria-label={triggerLabel}>
        Disconnect
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        <AlertDialog.Content
          className={styles.content}
          onCloseAutoFocus={(event) => {
            if (!triggerRef.current?.isConnected && fallbackFocus?.current) {
              event.preventDefault();
              fallbackFocus.current.focus();
            }
          }}
        >
          <AlertDialog.Title className={styles.title}>Disconnect {integrationName}?</AlertDialog.Title>
          <AlertDialog.Description className={styles.description}>
            Patchbay erases the stored App Secret and stops checking this tenant. The history stays. You can
            connect again later.
          </AlertDialog.Description>
          {error ? (
            <p className={styles.error} role="alert">
              {errorMessage(error)}
            </p>
          ) : null}
          <div className={styles.actions}>
            <AlertDialog.Cancel className={buttonClass()} disabled={pending}>
              Cancel
            </AlertDialog.Cancel>
            <AlertDialog.Action className={buttonClass("dangerSolid")} disabled={pending} onClick={confirm}>
              {pending ? <Spinner /> : null}
              Disconnect
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
