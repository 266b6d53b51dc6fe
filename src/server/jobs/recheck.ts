import type { FastifyBaseLogger } from "fastify";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { AppError } from "../lib/app-error";
import { systemActor } from "../modules/audit/audit";
import type { IntegrationService } from "../modules/integrations/service";

/**
 * Scheduled re-checks on pg-boss: a sweep every minute (one instance runs it, whatever the number of servers)
 * queues a re-check for each connection not checked for `intervalMinutes`; any instance's worker runs it. A
 * disconnected connection is never due, so Disconnect stops its checks without bookkeeping.
 */

const SWEEP = "integrations-recheck-sweep";
const RECHECK = "integrations-recheck";
const recheckJobSchema = z.object({ integrationId: z.uuid() });

export const schedulerActor = systemActor("scheduler");

export interface RecheckJobs {
  /** Queue a re-check for every connection that is due; resolves to how many were queued. */
  sweep(): Promise<number>;
}

export async function startRecheckJobs(options: {
  boss: PgBoss;
  service: IntegrationService;
  intervalMinutes: number;
  log: FastifyBaseLogger;
  pollingIntervalSeconds?: number;
  /** Housekeeping run with every sweep (pruning expired sessions and old sign-in failures). */
  maintenance?: () => Promise<void>;
}): Promise<RecheckJobs> {
  const { service, log, boss } = options;
  await boss.createQueue(SWEEP);
  await boss.createQueue(RECHECK, { name: RECHECK, retryLimit: 0, expireInSeconds: 120 });

  const sweep = async () => {
    const due = await service.dueForRecheck(new Date(Date.now() - options.intervalMinutes * 60_000));
    for (const id of due) {
      await boss.send(RECHECK, { integrationId: id }, { singletonKey: id, singletonSeconds: 60 });
    }
    return due.length;
  };

  await boss.work(SWEEP, async () => {
    await options.maintenance?.();
    const queued = await sweep();
    if (queued > 0) log.info({ queued }, "scheduled re-checks queued");
  });
  await boss.work(RECHECK, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (jobs) => {
    for (const job of jobs) {
      const data = recheckJobSchema.safeParse(job.data);
      if (!data.success) continue;
      try {
        await service.check(data.data.integrationId, schedulerActor);
      } catch (error) {
        // Disconnected or removed since it was queued: nothing to check.
        if (error instanceof AppError && (error.statusCode === 404 || error.statusCode === 409)) continue;
        throw error;
      }
    }
  });
  await boss.schedule(SWEEP, "* * * * *");

  return { sweep };
}
