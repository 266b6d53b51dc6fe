import type { ReactNode } from "react";
import styles from "./chart-figure.module.css";
import { VisuallyHidden } from "./visually-hidden";

interface ChartFigureProps {
  /** Prefix of the figure's ids. */
  id: string;
  /** The visible heading above the chart. */
  title: string;
  /** The chart in one or two sentences: its text alternative, read instead of the drawing. */
  summary: string;
  /** The drawing (and its legend). Hidden from assistive technology as an image named by `summary`. */
  children: ReactNode;
  /** The same data as a `<table>` with a caption, behind "Show as table". */
  table: ReactNode;
}

/**
 * A chart that every reader gets: screen readers hear `summary` in place of the drawing, and "Show as table" opens
 * the exact numbers for everyone (keyboard users included) as a real table.
 */
export function ChartFigure({ id, title, summary, children, table }: ChartFigureProps) {
  return (
    <figure className={styles.figure} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className={styles.title}>
        {title}
      </h3>
      <div role="img" aria-label={summary} className={styles.chart}>
        {children}
      </div>
      <details className={styles.details}>
        <summary>
          Show as table<VisuallyHidden>: {title}</VisuallyHidden>
        </summary>
        {table}
      </details>
    </figure>
  );
}

/** A legend of coloured swatches, for inside a ChartFigure (where it is part of the image). */
export function ChartLegend({ items }: { items: readonly { label: string; color: string }[] }) {
  return (
    <ul className={styles.legend}>
      {items.map((item) => (
        <li key={item.label}>
          <span className={styles.swatch} style={{ background: item.color }} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

export const chartTableClass = styles.table;
