import { useLocation, useNavigate, useSearchParams } from "react-router";
import type { SignIn } from "../../../shared/auth";
import { useSignIn } from "../../features/session/api/mutations";
import { SignInForm } from "../../features/session/components/sign-in-form";
import { safeNextPath } from "../../features/session/session";
import { type FormOutcome, outcomeFromError } from "../../lib/form-outcome";
import styles from "./auth-page.module.css";

function sessionEnded(state: unknown): boolean {
  return typeof state === "object" && state !== null && Reflect.get(state, "sessionEnded") === true;
}

export function SignInPage() {
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const next = safeNextPath(searchParams.get("next"));

  async function submit(input: SignIn): Promise<FormOutcome> {
    try {
      await signIn.mutateAsync(input);
    } catch (error) {
      return outcomeFromError(error);
    }
    await navigate(next, { replace: true });
    return { ok: true };
  }

  return (
    <div className={styles.card}>
      <title>Sign in · Patchbay</title>
      <div className={styles.intro}>
        <h1 id="sign-in-heading">Sign in to Patchbay</h1>
        {sessionEnded(location.state) ? (
          <p className={styles.notice} role="status">
            Your session has ended. Sign in again to continue where you were.
          </p>
        ) : (
          <p className={styles.muted}>Use the email and password your Patchbay admin gave you.</p>
        )}
      </div>
      <SignInForm onSignIn={submit} />
    </div>
  );
}
