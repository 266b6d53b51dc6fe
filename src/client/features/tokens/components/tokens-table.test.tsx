import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ApiToken } from "../../../../shared/auth";
import { TokensTable, tokenStatus } from "./tokens-table";

const base: ApiToken = {
  id: "5b6c7d8e-9f01-4a23-b456-789abcdef012",
  name: "SIEM sync",
  role: "viewer",
  owner: { id: "0f4c3c1e-8d4a-4c55-9a0e-6c2b8f1d2a01", email: "ada@example.com", displayName: "Ada Admin" },
  prefix: "pbt_Zm9v",
  createdAt: "2025-11-22T09:00:00.000Z",
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
};

describe("tokenStatus", () => {
  const now = new Date("2025-12-01T00:00:00.000Z");
  it("is revoked, expired or active", () => {
    expect(tokenStatus({ ...base, revokedAt: "2025-11-30T00:00:00.000Z" }, now)).toBe("revoked");
    expect(tokenStatus({ ...base, expiresAt: "2025-11-30T00:00:00.000Z" }, now)).toBe("expired");
    expect(tokenStatus({ ...base, expiresAt: "2026-01-01T00:00:00.000Z" }, now)).toBe("active");
    expect(tokenStatus(base, now)).toBe("active");
  });
});

describe("TokensTable", () => {
  it("lists tokens and revokes one after confirmation", async () => {
    const user = userEvent.setup();
    const onRevoke = vi.fn(async () => {});
    const revoked = {
      ...base,
      id: "6b6c7d8e-9f01-4a23-b456-789abcdef012",
      name: "Old CI",
      revokedAt: base.createdAt,
    };
    render(
      <>
        <h2 id="tokens-heading">Tokens</h2>
        <TokensTable tokens={[base, revoked]} labelledBy="tokens-heading" onRevoke={onRevoke} />
      </>,
    );
    const table = screen.getByRole("table", { name: "Tokens" });
    const [, active, old] = within(table).getAllByRole("row");
    expect(active).toHaveTextContent(/SIEM sync\s*Viewer\s*Ada Admin/);
    expect(active).toHaveTextContent("pbt_Zm9v");
    expect(active).toHaveTextContent(/Active/);
    expect(old).toHaveTextContent(/Revoked/);
    expect(screen.queryByRole("button", { name: "Revoke Old CI" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Revoke SIEM sync" }));
    const dialog = screen.getByRole("alertdialog", { name: "Revoke “SIEM sync”?" });
    expect(dialog).toHaveAccessibleDescription(/is refused from now on/);
    await user.click(within(dialog).getByRole("button", { name: "Revoke" }));
    expect(onRevoke).toHaveBeenCalledWith(base);
  });
});
