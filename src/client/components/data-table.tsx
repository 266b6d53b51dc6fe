import type { ReactNode } from "react";
import styles from "./data-table.module.css";

export const tableStyles = styles;

interface DataTableProps {
  /** The id of the heading that names the table. */
  labelledBy: string;
  /** The column headers, in order. */
  columns: readonly string[];
  /** The rows (`<tr>`s) of the table's body. */
  children: ReactNode;
}

/**
 * A table named by a heading, in a box that scrolls sideways on narrow screens and can be scrolled with the
 * keyboard (it takes focus). Not a landmark of its own: the section around it, named by the same heading, is one.
 */
export function DataTable({ labelledBy, columns, children }: DataTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <div className={styles.scroller} tabIndex={0}>
      <table className={styles.table} aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
