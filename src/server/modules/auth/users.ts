import { randomUUID } from "node:crypto";
import { and, count, eq, ne, sql } from "drizzle-orm";
import type { CreateUser, UpdateUser, User } from "../../../shared/auth";
import { hashPassword } from "../../crypto/passwords";
import type { Database } from "../../db/client";
import { type UserRow, users } from "../../db/schema";
import { AppError } from "../../lib/app-error";
import { recordAudit } from "../audit/audit";
import {
  actorOf,
  clearThrottle,
  isUuid,
  type Principal,
  type RequestMeta,
  revokeAccess,
  toUser,
  userByEmail,
} from "./common";

/**
 * User management by admins: list, create, change (role, name, active) and reset a password. Patchbay always keeps
 * at least one active admin.
 */

export function createUsers(db: Database) {
  async function userById(id: string) {
    const row = isUuid(id) ? (await db.select().from(users).where(eq(users.id, id)))[0] : undefined;
    if (!row) throw new AppError(404, "not_found", "No user has this id. Reload the list.");
    return row;
  }

  return {
    async listUsers(): Promise<User[]> {
      return (await db.select().from(users).orderBy(users.email)).map(toUser);
    },

    async createUser(principal: Principal, input: CreateUser, meta: RequestMeta): Promise<User> {
      if (await userByEmail(db, input.email)) {
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
  };
}
