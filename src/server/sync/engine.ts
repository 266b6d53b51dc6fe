import { and, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import { type SecretVault, storedSecretOf } from "../crypto/secret-vault";
import type { Database } from "../db/client";
import {
  alerts,
  devices,
  type IntegrationRow,
  integrations,
  type SyncStreamRow,
  syncStreams,
} from "../db/schema";
import { type SyncBatch, SyncFailure, type SyncSource } from "../partners/adapter";
import type { PartnerRegistry } from "../partners/registry";
import { createCallBudget } from "./budget";

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
  /** Alerts older than this many days are deleted (PATCHBAY_RETENTION_DAYS). */
  retentionDays: number;
}

export type RunOutcome =
  | { kind: "skipped"; reason: "not_due_or_held" | "inactive" | "feature_off" | "unknown_source" }
  | { kind: "ran"; pages: number; stored: number; done: boolean; failed: boolean };

const LEASE_SECONDS = 120;
const INSERT_CHUNK = 1_000;
/** A failing stream waits this long before it is tried again (a 429's Retry-After, when longer, wins). */
const FAILURE_BACKOFF_MS = 5 * 60_000;

function isActive(row: IntegrationRow): boolean {
  return row.status !== "disconnected" && row.secretCiphertext !== null;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Upsert a page's records; resolves to how many were new or changed. */
async function store(
  tx: Tx,
  row: IntegrationRow,
  batch: SyncBatch,
  pass: string | undefined,
  now: Date,
): Promise<number> {
  let stored = 0;
  if (batch.table === "alerts") {
    for (const part of chunks(batch.records, INSERT_CHUNK)) {
      const changed = await tx
        .insert(alerts)
        .values(
          part.map((r) => ({
            integrationId: row.id,
            partner: row.partner,
            externalId: r.externalId,
            title: r.title,
            severity: r.severity,
            status: r.status,
            createdAt: r.createdAt,
            updatedAt: r.updatedAt,
            deviceName: r.deviceName,
            raw: r.raw,
            syncedAt: now,
          })),
        )
        .onConflictDoUpdate({
          target: [alerts.integrationId, alerts.externalId],
          set: {
            title: sql`excluded.title`,
            severity: sql`excluded.severity`,
            status: sql`excluded.status`,
            createdAt: sql`excluded.created_at`,
            updatedAt: sql`excluded.updated_at`,
            deviceName: sql`excluded.device_name`,
            raw: sql`excluded.raw`,
            syncedAt: sql`excluded.synced_at`,
          },
          // An older version read again (the overlap) never overwrites a newer one, and an unchanged one is no news.
          setWhere: sql`${alerts.updatedAt} < excluded.updated_at`,
        })
        .returning({ id: alerts.id });
      stored += changed.length;
    }
    return stored;
  }
  for (const part of chunks(batch.records, INSERT_CHUNK)) {
    const changed = await tx
      .insert(devices)
      .values(
        part.map((r) => ({
          integrationId: row.id,
          partner: row.partner,
          externalId: r.externalId,
          name: r.name,
          healthStatus: r.healthStatus,
          osPlatform: r.osPlatform,
          onboardingStatus: r.onboardingStatus,
          riskScore: r.riskScore,
          exposureLevel: r.exposureLevel,
          lastSeenAt: r.lastSeenAt,
          raw: r.raw,
          seenPass: pass ?? now.toISOString(),
          removedAt: null,
          syncedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [devices.integrationId, devices.externalId],
        set: {
          name: sql`excluded.name`,
          healthStatus: sql`excluded.health_status`,
          osPlatform: sql`excluded.os_platform`,
          onboardingStatus: sql`excluded.onboarding_status`,
          riskScore: sql`excluded.risk_score`,
          exposureLevel: sql`excluded.exposure_level`,
          lastSeenAt: sql`excluded.last_seen_at`,
          raw: sql`excluded.raw`,
          seenPass: sql`excluded.seen_pass`,
          removedAt: sql`null`,
          syncedAt: sql`excluded.synced_at`,
        },
      })
      .returning({ id: devices.id });
    stored += changed.length;
  }
  return stored;
}

export function createSyncEngine(deps: SyncEngineDeps) {
  const { db, log } = deps;

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
        .onConflictDoNothing();
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

  async function release(integrationId: string, source: string, patch: Partial<SyncStreamRow>) {
    await db
      .update(syncStreams)
      .set({ ...patch, leaseUntil: null })
      .where(and(eq(syncStreams.integrationId, integrationId), eq(syncStreams.source, source)));
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
    const [stream] = await db
      .update(syncStreams)
      .set({
        leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
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
      await release(integrationId, sourceId, { state: "idle", nextRunAt: null });
      return { kind: "skipped", reason: "inactive" };
    }
    const adapter = deps.partners.get(row.partner);
    const source = adapter.sources.find((s) => s.id === sourceId);
    if (!source) {
      await release(integrationId, sourceId, { state: "idle", nextRunAt: null });
      return { kind: "skipped", reason: "unknown_source" };
    }
    if (!sourcesOf(row).includes(source)) {
      await release(integrationId, sourceId, { state: "idle", nextRunAt: null });
      return { kind: "skipped", reason: "feature_off" };
    }

    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const budget = createCallBudget(db, `${row.partner}|${row.identityKey}`, signal, {
      maxWaitMs: deps.budgetWaitMs,
    });
    let cursor = stream.cursor;
    let pages = 0;
    let storedTotal = 0;
    let done = false;
    let progressDone = stream.progress?.done ?? 0;
    try {
      const secret = await openSecret(row);
      while (pages < options.maxPages && !done) {
        const now = new Date();
        const page = await source.pull({
          integrationId,
          config: row.config,
          secret,
          cursor,
          budget,
          signal,
          now,
        });
        pages += 1;
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
            .select({ leaseUntil: syncStreams.leaseUntil })
            .from(syncStreams)
            .where(and(eq(syncStreams.integrationId, integrationId), eq(syncStreams.source, sourceId)))
            .for("update");
          // Disconnect (or Stop) dropped the lease, or the connection is gone: this page is not stored.
          const [owner] = await tx
            .select({ status: integrations.status })
            .from(integrations)
            .where(eq(integrations.id, integrationId));
          if (!held?.leaseUntil || !owner || owner.status === "disconnected") {
            throw new SyncFailure("cancelled", "The sync was stopped.", "Nothing to do.");
          }
          const count = await store(tx, row, page.batch, page.pass, now);
          if (completedPass && source.kind === "inventory" && page.pass !== undefined) {
            await tx
              .update(devices)
              .set({ removedAt: now })
              .where(
                and(
                  eq(devices.integrationId, integrationId),
                  ne(devices.seenPass, page.pass),
                  isNull(devices.removedAt),
                ),
              );
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
                    nextRunAt: new Date(now.getTime() + source.intervalMinutes * 60_000),
                    lastError: null,
                    leaseUntil: null,
                  }
                : { leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})` }),
            })
            .where(and(eq(syncStreams.integrationId, integrationId), eq(syncStreams.source, sourceId)));
          return count;
        });
        storedTotal += stored;
        cursor = page.cursor;
        done = completedPass;
      }
      // Out of pages for this run: hand the stream back, due at once, for the next job to continue.
      if (!done) await release(integrationId, sourceId, { nextRunAt: new Date() });
      return { kind: "ran", pages, stored: storedTotal, done, failed: false };
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
      await release(integrationId, sourceId, {
        state: "failed",
        lastError: { code: failure.code, message: failure.message, remediation: failure.remediation },
        nextRunAt: new Date(
          Date.now() + (failure.retryAfterSeconds !== null ? failure.retryAfterSeconds * 1000 : waitMs),
        ),
      });
      return { kind: "ran", pages, stored: storedTotal, done: false, failed: true };
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

  /** Delete alerts past the retention period. */
  async function applyRetention(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - deps.retentionDays * 86_400_000);
    const gone = await db.delete(alerts).where(lte(alerts.createdAt, cutoff)).returning({ id: alerts.id });
    return gone.length;
  }

  async function streams(integrationIds: readonly string[]): Promise<SyncStreamRow[]> {
    if (integrationIds.length === 0) return [];
    return db
      .select()
      .from(syncStreams)
      .where(inArray(syncStreams.integrationId, [...integrationIds]));
  }

  /** Labels and intervals of a connection's sources, for the API (the stream rows say where each stands). */
  function sourceInfo(row: IntegrationRow) {
    return sourcesOf(row).map((s) => ({ id: s.id, label: s.label, intervalMinutes: s.intervalMinutes }));
  }

  return {
    ensureStreams,
    due,
    runStream,
    syncNow,
    applyRetention,
    streams,
    sourceInfo,
    loadIntegration,
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
