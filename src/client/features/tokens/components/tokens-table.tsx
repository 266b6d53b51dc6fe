import type { ApiToken } from "../../../../shared/auth";
import { Badge, type BadgeTone } from "../../../components/badge";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DataTable, tableStyles } from "../../../components/data-table";
import { formatAbsolute } from "../../../lib/format-time";
import { roleLabel } from "../../../lib/roles";
import { useNow } from "../../../lib/use-now";

type TokenStatus = "active" | "expired" | "revoked";

export function tokenStatus(token: ApiToken, now: Date): TokenStatus {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt !== null && new Date(token.expiresAt).getTime() <= now.getTime()) return "expired";
  return "active";
}

const statusLabel: Record<TokenStatus, string> = { active: "Active", expired: "Expired", revoked: "Revoked" };
const statusTone: Record<TokenStatus, BadgeTone> = {
  active: "success",
  expired: "warning",
  revoked: "neutral",
};

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
    <DataTable
      labelledBy={labelledBy}
      columns={["Name", "Role", "Owner", "Prefix", "Created", "Expires", "Last used", "Status", "Actions"]}
    >
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
              <Badge tone={statusTone[status]}>{statusLabel[status]}</Badge>
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
    </DataTable>
  );
}
