import * as Dialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { type ReactNode, useLayoutEffect, useRef } from "react";
import { buttonClass } from "./button";
import styles from "./side-sheet.module.css";

interface SideSheetProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The dialog's name, shown as its heading. */
  title: string;
  /** One line under the title (e.g. the record's kind and id); it also describes the dialog. */
  subtitle?: string | undefined;
  children: ReactNode;
}

/**
 * A modal panel sliding in from the right, for a record's detail beside the list it came from. Radix traps focus
 * inside while it is open and closes on Escape; focus then goes back to what opened it.
 */
export function SideSheet({ open, onOpenChange, title, subtitle, children }: SideSheetProps) {
  // Opened from a list (no Radix trigger), so remember what had focus: Radix only knows to return to a trigger.
  // A layout effect runs before Radix moves focus into the sheet.
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement) opener.current = document.activeElement;
  }, [open]);

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content
          className={styles.sheet}
          onCloseAutoFocus={(event) => {
            if (opener.current?.isConnected) {
              event.preventDefault();
              opener.current.focus();
            }
          }}
          // Without a subtitle there is nothing short to describe the dialog with; the body is read in turn.
          {...(subtitle === undefined ? { "aria-describedby": undefined } : {})}
        >
          <header className={styles.header}>
            <div className={styles.titles}>
              <Dialog.Title className={styles.title}>{title}</Dialog.Title>
              {subtitle === undefined ? null : (
                <Dialog.Description className={styles.subtitle}>{subtitle}</Dialog.Description>
              )}
            </div>
            <Dialog.Close className={buttonClass("secondary", "small")} aria-label="Close">
              <X size={16} aria-hidden="true" />
            </Dialog.Close>
          </header>
          <div className={styles.body}>{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
