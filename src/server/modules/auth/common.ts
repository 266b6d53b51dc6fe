import { createHash, randomBytes } from "node:crypto";
import { isIPv6 } from "node:net";
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

/**
 * The "address" the sign-in throttle and the known-address allowance reason about: an IPv4 address as it is (an
 * IPv4-mapped IPv6 one unmapped), an IPv6 address as its /64. One IPv6 subscriber holds a whole /64 and its privacy
 * addresses change daily, so per-address limits on full IPv6 addresses would let a stranger rotate past them and
 * make an owner's own address never "known".
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1];
  if (mapped) return mapped;
  if (isIPv6(ip)) {
    const [head = "", tail = ""] = ip.toLowerCase().split("::", 2);
    const left = head === "" ? [] : head.split(":");
    const right = ip.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
    const groups = ip.includes("::")
      ? [...left, ...Array.from({ length: 8 - left.length - right.length }, () => "0"), ...right]
      : left;
    return `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ""))
      .join(":")}::/64`;
  }
  return ip;
}

/** The sign-in throttle's keys; `clearThrottle` below matches the account's keys by these formats. */
export const throttleKeys = (email: string, ip: string) => {
  const address = addressKey(ip);
  return {
    "account-address": `account-address:${email}|${address}`,
    account: `account:${email}`,
    address: `address:${address}`,
  };
};

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
