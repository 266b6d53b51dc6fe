import { Cable } from "lucide-react";
import { Outlet } from "react-router";
import styles from "./root-layout.module.css";
import { useFocusMainOnNavigation } from "./use-focus-main";

/** The shell of the pages you see before signing in: the product name and the main landmark, no navigation. */
export function PublicLayout() {
  const mainRef = useFocusMainOnNavigation();
  return (
    <div className={styles.shell}>
      <a className={styles.skip} href="#main">
        Skip to main content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>
          <Cable size={20} aria-hidden="true" />
          Patchbay
        </span>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className={styles.main}>
        <Outlet />
      </main>
    </div>
  );
}
