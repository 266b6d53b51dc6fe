import type { FastifyBaseLogger } from "fastify";
import type PgBoss from "pg-boss";
import { z } from "zod";
import type { SyncEngine } from "../sync/engine";

/**
 * Sync on pg-boss (DESIGN §12): a sweep every minute (one instance runs it) creates the streams of new connections,
 * applies retention, marks connections whose sync has stalled (degraded) and queues each due stream once (`singletonKey`); any instance's worker runs a bounded number of
 * pages and, when the source has more, queues the stream again. The lease in sync_streams keeps a stream to one
 * worker even if a job is delivered twice.
 */

const SWEEP = "sync-sweep";
const STREAM = "sync-stream";
const streamJobSchema = z.object({ integrationId: z.uuid(), source: z.string().min(1).max(64) });

/** Pages a job runs before it hands the stream back (so one large first sync does not starve the others). */
const PAGES_PER_JOB = 20;

export interface SyncJobs {
  /** Queue the due streams now: one connection's (after Sync now), or all; resolves to how many were queued. */
  kick(integrationId?: string): Promise<number>;
}

export async function startSyncJobs(options: {
  boss: PgBoss;
  engine: SyncEngine;
  log: FastifyBaseLogger;
  pollingIntervalSeconds?: number;
}): Promise<SyncJobs> {
  const { engine, log, boss } = options;
  await boss.createQueue(SWEEP);
  // A job that dies with its instance expires and is retried by another; the stream's lease outlives it.
  await boss.createQueue(STREAM, { name: STREAM, retryLimit: 2, retryDelay: 30, expireInSeconds: 15 * 60 });

  const queue = async (integrationId: string, source: string) =>
    boss.send(STREAM, { integrationId, source }, { singletonKey: `${integrationId}|${source}` });

  const kick = async (integrationId?: string) => {
    await engine.ensureStreams(integrationId);
    const due = await engine.due(integrationId);
    for (const stream of due) await queue(stream.integrationId, stream.source);
    return due.length;
  };

  await boss.work(SWEEP, async () => {
    const removed = await engine.applyRetention();
    if (removed > 0) log.info({ removed }, "alerts and incidents past retention deleted");
    const changed = await engine.assessHealth();
    if (changed > 0) log.info({ changed }, "sync health changed");
    const queued = await kick();
    if (queued > 0) log.debug({ queued }, "sync streams queued");
  });
  await boss.work(STREAM, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (jobs) => {
    for (const job of jobs) {
      const data = streamJobSchema.safeParse(job.data);
      if (!data.success) continue;
      const outcome = await engine.runStream(data.data.integrationId, data.data.source, {
        maxPages: PAGES_PER_JOB,
      });
      if (outcome.kind === "ran" && !outcome.done && !outcome.failed) {
        // More pages: queue the stream again once this job is finished (its singleton key is free then).
        setImmediate(() => {
          queue(data.data.integrationId, data.data.source).catch((error: unknown) =>
            log.error({ err: error }, "could not queue the rest of a sync"),
          );
        });
      }
    }
  });
  await boss.schedule(SWEEP, "* * * * *");
  return { kick };
}
