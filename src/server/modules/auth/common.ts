import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, like, or } from "drizzle-orm";
import { z } from "zod";
import type { Role, User } from "../../../shared/auth";
import type { Database } from "../../db/client";
import { apiTokens, sessions, signInFailures, type UserRow, users } from "../../db/schema";
import type { Actor } from "../audit/audit";

/**
 * What the parts of the auth module share: who a request acts as, how the server's own secrets are made and
 * stored, and the clean-ups that cross parts (ending a user's access, lifting their sign-in throttle).
 *
 * Secrets of the server's own (session cookies, API tokens, setup tokens) are random 32-byte values of which only a
 * SHA-256 is stored.
 */

export interface Principal {
  user: UserRow;
  /** The role this request acts with: the user's, or for a token the lower of the token's and its owner's. */
  role: Role;
  via:
    | { kind: "session"; sessionId: string; expiresAt: Date }
    | { kind: "token"; tokenId: string; tokenName: string; expiresAt: Date | null };
}

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
export const randomSecret = () => randomBytes(32).toString("base64url");
export const iso = (d: Date | null) => (d === null ? null : d.toISOString());
export const isUuid = (value: string) => z.uuid().safeParse(value).success;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    lastSignInAt: iso(row.lastSignInAt),
  };
}

export function actorOf(principal: Principal | null, meta: RequestMeta): Actor {
  if (principal === null) return { type: "anonymous", id: null, name: "anonymous", ...meta };
  const who = `${principal.user.displayName} <${principal.user.email}>`;
  return principal.via.kind === "session"
    ? { type: "user", id: principal.user.id, name: who, email: principal.user.email, ...meta }
    : {
        type: "token",
        id: principal.via.tokenId,
        name: `token “${principal.via.tokenName}” of ${who}`,
        email: principal.user.email,
        ...meta,
      };
}

export async function userByEmail(db: Database, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

/** The sign-in throttle's keys; `clearThrottle` below matches the account's keys by these formats. */
export const throttleKeys = (email: string, ip: string) => ({
  "account-address": `account-address:${email}|${ip}`,
  account: `account:${email}`,
  address: `address:${ip}`,
});

/** Revoke every session and API token of a user (deactivation, password reset). */
export async function revokeAccess(
  tx: Pick<Database, "update">,
  userId: string,
  now: Date,
  tokensToo: boolean,
) {
  await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  if (tokensToo) {
    await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  }
}

/** An admin's reset or reactivation lifts the sign-in throttle of that account. */
export async function clearThrottle(tx: Pick<Database, "delete">, email: string) {
  await tx
    .delete(signInFailures)
    .where(
      or(
        eq(signInFailures.key, `account:${email}`),
        like(signInFailures.key, `account-address:${email.replace(/[\\%_]/g, "\\$&")}|%`),
      ),
    );
}
