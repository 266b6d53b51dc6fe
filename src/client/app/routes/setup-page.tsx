import { useEffect, useState } from "react";
import { Link, useLoaderData, useLocation, useNavigate } from "react-router";
import type { Setup } from "../../../shared/auth";
import { buttonClass } from "../../components/button";
import { useSetup } from "../../features/session/api/mutations";
import { SetupForm } from "../../features/session/components/setup-form";
import { DEFAULT_PATH } from "../../features/session/session";
import { type FormOutcome, outcomeFromError } from "../../lib/form-outcome";
import type { SetupLoaderData } from "../loaders";
import styles from "./auth-page.module.css";

/** The one-time token of the setup link, `/setup#token=…`: in the fragment, so it never reaches a server log. */
function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  return token === null || token.trim() === "" ? null : token.trim();
}

/**
 * Keep the token in memory, then take it out of the address bar (and so out of history and screenshots). The link
 * may also be pasted into a tab that already shows this page: the router then reports the new fragment.
 */
function useSetupToken(): string | null {
  const { hash } = useLocation();
  const fromFragment = tokenFromFragment(hash);
  const [token, setToken] = useState(fromFragment);
  if (fromFragment !== null && fromFragment !== token) setToken(fromFragment);
  useEffect(() => {
    if (hash === "" || window.location.hash === "") return;
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, "", `${pathname}${search}`);
  }, [hash]);
  return fromFragment ?? token;
}

function NotSetUp() {
  return (
    <div className={styles.intro}>
      <h1 id="setup-heading">Patchbay is not set up yet</h1>
      <p>
        Patchbay is not set up yet: open the setup link the server printed when it started (valid 1 hour). It
        creates the first admin account.
      </p>
      <p className={styles.muted}>
        The link looks like <code>http://host:port/setup#token=…</code>. If it has expired, restart the server
        to get a new one, or set <code>PATCHBAY_ADMIN_EMAIL</code> and <code>PATCHBAY_ADMIN_PASSWORD</code>{" "}
        before starting it.
      </p>
    </div>
  );
}

function AlreadySetUp() {
  return (
    <div className={styles.intro}>
      <h1 id="setup-heading">Patchbay is already set up</h1>
      <p>
        An admin account exists, so this setup link no longer works. Sign in, or ask an admin for an account.
      </p>
      <p>
        <Link to="/sign-in" className={buttonClass("primary")}>
          Go to Sign in
        </Link>
      </p>
    </div>
  );
}

export function SetupPage() {
  const { needed } = useLoaderData<SetupLoaderData>();
  const token = useSetupToken();
  const setup = useSetup();
  const navigate = useNavigate();

  async function submit(input: Omit<Setup, "token">): Promise<FormOutcome> {
    if (token === null)
      return { ok: false, message: "The setup link is incomplete; open the link the server printed." };
    try {
      await setup.mutateAsync({ ...input, token });
    } catch (error) {
      return outcomeFromError(error);
    }
    await navigate(DEFAULT_PATH, { replace: true });
    return { ok: true };
  }

  function content() {
    if (!needed) return <AlreadySetUp />;
    if (token === null) return <NotSetUp />;
    return (
      <>
        <div className={styles.intro}>
          <h1 id="setup-heading">Create the admin account</h1>
          <p className={styles.muted}>
            This is the first account of this Patchbay. It can connect integrations and add other users. The
            setup link works once.
          </p>
        </div>
        <SetupForm onSetup={submit} />
      </>
    );
  }

  return (
    <div className={styles.card}>
      <title>Set up · Patchbay</title>
      {content()}
    </div>
  );
}
