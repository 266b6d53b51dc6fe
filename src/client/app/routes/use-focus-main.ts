import { useEffect, useRef } from "react";
import { useLocation } from "react-router";

/** Move focus to the main region after in-app navigation, so screen readers start at the new page. */
export function useFocusMainOnNavigation() {
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
