import { useQuery } from "@tanstack/react-query";
import type { ApiToken, CreateApiToken, Role } from "../../../shared/auth";
import { Loading } from "../../components/loading";
import panelStyles from "../../components/panel.module.css";
import { QueryError } from "../../components/query-error";
import { useToast } from "../../components/toaster";
import { useSession } from "../../features/session/session";
import { useCreateToken, useRevokeToken } from "../../features/tokens/api/mutations";
import { tokenListQuery } from "../../features/tokens/api/queries";
import {
  type CreateTokenResult,
  CreateTokenSection,
} from "../../features/tokens/components/create-token-section";
import { TokensTable } from "../../features/tokens/components/tokens-table";
import { outcomeFromError } from "../../lib/form-outcome";
import { AdminOnly } from "./admin-only";
import styles from "./page.module.css";

function TokensContent({ role }: { role: Role }) {
  const tokens = useQuery(tokenListQuery());
  const createToken = useCreateToken();
  const revokeToken = useRevokeToken();
  const notify = useToast();

  async function create(input: CreateApiToken): Promise<CreateTokenResult> {
    try {
      const { token, secret } = await createToken.mutateAsync(input);
      return { ok: true, token, secret };
    } catch (error) {
      const outcome = outcomeFromError(error);
      return outcome.ok ? { ok: false } : outcome;
    } finally {
      // The secret is in the mutation's result: drop it now that the panel has it.
      createToken.reset();
    }
  }

  async function revoke(token: ApiToken) {
    await revokeToken.mutateAsync(token.id);
    notify({ tone: "success", title: "Token revoked", description: `“${token.name}” no longer works.` });
  }

  return (
    <>
      <section className={panelStyles.panel} aria-labelledby="create-token-heading">
        <h2 id="create-token-heading">Create token</h2>
        <CreateTokenSection maxRole={role} onCreate={create} />
      </section>
      <section className={panelStyles.panel} aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Tokens</h2>
        {tokens.isPending ? <Loading what="API tokens" /> : null}
        {tokens.isError ? (
          <QueryError what="API tokens" error={tokens.error} onRetry={() => tokens.refetch()} />
        ) : null}
        {tokens.isSuccess ? (
          <TokensTable tokens={tokens.data} labelledBy="tokens-heading" onRevoke={revoke} />
        ) : null}
      </section>
    </>
  );
}

export function TokensPage() {
  const session = useSession();
  return (
    <div className={styles.page}>
      <title>API tokens · Patchbay</title>
      <div className={styles.intro}>
        <h1>API tokens</h1>
        <p className={styles.muted}>
          Tokens let scripts and the <code>patchbay</code> command line call Patchbay without a password. Each
          acts with its own role and appears by name in the audit log.
        </p>
      </div>
      {session?.user.role === "admin" ? (
        <TokensContent role={session.user.role} />
      ) : (
        <AdminOnly what="Managing API tokens" />
      )}
    </div>
  );
}
