import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { buttonClass } from "./button";
import { VisuallyHidden } from "./visually-hidden";

interface CopyButtonProps {
  value: string;
  /** What is copied, for the accessible name: "Copy Tenant ID". */
  label: string;
}

type CopyState = "idle" | "copied" | "failed";

const RESET_AFTER_MS = 2_000;
const visibleText: Record<CopyState, string> = { idle: "Copy", copied: "Copied", failed: "Copy failed" };

/**
 * Copies `value` to the clipboard. Named by its content ("Copy Tenant ID") rather than aria-label, so the label
 * of the value it copies stays unique; the outcome is announced through a status region.
 */
export function CopyButton({ value, label }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), RESET_AFTER_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <>
      <button type="button" className={buttonClass("secondary", "small")} onClick={copy}>
        {state === "copied" ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
        <span aria-hidden="true">{visibleText[state]}</span>
        <VisuallyHidden>{`Copy ${label}`}</VisuallyHidden>
      </button>
      <VisuallyHidden>
        <span role="status">
          {state === "copied" ? `${label} copied` : state === "failed" ? `Could not copy ${label}` : ""}
        </span>
      </VisuallyHidden>
    </>
  );
}
