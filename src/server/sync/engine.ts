import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import { type SecretVault, storedSecretOf } from "../crypto/secret-vault";
import type { Database } from "../db/client";
import {
  type IntegrationRow,
  integrationEvents,
  integrations,
  type SyncStreamRow,
  syncStreams,
} from "../db/schema";
import { SyncFailure, type SyncSource } from "../partners/adapter";
import type { PartnerRegistry } from "../partners/registry";
import { createCallBudget } from "./budget";
import { type SourceView, syncIssueOf } from "./health";
import {
  chunks,
  deleteOlderThan,
  eraseSyncedData,
  INSERT_CHUNK,
  markUnlisted,
  storeBatch,
  type Tx,
} from "./store";

/**
 * The sync engine (DESIGN §12): runs a connection's sources page by page. Each page is one transaction: its records
 * upserted (raw jsonb beside the normalised columns) and the cursor that follows it saved, so a crash resumes from
 * the last committed page and loses or duplicates nothing. A lease on the stream row keeps two instances from
 * running the same stream at once; the partner's adapter owns the cursor's meaning.
 */

export interface SyncEngineDeps {
  db: Database;
  vault: SecretVault;
  partners: PartnerRegistry;
  log: FastifyBaseLogger;
  /** How long a page may wait for rate budget before the stream is retried later. */
  budgetWaitMs: number;
  /** Alerts and incidents older than this many days are deleted (PATCHBAY_RETENTION_DAYS). */
  retentionDays: number;
  /**
   * How long a run holds a stream between pages (renewed at each page). A crashed instance's streams resume once it
   * lapses, so shorter means faster recovery; it must outlast a page (its calls and its wait for budget).
   */
  leaseSeconds?: number;
  /** Minutes between passes, overriding the partners' defaults (5 for events, 360 for inventories). */
  intervals?: { incremental?: number | undefined; inventory?: number | undefined };
}

export type RunOutcome =
  | { kind: "skipped"; reason: "not_due_or_held" | "inactive" | "feature_off" | "unknown_source" }
  | {
      kind: "ran";
      pages: number;
      stored: number;
      done: boolean;
      failed: boolean;
      /** Time spent waiting for rate budget: the partner's limits setting the pace. */
      waitedMs: number;
    };

/** A failing stream waits this long before it is tried again (a 429's Retry-After, when longer, wins). */
const FAILURE_BACKOFF_MS = 5 * 60_000;

function isActive(row: IntegrationRow): boolean {
  return row.status !== "disconnected" && row.secretCiphertext !== null;
}

export function createSyncEngine(deps: SyncEngineDeps) {
  const { db, log } = deps;
  const leaseSeconds = deps.leaseSeconds ?? 120;
  const intervalOf = (source: SyncSource) => deps.intervals?.[source.kind] ?? source.intervalMinutes;

  async function loadIntegration(id: string): Promise<IntegrationRow | undefined> {
    const [row] = await db.select().from(integrations).where(eq(integrations.id, id));
    return row;
  }

  /** The sources that run for a connection: its partner's, whose feature is enabled. */
  function sourcesOf(row: IntegrationRow): SyncSource[] {
    const features = Array.isArray(row.config.features) ? row.config.features : [];
    return deps.partners.get(row.partner).sources.filter((s) => features.includes(s.feature));
  }

  /** Create the streams of active connections' enabled sources (a new one is due at once): all, or one's. */
  async function ensureStreams(integrationId?: string): Promise<void> {
    const active = ne(integrations.status, "disconnected");
    const rows = await db
      .select()
      .from(integrations)
      .where(integrationId === undefined ? active : and(active, eq(integrations.id, integrationId)));
    const wanted = rows
      .filter(isActive)
      .flatMap((row) => sourcesOf(row).map((source) => ({ integrationId: row.id, source: source.id })));
    for (const part of chunks(wanted, INSERT_CHUNK)) {
      await db
        .insert(syncStreams)
        .values(part.map((w) => ({ ...w, nextRunAt: new Date() })))
        // A stream parked when its feature was turned off (no next run) runs again once it is back on.
        .onConflictDoUpdate({
          target: [syncStreams.integrationId, syncStreams.source],
          set: { nextRunAt: sql`coalesce(${syncStreams.nextRunAt}, now())` },
        });
    }
  }

  /** Streams whose next run is due and that nobody holds: all, or one connection's. */
  async function due(integrationId?: string): Promise<Array<{ integrationId: string; source: string }>> {
    const now = new Date();
    const rows = await db
      .select({ integrationId: syncStreams.integrationId, source: syncStreams.source })
      .from(syncStreams)
      .innerJoin(integrations, eq(integrations.id, syncStreams.integrationId))
      .where(
        and(
          ne(integrations.status, "disconnected"),
          integrationId === undefined ? undefined : eq(syncStreams.integrationId, integrationId),
          lte(syncStreams.nextRunAt, now),
          or(isNull(syncStreams.leaseUntil), lte(syncStreams.leaseUntil, now)),
        ),
      );
    return rows;
  }

  /** Hand a stream back, if this run still holds it (a run whose lease lapsed and was taken leaves it alone). */
  async function release(
    integrationId: string,
    source: string,
    owner: string,
    patch: Partial<SyncStreamRow>,
  ) {
    await db
      .update(syncStreams)
      .set({ ...patch, leaseUntil: null, leaseOwner: null })
      .where(
        and(
          eq(syncStreams.integrationId, integrationId),
          eq(syncStreams.source, source),
          eq(syncStreams.leaseOwner, owner),
        ),
      );
  }

  /**
   * Run one stream for up to `maxPages` pages. Resolves without throwing: a failure is recorded on the stream
   * (shown in the Data section with its fix) and retried after a back-off.
   */
  async function runStream(
    integrationId: string,
    sourceId: string,
    options: { maxPages: number; signal?: AbortSignal },
  ): Promise<RunOutcome> {
    const owner = randomUUID();
    const [stream] = await db
      .update(syncStreams)
      .set({
        leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
        leaseOwner: owner,
        state: "running",
        lastRunAt: new Date(),
      })
      .where(
        and(
          eq(syncStreams.integrationId, integrationId),
          eq(syncStreams.source, sourceId),
          // Only a due stream runs (a job delivered twice finds it done and not yet due again).
          lte(syncStreams.nextRunAt, sql`now()`),
          or(isNull(syncStreams.leaseUntil), lte(syncStreams.leaseUntil, sql`now()`)),
        ),
      )
      .returning();
    if (!stream) return { kind: "skipped", reason: "not_due_or_held" };

    const row = await loadIntegration(integrationId);
    if (!row || !isActive(row)) {
      await release(integrationId, sourceId, owner, { state: "idle", nextRunAt: null });
      return { kind: "skipped", reason: "inactive" };
    }
    const adapter = deps.partners.get(row.partner);
    const source = adapter.sources.find((s) => s.id === sourceId);
    if (!source) {
      await release(integrationId, sourceId, owner, { state: "idle", nextRunAt: null });
      return { kind: "skipped", reason: "unknown_source" };
    }
    if (!sourcesOf(row).includes(source)) {
      await release(integrationId, sourceId, owner, { state: "idle", nextRunAt: null });
      return { kind: "skipped", reason: "feature_off" };
    }

    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const budget = createCallBudget(db, `${row.partner}|${row.identityKey}`, signal, {
      maxWaitMs: deps.budgetWaitMs,
      limitsOf: (api) => adapter.sources.find((s) => s.api === api)?.limits,
    });
    let cursor = stream.cursor;
    let pages = 0;
    let storedTotal = 0;
    let done = false;
    let progressDone = stream.progress?.done ?? 0;
    try {
      const secret = await openSecret(row);
      const pull = (after: unknown) => {
        const now = new Date();
        const pulled = source.pull({
          integrationId,
          config: row.config,
          secret,
          cursor: after,
          budget,
          signal,
          now,
        });
        // A prefetch abandoned by a failed commit is aborted in `finally`; its rejection is not news.
        pulled.catch(() => undefined);
        return { now, pulled };
      };
      let next = pull(cursor);
      while (pages < options.maxPages && !done) {
        const { now } = next;
        const page = await next.pulled;
        pages += 1;
        // Fetch the next page while this one is written: its cursor is known now, and the partner's latency and
        // the database's write then overlap instead of adding up. It is only used if this page commits. It gets a
        // turn of the event loop first, to take its rate budget and send its request: the embedded database runs
        // one statement at a time, and the write would otherwise go first and leave the request waiting behind it
        // (at 100,000 alerts that was a third of a second per page, a fifth of the sync).
        if (!page.done && pages < options.maxPages) {
          next = pull(page.cursor);
          await new Promise((resolve) => setImmediate(resolve));
        }
        for (const bad of page.malformed) {
          log.warn(
            { integrationId, source: sourceId, recordId: bad.id, reason: bad.reason },
            "malformed record",
          );
        }
        progressDone += page.batch.records.length;
        const completedPass = page.done;
        // The page and its cursor commit together, and only while this instance still holds the lease.
        const stored = await db.transaction(async (tx) => {
          const [held] = await tx
            .select({ leaseOwner: syncStreams.leaseOwner })
            .from(syncStreams)
            .where(and(eq(syncStreams.integrationId, integrationId), eq(syncStreams.source, sourceId)))
            .for("update");
          // Another run took the stream (this one's lease lapsed), or the connection was disconnected or is gone:
          // this page is not stored.
          const [connection] = await tx
            .select({ status: integrations.status })
            .from(integrations)
            .where(eq(integrations.id, integrationId));
          if (held?.leaseOwner !== owner || !connection || connection.status === "disconnected") {
            throw new SyncFailure("cancelled", "The sync was stopped.", "Nothing to do.");
          }
          const count = await storeBatch(tx, row, page.batch, page.pass, now);
          if (completedPass && source.kind === "inventory" && page.pass !== undefined) {
            await markUnlisted(tx, page.batch.table, integrationId, page.pass, now);
          }
          await tx
            .update(syncStreams)
            .set({
              cursor: page.cursor,
              records: sql`${syncStreams.records} + ${count}`,
              malformed: sql`${syncStreams.malformed} + ${page.malformed.length}`,
              progress: completedPass ? null : { done: progressDone, total: page.total ?? null },
              ...(count > 0 ? { lastDataAt: now } : {}),
              ...(completedPass
                ? {
                    state: "idle" as const,
                    lastSuccessAt: now,
                    firstCompletedAt: sql`coalesce(${syncStreams.firstCompletedAt}, ${now})`,
                    nextRunAt: new Date(now.getTime() + intervalOf(source) * 60_000),
                    lastError: null,
                    leaseUntil: null,
                    leaseOwner: null,
                  }
                : { leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})` }),
            })
            .where(and(eq(syncStreams.integrationId, integrationId), eq(syncStreams.source, sourceId)));
          return count;
        });
        storedTotal += stored;
        cursor = page.cursor;
        done = completedPass;
      }
      // Out of pages for this run: hand the stream back, due at once, for the next job to continue.
      if (!done) await release(integrationId, sourceId, owner, { nextRunAt: new Date() });
      return { kind: "ran", pages, stored: storedTotal, done, failed: false, waitedMs: budget.waitedMs() };
    } catch (error) {
      const failure =
        error instanceof SyncFailure
          ? error
          : new SyncFailure(
              "internal_error",
              "The sync failed unexpectedly; the server log has the details.",
              "Patchbay retries on its own. If it keeps failing, quote the time of the failure to your administrator.",
            );
      if (!(error instanceof SyncFailure))
        log.error({ err: error, integrationId, source: sourceId }, "sync failed");
      const waitMs = Math.max(FAILURE_BACKOFF_MS, (failure.retryAfterSeconds ?? 0) * 1000);
      await release(integrationId, sourceId, owner, {
        state: "failed",
        lastError: { code: failure.code, message: failure.message, remediation: failure.remediation },
        nextRunAt: new Date(
          Date.now() + (failure.retryAfterSeconds !== null ? failure.retryAfterSeconds * 1000 : waitMs),
        ),
      });
      return {
        kind: "ran",
        pages,
        stored: storedTotal,
        done: false,
        failed: true,
        waitedMs: budget.waitedMs(),
      };
    } finally {
      controller.abort();
    }
  }

  async function openSecret(row: IntegrationRow): Promise<string> {
    const sealed = storedSecretOf(row);
    if (sealed === null) {
      throw new SyncFailure(
        "no_secret",
        "The connection holds no secret.",
        "Replace the secret, then Sync now.",
      );
    }
    return deps.vault.open(sealed, row.id);
  }

  /** Make every stream of a connection due now (Sync now); resolves to the sources made due. */
  async function syncNow(integrationId: string): Promise<string[]> {
    await ensureStreams(integrationId);
    const rows = await db
      .update(syncStreams)
      .set({ nextRunAt: new Date() })
      .where(eq(syncStreams.integrationId, integrationId))
      .returning({ source: syncStreams.source });
    return rows.map((r) => r.source);
  }

  /** Delete alerts and incidents past the retention period. */
  async function applyRetention(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - deps.retentionDays * 86_400_000);
    return db.transaction((tx) => deleteOlderThan(tx, cutoff));
  }

  /**
   * Disconnect and delete synced data: erase everything the connection synced and its streams (cursors, counts),
   * so a later reconnect starts a first full sync. Runs inside the caller's transaction.
   */
  async function erase(tx: Tx, integrationId: string) {
    // Streams first: a page being written holds its stream's row, so this waits for it to commit and the deletes
    // below then see its rows; any later page finds no stream and is not stored.
    await tx.delete(syncStreams).where(eq(syncStreams.integrationId, integrationId));
    return eraseSyncedData(tx, integrationId);
  }

  async function streams(integrationIds: readonly string[]): Promise<SyncStreamRow[]> {
    if (integrationIds.length === 0) return [];
    return db
      .select()
      .from(syncStreams)
      .where(inArray(syncStreams.integrationId, [...integrationIds]));
  }

  /** A connection's sources, each with its stream (where it stands), for the API and the health rules. */
  async function sourceViews(row: IntegrationRow, known?: readonly SyncStreamRow[]): Promise<SourceView[]> {
    const rows = known ?? (await streams([row.id]));
    const byId = new Map(rows.filter((s) => s.integrationId === row.id).map((s) => [s.source, s]));
    return sourcesOf(row).map((s) => ({
      id: s.id,
      label: s.label,
      kind: s.kind,
      table: s.table,
      intervalMinutes: intervalOf(s),
      stream: byId.get(s.id),
      ...(s.notices ? { notices: s.notices } : {}),
    }));
  }

  /**
   * Mark connections whose sync has stalled (a source failed for a reason a person must fix, or no completed pass
   * for 3 intervals) and clear the mark once it recovers; each change is a status event in the connection's log.
   * Resolves to how many connections changed.
   */
  async function assessHealth(now = new Date()): Promise<number> {
    const rows = (await db.select().from(integrations).where(ne(integrations.status, "disconnected"))).filter(
      isActive,
    );
    const all = await streams(rows.map((r) => r.id));
    let changed = 0;
    for (const row of rows) {
      const issue = syncIssueOf(await sourceViews(row, all), now);
      const had = row.syncIssue !== null && row.syncIssue !== undefined;
      if ((issue === null) === !had) continue;
      const events =
        row.status === "connected"
          ? [
              {
                integrationId: row.id,
                at: now,
                kind: "status_changed",
                actor: "Patchbay",
                message: issue
                  ? `Status changed from connected to degraded. ${issue.message}`
                  : "Status changed from degraded to connected: every sync source is keeping up again.",
                detail: issue
                  ? { from: "connected", to: "degraded", code: issue.code }
                  : { from: "degraded", to: "connected" },
              },
            ]
          : [];
      await db.transaction(async (tx) => {
        await tx.update(integrations).set({ syncIssue: issue }).where(eq(integrations.id, row.id));
        if (events.length > 0) await tx.insert(integrationEvents).values(events);
      });
      if (issue) log.warn({ integrationId: row.id, issue: issue.message }, "sync stalled");
      changed += 1;
    }
    return changed;
  }

  return {
    ensureStreams,
    due,
    runStream,
    syncNow,
    applyRetention,
    erase,
    streams,
    sourceViews,
    assessHealth,
    loadIntegration,
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
