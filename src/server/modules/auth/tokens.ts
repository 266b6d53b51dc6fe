import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { API_TOKEN_PREFIX, type ApiToken, type CreateApiToken, type Role } from "../../../shared/auth";
import type { Database } from "../../db/client";
import { type ApiTokenRow, apiTokens, type UserRow, users } from "../../db/schema";
import { AppError } from "../../lib/app-error";
import { recordAudit } from "../audit/audit";
import { actorOf, iso, isUuid, type Principal, type RequestMeta, randomSecret, sha256 } from "./common";

/** API tokens: authenticating a bearer token, and listing, creating and revoking tokens. */

const rank: Record<Role, number> = { viewer: 0, admin: 1 };

/** Users are never deleted (tokens reference them), so every token has its owner at hand. */
function toApiToken(row: ApiTokenRow, owner: UserRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    owner: { id: owner.id, email: owner.email, displayName: owner.displayName },
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

export function createTokens(db: Database) {
  return {
    async authenticateToken(bearer: string): Promise<Principal | null> {
      if (!bearer.startsWith(API_TOKEN_PREFIX)) return null;
      const now = new Date();
      const [row] = await db
        .select({ token: apiTokens, user: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, sha256(bearer)), isNull(apiTokens.revokedAt)));
      if (!row?.user.active) return null;
      if (row.token.expiresAt !== null && row.token.expiresAt <= now) return null;
      if (row.token.lastUsedAt === null || now.getTime() - row.token.lastUsedAt.getTime() > 60_000) {
        await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
      }
      const role: Role = rank[row.token.role] <= rank[row.user.role] ? row.token.role : row.user.role;
      return {
        user: row.user,
        role,
        via: {
          kind: "token",
          tokenId: row.token.id,
          tokenName: row.token.name,
          expiresAt: row.token.expiresAt,
        },
      };
    },

    async listTokens(): Promise<ApiToken[]> {
      const rows = await db
        .select({ token: apiTokens, owner: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .orderBy(desc(apiTokens.createdAt));
      return rows.map((r) => toApiToken(r.token, r.owner));
    },

    async createToken(principal: Principal, input: CreateApiToken, meta: RequestMeta) {
      if (rank[input.role] > rank[principal.role]) {
        throw new AppError(
          403,
          "forbidden",
          `A token cannot have a higher role than yours (${principal.role}).`,
          {
            role: `Choose ${principal.role} or lower.`,
          },
        );
      }
      const secret = `${API_TOKEN_PREFIX}${randomSecret()}`;
      const now = new Date();
      const row: ApiTokenRow = {
        id: randomUUID(),
        userId: principal.user.id,
        name: input.name,
        role: input.role,
        tokenHash: sha256(secret),
        prefix: `${secret.slice(0, API_TOKEN_PREFIX.length + 6)}…`,
        createdAt: now,
        expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
        lastUsedAt: null,
        revokedAt: null,
      };
      await db.transaction(async (tx) => {
        await tx.insert(apiTokens).values(row);
        await recordAudit(tx, [
          {
            action: "token.create",
            actor: actorOf(principal, meta),
            target: { type: "token", id: row.id },
            message: `API token “${row.name}” created (${row.role}${row.expiresAt ? `, expires ${row.expiresAt.toISOString()}` : ", no expiry"}).`,
            changes: {
              before: {},
              after: { name: row.name, role: row.role, prefix: row.prefix, expiresAt: iso(row.expiresAt) },
            },
          },
        ]);
      });
      return { token: toApiToken(row, principal.user), secret };
    },

    async revokeToken(principal: Principal, id: string, meta: RequestMeta): Promise<ApiToken> {
      const [found] = isUuid(id)
        ? await db
            .select({ token: apiTokens, owner: users })
            .from(apiTokens)
            .innerJoin(users, eq(users.id, apiTokens.userId))
            .where(eq(apiTokens.id, id))
        : [];
      if (!found) throw new AppError(404, "not_found", "No API token has this id. Reload the list.");
      const { token: row, owner } = found;
      if (row.revokedAt !== null) return toApiToken(row, owner);
      const now = new Date();
      const [updated] = await db.transaction(async (tx) => {
        const result = await tx
          .update(apiTokens)
          .set({ revokedAt: now })
          .where(eq(apiTokens.id, id))
          .returning();
        await recordAudit(tx, [
          {
            action: "token.revoke",
            actor: actorOf(principal, meta),
            target: { type: "token", id },
            message: `API token “${row.name}” revoked.`,
            changes: { before: { revokedAt: null }, after: { revokedAt: now.toISOString() } },
          },
        ]);
        return result;
      });
      return toApiToken(updated ?? row, owner);
    },
  };
}
