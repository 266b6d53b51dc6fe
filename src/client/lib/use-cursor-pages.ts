import { useState } from "react";

/**
 * Previous/next over a keyset-paged list: the cursors of the pages visited so far, so Previous goes back to the
 * exact page it came from (a keyset cursor only leads forward). `listKey` names the list (its filters and sort):
 * when it changes, paging starts again from page 1 and `since` (the moment this list was first shown, which
 * relative time ranges count back from) is taken afresh. Kept in state rather than by remounting, so a focused
 * sort button keeps its focus.
 */
export function useCursorPages(listKey: string) {
  const [state, setState] = useState(() => ({
    key: listKey,
    since: Date.now(),
    cursors: [undefined] as readonly (string | undefined)[],
  }));
  if (state.key !== listKey) setState({ key: listKey, since: Date.now(), cursors: [undefined] });
  const cursors = state.key === listKey ? state.cursors : [undefined];
  return {
    /** 1 for the first page. */
    page: cursors.length,
    /** The cursor of the page shown; undefined for the first. */
    cursor: cursors.at(-1),
    hasPrevious: cursors.length > 1,
    since: state.since,
    next: (cursor: string) => setState((current) => ({ ...current, cursors: [...current.cursors, cursor] })),
    previous: () =>
      setState((current) =>
        current.cursors.length > 1 ? { ...current, cursors: current.cursors.slice(0, -1) } : current,
      ),
  };
}
