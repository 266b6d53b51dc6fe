import { useState } from "react";

/**
 * Previous/next over a keyset-paged list: the cursors of the pages visited so far, so Previous goes back to the
 * exact page it came from (a keyset cursor only leads forward). Give the component using it a `key` made of the
 * list's filters and sort, so changing them starts again from page 1.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  return {
    /** 1 for the first page. */
    page: cursors.length,
    /** The cursor of the page shown; undefined for the first. */
    cursor: cursors.at(-1),
    hasPrevious: cursors.length > 1,
    next: (cursor: string) => setCursors((current) => [...current, cursor]),
    previous: () => setCursors((current) => (current.length > 1 ? current.slice(0, -1) : current)),
  };
}
