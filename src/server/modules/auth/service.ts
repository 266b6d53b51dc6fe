import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { and, count, desc, eq, gt, inArray, isNull, like, lt, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import {
  API_TOKEN_PREFIX,
  type ApiToken,
  type CreateApiToken,
  type CreateUser,
  type Role,
  type Setup,
  type UpdateUser,
  type User,
} from "../../../shared/auth";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../../crypto/passwords";
import type { Database } from "../../db/client";
import {
  type ApiTokenRow,
  apiTokens,
  auditEvents,
  knownSignInAddresses,
  sessions,
  setupTokens,
  signInFailures,
  type UserRow,
  users,
} from "../../db/schema";
import { AppError } from "../../lib/app-error";
import { type Actor, recordAudit, systemActor } from "../audit/audit";

/**
 * Users, sessions, API tokens and the one-time setup of the first admin. Secrets of the server's own (session
 * cookies, API tokens, setup tokens) are random 32-byte values of which only a SHA-256 is stored.
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

export interface AuthOptions {
  csrfKey: Buffer;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
}

const THROTTLE_WINDOW_MINUTES = 15;
/**
 * Attempts allowed per window; only attempts that reached the password check count. The tight limit is per account
 * *and* address; the looser account-wide and address-wide limits stop distributed guessing and password spraying.
 * The account-wide limit does not apply from an address the owner signed in from before (KNOWN_ADDRESS_DAYS).
 */
const THROTTLE_LIMITS = [
  { scope: "account-address", max: 5, who: "for this account from this address" },
  { scope: "account", max: 25, who: "for this account" },
  { scope: "address", max: 20, who: "from this address" },
] as const;
/** How long an address a user signed in from stays exempt from the account-wide limit. */
const KNOWN_ADDRESS_DAYS = 90;
const SETUP_LINK_MINUTES = 60;

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const randomSecret = () => randomBytes(32).toString("base64url");
const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const rank: Record<Role, number> = { viewer: 0, admin: 1 };
const isUuid = (value: string) => z.uuid().safeParse(value).success;

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

export function createAuthService(db: Database, options: AuthOptions) {
  const csrfTokenFor = (sessionId: string) =>
    createHmac("sha256", options.csrfKey).update(sessionId).digest("base64url");

  async function userByEmail(email: string) {
    const [row] = await db.select().from(users).where(eq(users.email, email));
    return row;
  }

  async function userById(id: string) {
    const row = isUuid(id) ? (await db.select().from(users).where(eq(users.id, id)))[0] : undefined;
    if (!row) throw new AppError(404, "not_found", "No user has this id. Reload the list.");
    return row;
  }

  const throttleKeys = (email: string, ip: string) => ({
    "account-address": `account-address:${email}|${ip}`,
    account: `account:${email}`,
    address: `address:${ip}`,
  });

  async function recentFailures(key: string, since: Date) {
    const [row] = await db
      .select({ n: count() })
      .from(signInFailures)
      .where(and(eq(signInFailures.key, key), gt(signInFailures.at, since)));
    return row?.n ?? 0;
  }

  async function isKnownAddress(userId: string, ip: string, now: Date): Promise<boolean> {
    const [row] = await db
      .select({ userId: knownSignInAddresses.userId })
      .from(knownSignInAddresses)
      .where(
        and(
          eq(knownSignInAddresses.userId, userId),
          eq(knownSignInAddresses.ip, ip),
          gt(knownSignInAddresses.lastSuccessAt, new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000)),
        ),
      );
    return row !== undefined;
  }

  /**
   * A refused sign-in is audited once per account, address and window; repeats only raise that row's count, so a
   * stranger hammering the sign-in form cannot grow the audit table without bound.
   */
  async function recordRefusal(email: string, who: string, meta: RequestMeta, now: Date) {
    const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000);
    const [counted] = await db
      .update(auditEvents)
      .set({ occurrences: sql`${auditEvents.occurrences} + 1`, lastAt: now })
      .where(
        and(
          eq(auditEvents.action, "session.sign_in_throttled"),
          eq(auditEvents.actorName, email),
          eq(auditEvents.sourceIp, meta.ip),
          gt(auditEvents.at, since),
        ),
      )
      .returning({ id: auditEvents.id });
    if (counted) return;
    await recordAudit(
      db,
      [
        {
          action: "session.sign_in_throttled",
          outcome: "failure",
          actor: { type: "anonymous", id: null, name: email, ...meta },
          message: `Sign-in refused: too many failed attempts ${who}. Further refusals for this account from this address in the next ${THROTTLE_WINDOW_MINUTES} minutes are counted on this entry.`,
        },
      ],
      now,
    );
  }

  async function startSession(user: UserRow, meta: RequestMeta) {
    const now = new Date();
    const secret = randomSecret();
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + options.sessionMaxHours * 3_600_000);
    await db.insert(sessions).values({
      id,
      tokenHash: sha256(secret),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      revokedAt: null,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    await db.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
    return {
      cookieValue: secret,
      session: {
        user: toUser({ ...user, lastSignInAt: now }),
        csrfToken: csrfTokenFor(id),
        expiresAt: expiresAt.toISOString(),
      },
    };
  }

  /** Revoke every session and API token of a user (deactivation, password reset). */
  async function revokeAccess(tx: Pick<Database, "update">, userId: string, now: Date, tokensToo: boolean) {
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
  async function clearThrottle(tx: Pick<Database, "delete">, email: string) {
    await tx
      .delete(signInFailures)
      .where(
        or(
          eq(signInFailures.key, `account:${email}`),
          like(signInFailures.key, `account-address:${email.replace(/[\\%_]/g, "\\$&")}|%`),
        ),
      );
  }

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

  return {
    csrfTokenFor,

    verifyCsrf(sessionId: string, presented: string | undefined): boolean {
      if (presented === undefined) return false;
      const expected = Buffer.from(csrfTokenFor(sessionId));
      const given = Buffer.from(presented);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },

    // --- setup ---------------------------------------------------------------------------------------------------

    async isSetUp(): Promise<boolean> {
      const [row] = await db.select({ n: count() }).from(users);
      return (row?.n ?? 0) > 0;
    },

    /**
     * On a database with no users: create the admin from env when given, otherwise issue a one-time setup token
     * (valid one hour) for the link the server prints. Returns that token, or null.
     */
    async prepareFirstAdmin(fromEnv: { email: string; password: string } | null): Promise<string | null> {
      if (await this.isSetUp()) return null;
      const now = new Date();
      if (fromEnv) {
        const id = randomUUID();
        await db.transaction(async (tx) => {
          await tx.insert(users).values({
            id,
            email: fromEnv.email.toLowerCase(),
            displayName: "Administrator",
            role: "admin",
            passwordHash: await hashPassword(fromEnv.password),
            active: true,
            createdAt: now,
            updatedAt: now,
            lastSignInAt: null,
          });
          await recordAudit(tx, [
            {
              action: "setup.admin_created",
              actor: systemActor("PATCHBAY_ADMIN_EMAIL"),
              target: { type: "user", id },
              message: `First admin ${fromEnv.email.toLowerCase()} created from the environment.`,
            },
          ]);
        });
        return null;
      }
      const token = randomSecret();
      await db.transaction(async (tx) => {
        await tx.delete(setupTokens);
        await tx.insert(setupTokens).values({
          id: randomUUID(),
          tokenHash: sha256(token),
          expiresAt: new Date(now.getTime() + SETUP_LINK_MINUTES * 60_000),
          usedAt: null,
        });
      });
      return token;
    },

    async completeSetup(input: Setup, meta: RequestMeta) {
      const now = new Date();
      const passwordHash = await hashPassword(input.password);
      const id = randomUUID();
      const created = await db.transaction(async (tx) => {
        // Serialise concurrent setups: only the first one may create the first admin.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('patchbay-setup'))`);
        const [existing] = await tx.select({ n: count() }).from(users);
        if ((existing?.n ?? 0) > 0) {
          throw new AppError(
            409,
            "conflict",
            "Patchbay is already set up. Sign in, or ask an admin for an account.",
          );
        }
        const [link] = await tx
          .select()
          .from(setupTokens)
          .where(
            and(
              eq(setupTokens.tokenHash, sha256(input.token)),
              isNull(setupTokens.usedAt),
              gt(setupTokens.expiresAt, now),
            ),
          );
        if (!link) {
          throw new AppError(
            401,
            "unauthorized",
            "This setup link is invalid or has expired (links are valid for one hour). Restart Patchbay to print a new one.",
          );
        }
        await tx.update(setupTokens).set({ usedAt: now }).where(eq(setupTokens.id, link.id));
        const row: UserRow = {
          id,
          email: input.email,
          displayName: input.displayName,
          role: "admin",
          passwordHash,
          active: true,
          createdAt: now,
          updatedAt: now,
          lastSignInAt: null,
        };
        await tx.insert(users).values(row);
        await recordAudit(tx, [
          {
            action: "setup.admin_created",
            actor: { type: "anonymous", id: null, name: "setup link", ...meta },
            target: { type: "user", id },
            message: `First admin ${input.email} created through the setup link.`,
            changes: {
              before: {},
              after: { email: input.email, displayName: input.displayName, role: "admin" },
            },
          },
        ]);
        return row;
      });
      return startSession(created, meta);
    },

    // --- sessions ------------------------------------------------------------------------------------------------

    async signIn(email: string, password: string, meta: RequestMeta, previousCookie: string | undefined) {
      const now = new Date();
      const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000);
      const keys = throttleKeys(email, meta.ip);
      const user = await userByEmail(email);
      // An address the owner signed in from before is exempt from the account-wide limit: a stranger's guesses
      // from elsewhere can then slow the account down, but never lock its owner out of a place they use.
      const known = user !== undefined && (await isKnownAddress(user.id, meta.ip, now));
      // Count this attempt before the (slow) password check: parallel guesses all see each other, so a burst
      // cannot slip past the limit. A refused attempt removes its rows again (it never reached the password
      // check, so it must not count toward any limit), and so does a success.
      const attempt = await db
        .insert(signInFailures)
        .values(Object.values(keys).map((key) => ({ key, at: now })))
        .returning({ id: signInFailures.id });
      const forgetAttempt = () =>
        db.delete(signInFailures).where(
          inArray(
            signInFailures.id,
            attempt.map((a) => a.id),
          ),
        );
      for (const limit of THROTTLE_LIMITS) {
        if (limit.scope === "account" && known) continue;
        if ((await recentFailures(keys[limit.scope], since)) > limit.max) {
          await forgetAttempt();
          await recordRefusal(email, limit.who, meta, now);
          throw new AppError(
            429,
            "rate_limited",
            `Too many failed sign-ins ${limit.who}. Wait ${THROTTLE_WINDOW_MINUTES} minutes and try again, or ask an admin to reset the password.`,
          );
        }
      }

      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash));
      if (!user || !ok || !user.active) {
        await recordAudit(db, [
          {
            action: "session.sign_in_failed",
            outcome: "failure",
            actor: { type: "anonymous", id: null, name: email, ...meta },
            ...(user ? { target: { type: "user" as const, id: user.id } } : {}),
            message: !user
              ? "Sign-in failed: no such account."
              : !ok
                ? "Sign-in failed: wrong password."
                : "Sign-in failed: the account is deactivated.",
          },
        ]);
        // One message for all three: the response must not reveal which accounts exist.
        throw new AppError(401, "unauthorized", "Email or password is wrong, or the account is deactivated.");
      }
      // Rotation: whatever session the browser had is ended; the new one gets a new random id.
      if (previousCookie) {
        await db
          .update(sessions)
          .set({ revokedAt: new Date() })
          .where(eq(sessions.tokenHash, sha256(previousCookie)));
      }
      await forgetAttempt();
      await db
        .delete(signInFailures)
        .where(inArray(signInFailures.key, [keys["account-address"], keys.account]));
      await db
        .insert(knownSignInAddresses)
        .values({ userId: user.id, ip: meta.ip, lastSuccessAt: now })
        .onConflictDoUpdate({
          target: [knownSignInAddresses.userId, knownSignInAddresses.ip],
          set: { lastSuccessAt: now },
        });
      const started = await startSession(user, meta);
      await recordAudit(db, [
        {
          action: "session.sign_in",
          actor: {
            type: "user",
            id: user.id,
            name: `${user.displayName} <${user.email}>`,
            email: user.email,
            ...meta,
          },
          target: { type: "user", id: user.id },
          message: "Signed in.",
        },
      ]);
      return started;
    },

    async authenticateSession(cookieValue: string): Promise<Principal | null> {
      const now = new Date();
      const [row] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, sha256(cookieValue)), isNull(sessions.revokedAt)));
      if (!row?.user.active) return null;
      const idleLimit = new Date(row.session.lastSeenAt.getTime() + options.sessionIdleMinutes * 60_000);
      if (row.session.expiresAt <= now || idleLimit <= now) return null;
      if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
        await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.session.id));
      }
      return {
        user: row.user,
        role: row.user.role,
        via: { kind: "session", sessionId: row.session.id, expiresAt: row.session.expiresAt },
      };
    },

    /** GET /api/session: who is asking, and (for a browser session) the anti-CSRF token. */
    describe(principal: Principal) {
      const user = { ...toUser(principal.user), role: principal.role };
      return principal.via.kind === "session"
        ? {
            user,
            csrfToken: csrfTokenFor(principal.via.sessionId),
            expiresAt: principal.via.expiresAt.toISOString(),
          }
        : { user, csrfToken: "", expiresAt: iso(principal.via.expiresAt) };
    },

    async signOut(principal: Principal, meta: RequestMeta) {
      if (principal.via.kind !== "session") return;
      await db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(eq(sessions.id, principal.via.sessionId));
      await recordAudit(db, [
        {
          action: "session.sign_out",
          actor: actorOf(principal, meta),
          target: { type: "user", id: principal.user.id },
          message: "Signed out.",
        },
      ]);
    },

    // --- API tokens ----------------------------------------------------------------------------------------------

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

    // --- users ---------------------------------------------------------------------------------------------------

    async listUsers(): Promise<User[]> {
      return (await db.select().from(users).orderBy(users.email)).map(toUser);
    },

    async createUser(principal: Principal, input: CreateUser, meta: RequestMeta): Promise<User> {
      if (await userByEmail(input.email)) {
        throw new AppError(409, "conflict", `A user with email ${input.email} already exists.`, {
          email: "This email is taken.",
        });
      }
      const now = new Date();
      const row: UserRow = {
        id: randomUUID(),
        email: input.email,
        displayName: input.displayName,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        active: true,
        createdAt: now,
        updatedAt: now,
        lastSignInAt: null,
      };
      try {
        await db.transaction(async (tx) => {
          await tx.insert(users).values(row);
          await recordAudit(tx, [
            {
              action: "user.create",
              actor: actorOf(principal, meta),
              target: { type: "user", id: row.id },
              message: `User ${row.email} created as ${row.role}.`,
              changes: {
                before: {},
                after: { email: row.email, displayName: row.displayName, role: row.role, active: true },
              },
            },
          ]);
        });
      } catch (error) {
        if (Reflect.get(error instanceof Error ? (error.cause ?? error) : {}, "code") === "23505") {
          throw new AppError(409, "conflict", `A user with email ${input.email} already exists.`);
        }
        throw error;
      }
      return toUser(row);
    },

    async updateUser(principal: Principal, id: string, input: UpdateUser, meta: RequestMeta): Promise<User> {
      await userById(id);
      const now = new Date();
      const updated = await db.transaction(async (tx) => {
        // Serialise user changes so two concurrent demotions cannot remove the last admin, and read the row under
        // the lock so a concurrent change is never written back from a stale copy.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('patchbay-admins'))`);
        const [target] = await tx.select().from(users).where(eq(users.id, id)).for("update");
        if (!target) throw new AppError(404, "not_found", "No user has this id. Reload the list.");
        const next = {
          displayName: input.displayName ?? target.displayName,
          role: input.role ?? target.role,
          active: input.active ?? target.active,
        };
        const losesAdmin =
          target.role === "admin" && target.active && (next.role !== "admin" || !next.active);
        if (losesAdmin) {
          const [others] = await tx
            .select({ n: count() })
            .from(users)
            .where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, target.id)));
          if ((others?.n ?? 0) === 0) {
            throw new AppError(
              409,
              "conflict",
              `${target.email} is the last active admin. Make another user an admin first, so Patchbay keeps someone who can manage it.`,
            );
          }
        }
        const [row] = await tx
          .update(users)
          .set({ ...next, updatedAt: now })
          .where(eq(users.id, id))
          .returning();
        const deactivated = target.active && !next.active;
        if (deactivated) await revokeAccess(tx, id, now, true);
        if (!target.active && next.active) await clearThrottle(tx, target.email);
        const before = { displayName: target.displayName, role: target.role, active: target.active };
        await recordAudit(tx, [
          {
            action: deactivated ? "user.deactivate" : "user.update",
            actor: actorOf(principal, meta),
            target: { type: "user", id },
            message: deactivated
              ? `User ${target.email} deactivated; their sessions and API tokens were revoked.`
              : `User ${target.email} changed.`,
            changes: { before, after: next },
          },
        ]);
        return row;
      });
      if (!updated) throw new AppError(404, "not_found", "The user was removed while being changed.");
      return toUser(updated);
    },

    async resetPassword(
      principal: Principal,
      id: string,
      password: string,
      meta: RequestMeta,
    ): Promise<void> {
      const target = await userById(id);
      const now = new Date();
      const passwordHash = await hashPassword(password);
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, id));
        // A reset is what an admin does after a compromise: end everything the old password could have made.
        await revokeAccess(tx, id, now, true);
        await clearThrottle(tx, target.email);
        await recordAudit(tx, [
          {
            action: "user.password_reset",
            actor: actorOf(principal, meta),
            target: { type: "user", id },
            message: `Password of ${target.email} reset; their sessions and API tokens were revoked.`,
          },
        ]);
      });
    },

    /** Delete what no longer matters: old sign-in failures, and sessions ended more than a day ago. */
    async prune(now = new Date()): Promise<void> {
      await db
        .delete(signInFailures)
        .where(lt(signInFailures.at, new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000)));
      await db
        .delete(knownSignInAddresses)
        .where(
          lt(knownSignInAddresses.lastSuccessAt, new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000)),
        );
      const dayAgo = new Date(now.getTime() - 86_400_000);
      await db.delete(sessions).where(or(lt(sessions.expiresAt, dayAgo), lt(sessions.revokedAt, dayAgo)));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
