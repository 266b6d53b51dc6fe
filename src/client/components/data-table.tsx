import type { ReactNode } from "react";
import styles from "./data-table.module.css";

export const tableStyles = styles;

interface DataTableProps {
  /** The id of the heading that names the table. */
  labelledBy: string;
  children: ReactNode;
}

/**
 * A table named by a heading, in a box that scrolls sideways on narrow screens and can be scrolled with the
 * keyboard (it takes focus). Not a landmark of its own: the section around it, named by the same heading, is one.
 */
export function DataTable({ labelledBy, children }: DataTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <div className={styles.scroller} tabIndex={0}>
      <table className={styles.table} aria-labelledby={labelledBy}>
        {children}
      </table>
    </div>
  );
}
