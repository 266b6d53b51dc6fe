import { randomUUID } from "node:crypto";
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import type { Setup } from "../../../shared/auth";
import { hashPassword } from "../../crypto/passwords";
import type { Database } from "../../db/client";
import { setupTokens, type UserRow, users } from "../../db/schema";
import { AppError } from "../../lib/app-error";
import { recordAudit, systemActor } from "../audit/audit";
import { type RequestMeta, randomSecret, sha256 } from "./common";
import type { StartSession } from "./sessions";

/**
 * The one-time setup of the first admin: from the environment, or by whoever holds the setup link the server prints
 * (who is then signed in).
 */

const SETUP_LINK_MINUTES = 60;

export function createSetup(db: Database, startSession: StartSession) {
  async function isSetUp(): Promise<boolean> {
    const [row] = await db.select({ n: count() }).from(users);
    return (row?.n ?? 0) > 0;
  }

  return {
    isSetUp,

    /**
     * On a database with no users: create the admin from env when given, otherwise issue a one-time setup token
     * (valid one hour) for the link the server prints. Returns that token, or null.
     */
    async prepareFirstAdmin(fromEnv: { email: string; password: string } | null): Promise<string | null> {
      if (await isSetUp()) return null;
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
  };
}
