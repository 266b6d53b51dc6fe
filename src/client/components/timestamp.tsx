import { formatAbsolute, formatRelative } from "../lib/format-time";
import { useNow } from "../lib/use-now";

/** "3 minutes ago (22 Nov 2025, 10:04)" in a `<time>` element; "Never" when there is no time. */
export function Timestamp({ value, never = "Never" }: { value: string | null; never?: string }) {
  const now = useNow();
  if (value === null) return <span>{never}</span>;
  return (
    <time dateTime={value}>
      {formatRelative(value, now)} ({formatAbsolute(value)})
    </time>
  );
}
