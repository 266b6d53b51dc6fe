import { Cable, LogOut } from "lucide-react";
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useNavigation } from "react-router";
import type { User } from "../../../shared/auth";
import { buttonClass } from "../../components/button";
import { useToast } from "../../components/toaster";
import { useSignOut } from "../../features/session/api/mutations";
import { signInPath, useSession } from "../../features/session/session";
import { ApiRequestError, errorMessage } from "../../lib/api-client";
import { roleLabel } from "../../lib/roles";
import styles from "./root-layout.module.css";
import { useFocusMainOnNavigation } from "./use-focus-main";

function navClass({ isActive }: { isActive: boolean }) {
  return isActive ? styles.active : undefined;
}

/** Who is signed in, as what, and Sign out. */
function UserMenu({ user }: { user: User }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  const notify = useToast();

  async function leave() {
    try {
      await signOut.mutateAsync();
    } catch (error) {
      // Already signed out (401) is what we wanted; anything else leaves the user signed in and says so.
      if (!(error instanceof ApiRequestError && error.status === 401)) {
        notify({ tone: "error", title: "Could not sign out", description: errorMessage(error) });
        return;
      }
    }
    await navigate("/sign-in", { replace: true });
  }

  return (
    <div className={styles.user}>
      <p className={styles.identity}>
        <span className={styles.userName}>{user.displayName}</span>
        <span className={styles.role}>{roleLabel[user.role]}</span>
      </p>
      <button
        type="button"
        className={buttonClass("secondary", "small")}
        disabled={signOut.isPending}
        onClick={leave}
      >
        <LogOut size={14} aria-hidden="true" />
        Sign out
      </button>
    </div>
  );
}

/** The signed-in app shell: skip link, header with navigation and the user, and the main landmark. */
export function RootLayout() {
  const mainRef = useFocusMainOnNavigation();
  const session = useSession();
  const navigation = useNavigation();
  const location = useLocation();
  const user = session?.user;
  const isAdmin = user?.role === "admin";

  // The session ended while a page was open (it is refreshed in the background): sign in again, then return.
  // Not while a navigation is under way: signing out goes to the sign-in page on its own.
  const ended = session === null && navigation.state === "idle";

  return (
    <div className={styles.shell}>
      {ended ? (
        <Navigate
          to={signInPath(location.pathname + location.search)}
          replace
          state={{ sessionEnded: true }}
        />
      ) : null}
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
              <NavLink to="/integrations" className={navClass}>
                Integrations
              </NavLink>
            </li>
            <li>
              <NavLink to="/alerts" className={navClass}>
                Alerts
              </NavLink>
            </li>
            <li>
              <NavLink to="/devices" className={navClass}>
                Devices
              </NavLink>
            </li>
            <li>
              <NavLink to="/audit" className={navClass}>
                Audit log
              </NavLink>
            </li>
            {isAdmin ? (
              <>
                <li>
                  <NavLink to="/users" className={navClass}>
                    Users
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/tokens" className={navClass}>
                    API tokens
                  </NavLink>
                </li>
              </>
            ) : null}
          </ul>
        </nav>
        {user ? <UserMenu user={user} /> : null}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className={styles.main}>
        <Outlet />
      </main>
    </div>
  );
}
