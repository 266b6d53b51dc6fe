import * as Toast from "@radix-ui/react-toast";
import { CircleCheck, CircleX, Info, X } from "lucide-react";
import { createContext, type ReactNode, useCallback, useContext, useState } from "react";
import styles from "./toaster.module.css";

export type ToastTone = "success" | "error" | "info";

export interface ToastMessage {
  title: string;
  description?: string;
  tone?: ToastTone;
}

interface QueuedToast extends ToastMessage {
  id: number;
}

type Notify = (message: ToastMessage) => void;

const ToastContext = createContext<Notify | null>(null);

const toneIcon = { success: CircleCheck, error: CircleX, info: Info } as const;

/** Radix toasts in an aria-live region; `useToast()` queues one from anywhere below. */
export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<QueuedToast[]>([]);

  const notify = useCallback<Notify>((message) => {
    setToasts((current) => [...current, { ...message, id: Date.now() + Math.random() }]);
  }, []);

  const remove = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  return (
    <ToastContext.Provider value={notify}>
      <Toast.Provider swipeDirection="right" duration={6_000}>
        {children}
        {toasts.map(({ id, title, description, tone = "info" }) => {
          const Icon = toneIcon[tone];
          return (
            <Toast.Root
              key={id}
              className={`${styles.toast} ${tone === "info" ? "" : styles[tone]}`}
              type={tone === "error" ? "foreground" : "background"}
              onOpenChange={(open) => {
                if (!open) remove(id);
              }}
            >
              <Icon size={18} aria-hidden="true" />
              <div>
                <Toast.Title className={styles.title}>{title}</Toast.Title>
                {description ? (
                  <Toast.Description className={styles.description}>{description}</Toast.Description>
                ) : null}
              </div>
              <Toast.Close className={styles.close} aria-label="Dismiss notification">
                <X size={16} aria-hidden="true" />
              </Toast.Close>
            </Toast.Root>
          );
        })}
        <Toast.Viewport className={styles.viewport} label="Notifications ({hotkey})" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  const notify = useContext(ToastContext);
  if (notify === null) throw new Error("useToast must be used inside <Toaster>.");
  return notify;
}
