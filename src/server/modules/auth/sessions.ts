import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { and, count, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { dummyPasswordHash, verifyPassword } from "../../crypto/passwords";
import type { Database } from "../../db/client";
import {
  auditEvents,
  knownSignInAddresses,
  sessions,
  signInFailures,
  type UserRow,
  users,
} from "../../db/schema";
import { AppError } from "../../lib/app-error";
import { recordAudit } from "../audit/audit";
import {
  actorOf,
  addressKey,
  iso,
  type Principal,
  type RequestMeta,
  randomSecret,
  sha256,
  throttleKeys,
  toUser,
  userByEmail,
} from "./common";

/**
 * Browser sessions: sign-in (throttled, remembering the addresses each user signs in from), the session cookie and
 * its anti-CSRF token, sign-out, and pruning what these leave behind.
 */

export interface SessionOptions {
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

/** An id no user has: the known-address lookup runs for unknown accounts as well (see signIn). */
const NO_USER_ID = "00000000-0000-4000-8000-000000000000";

export function createSessions(db: Database, options: SessionOptions) {
  const csrfTokenFor = (sessionId: string) =>
    createHmac("sha256", options.csrfKey).update(sessionId).digest("base64url");

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

  /** Open a new session for a user who just proved who they are (sign-in, or completing setup). */
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

  return {
    startSession,

    csrfTokenFor,

    verifyCsrf(sessionId: string, presented: string | undefined): boolean {
      if (presented === undefined) return false;
      const expected = Buffer.from(csrfTokenFor(sessionId));
      const given = Buffer.from(presented);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },

    async signIn(email: string, password: string, meta: RequestMeta, previousCookie: string | undefined) {
      const now = new Date();
      const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000);
      const keys = throttleKeys(email, meta.ip);
      const user = await userByEmail(db, email);
      // An address the owner signed in from before is exempt from the account-wide limit: a stranger's guesses
      // from elsewhere can then slow the account down, but never lock its owner out of a place they use.
      // Looked up for unknown accounts too (under an id no user has), so even a refusal takes the same queries
      // whether or not the account exists.
      const knownRow = await isKnownAddress(user?.id ?? NO_USER_ID, addressKey(meta.ip), now);
      const known = user !== undefined && knownRow;
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
        .values({ userId: user.id, ip: addressKey(meta.ip), lastSuccessAt: now })
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

/** Opens a session for a user; setup uses it to sign the first admin in. */
export type StartSession = ReturnType<typeof createSessions>["startSession"];
