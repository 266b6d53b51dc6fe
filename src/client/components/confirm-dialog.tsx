import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { type MouseEvent, type ReactNode, type RefObject, useRef, useState } from "react";
import { errorMessage } from "../lib/api-client";
import { type ButtonVariant, buttonClass } from "./button";
import styles from "./dialog.module.css";
import { Spinner } from "./spinner";

interface ConfirmDialogProps {
  /** The trigger's visible content, e.g. "Deactivate". */
  trigger: ReactNode;
  /** The trigger's accessible name when its text alone is ambiguous, e.g. "Deactivate Ada Admin". */
  triggerLabel?: string;
  triggerVariant?: ButtonVariant;
  triggerSize?: "normal" | "small";
  title: string;
  /** What confirming does, in words: the dialog's accessible description. */
  description: string;
  confirmLabel: string;
  confirmVariant?: ButtonVariant;
  /** Does it; the dialog stays open (showing the error) if this rejects. */
  onConfirm: () => Promise<void>;
  /** Where focus goes when the dialog closes after its trigger has gone (e.g. confirming removed it). */
  fallbackFocus?: RefObject<HTMLElement | null> | undefined;
}

/** An action behind a confirmation that names its effect. */
export function ConfirmDialog({
  trigger,
  triggerLabel,
  triggerVariant = "danger",
  triggerSize = "normal",
  title,
  description,
  confirmLabel,
  confirmVariant = "dangerSolid",
  onConfirm,
  fallbackFocus,
}: ConfirmDialogProps) {
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
      <AlertDialog.Trigger
        ref={triggerRef}
        className={buttonClass(triggerVariant, triggerSize)}
        aria-label={triggerLabel}
      >
        {trigger}
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
          <AlertDialog.Title className={styles.title}>{title}</AlertDialog.Title>
          <AlertDialog.Description className={styles.description}>{description}</AlertDialog.Description>
          {error ? (
            <p className={styles.error} role="alert">
              {errorMessage(error)}
            </p>
          ) : null}
          <div className={styles.actions}>
            <AlertDialog.Cancel className={buttonClass()} disabled={pending}>
              Cancel
            </AlertDialog.Cancel>
            <AlertDialog.Action className={buttonClass(confirmVariant)} disabled={pending} onClick={confirm}>
              {pending ? <Spinner /> : null}
              {confirmLabel}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
