import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import type { ReactNode } from "react";
import styles from "./data-table.module.css";
import sortStyles from "./sortable-table.module.css";

export type SortOrder = "asc" | "desc";

export interface SortState<Key extends string> {
  key: Key;
  order: SortOrder;
}

export interface SortableColumn<Key extends string> {
  label: string;
  /** The server's sort key for this column; columns without one are not sortable. */
  sortKey?: Key | undefined;
}

interface SortableTableProps<Key extends string> {
  /** The table's caption: what its rows are. */
  caption: string;
  columns: readonly SortableColumn<Key>[];
  sort: SortState<Key>;
  /** A header was pressed: sort by its key (the caller decides the order, toggling the current column's). */
  onSort: (key: Key) => void;
  /** A new page or order is loading: the rows shown are the previous ones. */
  busy?: boolean;
  /** The rows (`<tr>`s) of the table's body. */
  children: ReactNode;
}

/**
 * A table sorted on the server: each sortable header is a button, and the sorted column's header carries
 * `aria-sort`, so a screen reader says which column orders the rows and which way. Scrolls sideways like DataTable.
 */
export function SortableTable<Key extends string>({
  caption,
  columns,
  sort,
  onSort,
  busy = false,
  children,
}: SortableTableProps<Key>) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <div className={styles.scroller} tabIndex={0}>
      <table className={styles.table} aria-busy={busy}>
        <caption className={sortStyles.caption}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = column.sortKey !== undefined && column.sortKey === sort.key;
              const { sortKey } = column;
              return (
                <th
                  key={column.label}
                  scope="col"
                  aria-sort={active ? (sort.order === "asc" ? "ascending" : "descending") : undefined}
                >
                  {sortKey === undefined ? (
                    column.label
                  ) : (
                    <button type="button" className={sortStyles.sort} onClick={() => onSort(sortKey)}>
                      {column.label}
                      {active ? (
                        sort.order === "asc" ? (
                          <ArrowUp size={14} aria-hidden="true" />
                        ) : (
                          <ArrowDown size={14} aria-hidden="true" />
                        )
                      ) : (
                        <ArrowUpDown size={14} aria-hidden="true" className={sortStyles.idle} />
                      )}
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The order a header press asks for: the other way on the sorted column, else the column's natural first order. */
export function nextSort<Key extends string>(
  current: SortState<Key>,
  key: Key,
  firstOrder: (key: Key) => SortOrder,
): SortState<Key> {
  if (current.key === key) return { key, order: current.order === "asc" ? "desc" : "asc" };
  return { key, order: firstOrder(key) };
}
