import { useEffect, useState } from "react";

/**
 * `value` once it has stayed the same for `delayMs`: what a live region should announce while someone types, so a
 * screen reader hears the count for the word typed, not one for every key.
 */
export function useSettled<T>(value: T, delayMs = 500): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
