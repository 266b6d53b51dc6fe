import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import type { ExecuteSql } from "../db/client";

/**
 * The process's one job queue (DESIGN §12): pg-boss on the same database, through the app's own connection. Re-checks
 * and sync register their queues on it; starting it once means one maintainer and one set of pollers per instance.
 */
export async function startQueue(executeSql: ExecuteSql, log: FastifyBaseLogger): Promise<PgBoss> {
  const boss = new PgBoss({ db: { executeSql }, schema: "pgboss" });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  await boss.start();
  return boss;
}

/** Stop taking jobs and let the running ones finish (up to 10 s), leaving the database connection to its owner. */
export function stopQueue(boss: PgBoss): Promise<void> {
  return boss.stop({ graceful: true, timeout: 10_000, wait: true, close: false });
}
