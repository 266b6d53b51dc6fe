import type { ApiToken } from "../../../../shared/auth";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DataTable, tableStyles } from "../../../components/data-table";
import { formatAbsolute } from "../../../lib/format-time";
import { roleLabel } from "../../../lib/roles";
import { useNow } from "../../../lib/use-now";
import styles from "./tokens.module.css";

type TokenStatus = "active" | "expired" | "revoked";

export function tokenStatus(token: ApiToken, now: Date): TokenStatus {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt !== null && new Date(token.expiresAt).getTime() <= now.getTime()) return "expired";
  return "active";
}

const statusLabel: Record<TokenStatus, string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

function When({ value, never }: { value: string | null; never: string }) {
  if (value === null) return <span className={tableStyles.muted}>{never}</span>;
  return <time dateTime={value}>{formatAbsolute(value)}</time>;
}

interface TokensTableProps {
  tokens: ApiToken[];
  labelledBy: string;
  /** Revokes; rejects with the server's error, shown in the dialog. */
  onRevoke: (token: ApiToken) => Promise<void>;
}

/** Every API token: what it is, whose, when it was used, and Revoke. */
export function TokensTable({ tokens, labelledBy, onRevoke }: TokensTableProps) {
  const now = useNow();
  if (tokens.length === 0) return <p className={tableStyles.empty}>No API tokens yet.</p>;
  return (
    <DataTable labelledBy={labelledBy}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Owner</th>
          <th scope="col">Prefix</th>
          <th scope="col">Created</th>
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => {
          const status = tokenStatus(token, now);
          return (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td>{roleLabel[token.role]}</td>
              <td>
                {token.owner.displayName}
                <br />
                <span className={tableStyles.muted}>{token.owner.email}</span>
              </td>
              <td>
                <code>{token.prefix}</code>
              </td>
              <td className={tableStyles.nowrap}>
                <When value={token.createdAt} never="Unknown" />
              </td>
              <td className={tableStyles.nowrap}>
                <When value={token.expiresAt} never="Never" />
              </td>
              <td className={tableStyles.nowrap}>
                <When value={token.lastUsedAt} never="Never" />
              </td>
              <td>
                <span className={`${styles.badge} ${styles[status]}`}>{statusLabel[status]}</span>
              </td>
              <td>
                {status === "revoked" ? null : (
                  <ConfirmDialog
                    trigger="Revoke"
                    triggerLabel={`Revoke ${token.name}`}
                    triggerSize="small"
                    title={`Revoke “${token.name}”?`}
                    description={`Anything that uses “${token.name}” (${token.prefix}) is refused from now on. This cannot be undone; create a new token if it is still needed.`}
                    confirmLabel="Revoke"
                    onConfirm={() => onRevoke(token)}
                  />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </DataTable>
  );
}
