import { Cable } from "lucide-react";
import { useEffect, useRef } from "react";
import { Link, NavLink, Outlet, ScrollRestoration, useLocation } from "react-router";
import styles from "./root-layout.module.css";

/** Move focus to the main region after in-app navigation, so screen readers start at the new page. */
function useFocusMainOnNavigation() {
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    mainRef.current?.focus();
  }, [pathname]);
  return mainRef;
}

/** The app shell: skip link, header with the product name and navigation, and the main landmark. */
export function RootLayout() {
  const mainRef = useFocusMainOnNavigation();
  return (
    <div className={styles.shell}>
      <a className={styles.skip} href="#main">
        Skip to main content
      </a>
      <header className={styles.header}>
        <Link to="/integrations" className={styles.brand}>
          <Cable size={20} aria-hidden="true" />
          Patchbay
        </Link>
        <nav aria-label="Main">
          <ul className={styles.nav}>
            <li>
              <NavLink
                to="/integrations"
                className={({ isActive }) => (isActive ? styles.active : undefined)}
              >
                Integrations
              </NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className={styles.main}>
        <Outlet />
      </main>
      <ScrollRestoration />
    </div>
  );
}
