import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import type { AuditAction, AuditEvent, AuditPage, AuditQuery } from "../../../shared/auth";
import { auditEventSchema } from "../../../shared/auth";
import type { Database } from "../../db/client";
import { type AuditEventRow, auditEvents } from "../../db/schema";
import { AppError } from "../../lib/app-error";

/** The audit trail: who did what, when, from where, with the non-secret before/after (issue 3 §7). */

/** Who acted, as recorded. Built from the request's principal (or the scheduler). */
export interface Actor {
  type: "user" | "token" | "anonymous" | "system";
  id: string | null;
  name: string;
  /** The signed-in user's email (for a token: its owner's), shown apart from the name a user can choose. */
  email?: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const systemActor = (name: string): Actor => ({
  type: "system",
  id: null,
  name,
  ip: null,
  userAgent: null,
});

export interface AuditEntry {
  action: AuditAction;
  outcome?: "success" | "failure";
  actor: Actor;
  target?: { type: "integration" | "user" | "token" | "session"; id: string | null };
  integrationId?: string | null;
  message: string;
  changes?: { before: Record<string, unknown>; after: Record<string, unknown> } | null;
}

/** A database or an open transaction: audit rows are written in the same transaction as the change they record. */
export type Executor = Pick<Database, "insert">;

export function auditRow(entry: AuditEntry, at = new Date()): typeof auditEvents.$inferInsert {
  return {
    at,
    action: entry.action,
    outcome: entry.outcome ?? "success",
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    actorName: entry.actor.name,
    actorEmail: entry.actor.email ?? null,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    integrationId: entry.integrationId ?? (entry.target?.type === "integration" ? entry.target.id : null),
    sourceIp: entry.actor.ip,
    userAgent: entry.actor.userAgent,
    message: entry.message,
    changes: entry.changes ?? null,
  };
}

export async function recordAudit(executor: Executor, entries: AuditEntry[], at = new Date()): Promise<void> {
  if (entries.length > 0) await executor.insert(auditEvents).values(entries.map((e) => auditRow(e, at)));
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return auditEventSchema.parse({
    id: String(row.id),
    at: row.at.toISOString(),
    action: row.action,
    outcome: row.outcome,
    actor: { type: row.actorType, id: row.actorId, name: row.actorName, email: row.actorEmail },
    target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
    integrationId: row.integrationId,
    sourceIp: row.sourceIp,
    userAgent: row.userAgent,
    message: row.message,
    changes: row.changes,
    occurrences: row.occurrences,
    lastAt: row.lastAt === null ? null : row.lastAt.toISOString(),
  });
}

const encodeCursor = (id: number) => Buffer.from(`audit:${id}`).toString("base64url");
function decodeCursor(cursor: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match?.[1] || !Number.isSafeInteger(Number(match[1]))) {
    throw new AppError(
      400,
      "validation_failed",
      "cursor is not one Patchbay issued; start again without it.",
      {
        cursor: "Use the nextCursor of the previous page.",
      },
    );
  }
  return Number(match[1]);
}

export async function queryAudit(db: Database, query: AuditQuery): Promise<AuditPage> {
  const conditions: SQL[] = [];
  if (query.actor) {
    const pattern = `%${query.actor.replace(/[\\%_]/g, "\\$&")}%`;
    const byActor = or(ilike(auditEvents.actorName, pattern), ilike(auditEvents.actorEmail, pattern));
    if (byActor) conditions.push(byActor);
  }
  if (query.action) conditions.push(eq(auditEvents.action, query.action));
  if (query.integrationId) conditions.push(eq(auditEvents.integrationId, query.integrationId));
  if (query.from) conditions.push(gte(auditEvents.at, new Date(query.from)));
  if (query.to) conditions.push(lte(auditEvents.at, new Date(query.to)));
  if (query.cursor) conditions.push(lt(auditEvents.id, decodeCursor(query.cursor)));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    events: page.map(toAuditEvent),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
  };
}
