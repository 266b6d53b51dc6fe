import { and, desc, eq, ilike, isNotNull, isNull, lt, ne, notInArray, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { IntegrationListQuery } from "../../../shared/data-contract";
import type { Database } from "../../db/client";
import { type IntegrationRow, integrationEvents, integrations, type StoredConfig } from "../../db/schema";
import { keyset, likePattern, pageOf, type Sort } from "../../lib/keyset";
import { cleanUpstream, cleanUpstreamText, cleanUpstreamValues } from "../../lib/upstream-text";
import { type AuditEntry, recordAudit } from "../audit/audit";

/** Persistence of integrations and their event log. Every write that changes state records its event atomically. */

export interface NewEvent {
  kind: string;
  actor: string;
  message: string;
  detail: Record<string, unknown>;
}

export type IntegrationPatch = Partial<Omit<IntegrationRow, "id" | "partner" | "createdAt">>;

const UNIQUE_VIOLATION = "23505";

/** Did the database refuse a write because another active connection has the same partner and identity? */
export function isActiveConnectionConflict(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (Reflect.get(e, "code") === UNIQUE_VIOLATION) return true;
  }
  return false;
}

const byCreated: Sort<IntegrationRow> = {
  name: "createdAt",
  expr: integrations.createdAt,
  cast: "timestamptz",
  value: (row) => row.createdAt.toISOString(),
};
const byName: Sort<IntegrationRow> = {
  name: "name",
  expr: integrations.name,
  cast: "text",
  value: (row) => row.name,
};

/** The status a connection shows (toIntegration): a connected one whose sync has stalled shows degraded. */
function statusIs(status: NonNullable<IntegrationListQuery["status"]>): SQL | undefined {
  switch (status) {
    case "connected":
      return and(eq(integrations.status, "connected"), isNull(integrations.syncIssue));
    case "degraded":
      return or(
        eq(integrations.status, "degraded"),
        and(eq(integrations.status, "connected"), isNotNull(integrations.syncIssue)),
      );
    case "disconnected":
      return eq(integrations.status, "disconnected");
    case "error":
      return notInArray(integrations.status, ["connected", "degraded", "disconnected"]);
  }
}

export function createIntegrationRepository(db: Database) {
  // Reports and events quote upstream text; whatever a caller forgot to clean is cleaned here, before jsonb sees it.
  const eventRow = (integrationId: string, at: Date, event: NewEvent) => ({
    integrationId,
    at,
    ...event,
    message: cleanUpstreamText(event.message, 4_000),
    detail: cleanUpstreamValues(event.detail),
  });
  const cleanRef = (ref: { name: string; api: string }) => ({
    name: cleanUpstreamText(ref.name, 200),
    api: cleanUpstreamText(ref.api, 200),
  });
  const storable = <P extends IntegrationPatch>(patch: P): P => ({
    ...patch,
    ...("lastError" in patch ? { lastError: cleanUpstream(patch.lastError) } : {}),
    ...("lastReport" in patch ? { lastReport: cleanUpstream(patch.lastReport) } : {}),
    // Role names come from the token's claims: upstream text too.
    ...(patch.permissions
      ? {
          permissions: {
            required: patch.permissions.required.map(cleanRef),
            granted: patch.permissions.granted.map(cleanRef),
            missing: patch.permissions.missing.map(cleanRef),
            unused: patch.permissions.unused.map(cleanRef),
          },
        }
      : {}),
  });

  return {
    /** One page of GET /api/integrations: filtered, sorted and continued from a cursor in SQL. */
    async page(query: IntegrationListQuery): Promise<{ rows: IntegrationRow[]; nextCursor: string | null }> {
      const sort = query.sort === "name" ? byName : byCreated;
      const order = query.order ?? (query.sort === "name" ? "asc" : "desc");
      const { orderBy, after } = keyset(sort, order, integrations.id, query.cursor);
      const rows = await db
        .select()
        .from(integrations)
        .where(
          and(
            after,
            query.partner ? eq(integrations.partner, query.partner) : undefined,
            query.status ? statusIs(query.status) : undefined,
            query.q
              ? or(
                  ilike(integrations.name, likePattern(query.q)),
                  z.uuid().safeParse(query.q).success ? eq(integrations.id, query.q) : undefined,
                )
              : undefined,
          ),
        )
        .orderBy(...orderBy)
        .limit(query.limit + 1);
      const { items, nextCursor } = pageOf(rows, query.limit, sort, order, (row) => row);
      return { rows: items, nextCursor };
    },

    async get(id: string): Promise<IntegrationRow | undefined> {
      const [row] = await db.select().from(integrations).where(eq(integrations.id, id));
      return row;
    },

    /** The active connection of this partner with this identity (its adapter's `identityKey`), if any. */
    async findActive(partner: string, identityKey: string): Promise<IntegrationRow | undefined> {
      const [row] = await db
        .select()
        .from(integrations)
        .where(
          and(
            eq(integrations.partner, partner),
            eq(integrations.identityKey, identityKey),
            ne(integrations.status, "disconnected"),
          ),
        );
      return row;
    },

    async insert(row: IntegrationRow, event: NewEvent, audit: AuditEntry[]): Promise<IntegrationRow> {
      return db.transaction(async (tx) => {
        const [inserted] = await tx.insert(integrations).values(storable(row)).returning();
        if (!inserted) throw new Error("insert returned no row");
        await tx.insert(integrationEvents).values(eventRow(row.id, row.updatedAt, event));
        await recordAudit(tx, audit, row.updatedAt);
        return inserted;
      });
    },

    /** Update a row and record events in one transaction; `undefined` when the row no longer exists. */
    /**
     * Update an active row and record its events and audit entries in one transaction. The write only happens if
     * the row is still active and (when given) unchanged since `expectedUpdatedAt`: a Disconnect or another change
     * that landed while a slow verification ran wins, and this returns `undefined`.
     */
    async update(
      id: string,
      patch: IntegrationPatch,
      events: NewEvent[],
      audit: AuditEntry[],
      expectedUpdatedAt: Date | null,
    ): Promise<IntegrationRow | undefined> {
      return db.transaction(async (tx) => {
        const [updated] = await tx
          .update(integrations)
          .set(storable(patch))
          .where(
            and(
              eq(integrations.id, id),
              ne(integrations.status, "disconnected"),
              ...(expectedUpdatedAt ? [eq(integrations.updatedAt, expectedUpdatedAt)] : []),
            ),
          )
          .returning();
        if (!updated) return undefined;
        const at = patch.updatedAt ?? new Date();
        if (events.length > 0)
          await tx.insert(integrationEvents).values(events.map((e) => eventRow(id, at, e)));
        await recordAudit(tx, audit, at);
        return updated;
      });
    },

    /** What is sealed: how many secrets, how many under another master key, and which data keys rows refer to. */
    async sealedSecrets(keyId: string) {
      const rows = await db
        .select({ keyId: integrations.secretKeyId, dataKeyId: integrations.secretDataKeyId })
        .from(integrations)
        .where(isNotNull(integrations.secretCiphertext));
      return {
        total: rows.length,
        underOtherKey: rows.filter((r) => r.keyId !== keyId).length,
        dataKeyIds: new Set(rows.flatMap((r) => (r.dataKeyId === null ? [] : [r.dataKeyId]))),
      };
    },

    /** Ids of active connections last checked before `before` (or never). */
    async dueForRecheck(before: Date): Promise<string[]> {
      const rows = await db
        .select({ id: integrations.id })
        .from(integrations)
        .where(
          and(
            ne(integrations.status, "disconnected"),
            or(isNull(integrations.lastCheckedAt), lt(integrations.lastCheckedAt, before)),
          ),
        );
      return rows.map((r) => r.id);
    },

    async addEvent(integrationId: string, event: NewEvent, audit: AuditEntry[]): Promise<void> {
      await db.transaction(async (tx) => {
        const at = new Date();
        await tx.insert(integrationEvents).values(eventRow(integrationId, at, event));
        await recordAudit(tx, audit, at);
      });
    },

    /** An audit entry that belongs to no stored integration (a dry-run test, a refused connect). */
    async audit(entries: AuditEntry[]): Promise<void> {
      await recordAudit(db, entries);
    },

    async events(integrationId: string, limit = 200) {
      return db
        .select()
        .from(integrationEvents)
        .where(eq(integrationEvents.integrationId, integrationId))
        .orderBy(desc(integrationEvents.id))
        .limit(limit);
    },
  };
}

export type IntegrationRepository = ReturnType<typeof createIntegrationRepository>;
export type { StoredConfig };
