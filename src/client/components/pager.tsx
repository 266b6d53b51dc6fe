import { ChevronLeft, ChevronRight } from "lucide-react";
import { buttonClass } from "./button";
import styles from "./pager.module.css";
import { Spinner } from "./spinner";

interface PagerProps {
  /** 1 for the first page. */
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  /** The next page is loading (its button shows a spinner). */
  loading: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** What is shown, announced politely when it changes: "Alerts 51–100, newest first." */
  status: string;
}

/**
 * Previous page / Next page over a keyset-paged list. The buttons stay focusable when there is no page that way
 * (`aria-disabled`, not `disabled`), so pressing Next onto the last page does not drop keyboard focus.
 */
export function Pager({ page, hasPrevious, hasNext, loading, onPrevious, onNext, status }: PagerProps) {
  return (
    <nav className={styles.pager} aria-label="Pages">
      <button
        type="button"
        className={buttonClass()}
        aria-disabled={!hasPrevious}
        onClick={() => {
          if (hasPrevious) onPrevious();
        }}
      >
        <ChevronLeft size={16} aria-hidden="true" />
        Previous page
      </button>
      <span className={styles.page}>Page {page}</span>
      <button
        type="button"
        className={buttonClass()}
        aria-disabled={!hasNext || loading}
        onClick={() => {
          if (hasNext && !loading) onNext();
        }}
      >
        Next page
        {loading ? <Spinner /> : <ChevronRight size={16} aria-hidden="true" />}
      </button>
      <p className={styles.status} role="status">
        {status}
      </p>
    </nav>
  );
}
