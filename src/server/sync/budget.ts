import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ApiLimits, type CallBudget, SyncFailure } from "../partners/adapter";

/**
 * Rate budgets in the database, so every instance spends from the same one (DESIGN §12), per key (tenant + app +
 * API), and a block until a 429's Retry-After has passed. One statement under the row's lock decides each call, so
 * two instances never both take the last slot. Sync keeps a reserve for verification: it may use
 * `perMinute - reservePerMinute`; verification and re-checks (which do not go through here) have the rest.
 *
 * Microsoft counts over a sliding window, and fixed windows let twice the limit through across a boundary. So the
 * minute is a sliding window too: the row keeps when each call of the last minute was made (at most the limit, a
 * few dozen timestamps), and a call goes out only while fewer than the limit were made in the last 61 seconds (the
 * extra second covers the time a call takes to reach the partner, whose clock counts it). A burst as large as the
 * limit goes out at once, which is what lets a first sync run at the speed of the database rather than of a pacing
 * rule. An hour's worth of timestamps would be 1,500, so the hour is spent in 6-minute slots of at most
 * floor(L·S / (P + S)) calls (136 of 1,500): any sliding hour overlaps at most 11 slots, which never add up to more
 * than L.
 */

/** An API's limits are declared by the partner's sync sources (SyncSource.limits); this is for one that declares none. */
const fallbackLimits: ApiLimits = { perMinute: 60, perHour: 1_000, reservePerMinute: 6 };

export interface BudgetOptions {
  /** Give up waiting for budget after this long (the stream is retried when the budget allows). */
  maxWaitMs: number;
  /** The limits of an API, as the partner's sources declare them. */
  limitsOf(api: string): ApiLimits | undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** drizzle's execute answers `{ rows }` on node-postgres and PGlite alike. */
function firstRow(result: unknown): unknown {
  const rows = typeof result === "object" && result !== null ? Reflect.get(result, "rows") : undefined;
  return Array.isArray(rows) ? rows[0] : undefined;
}

function numberField(row: unknown, field: string): number {
  const value = typeof row === "object" && row !== null ? Reflect.get(row, field) : undefined;
  const parsed = typeof value === "number" ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** The sliding minute, plus the time a call may take to reach the partner. */
export const MINUTE_WINDOW_S = 61;
const HOUR_SLOT_S = 360;
const perSlot = (limit: number, periodS: number, slotS: number) =>
  Math.max(1, Math.floor((limit * slotS) / (periodS + slotS)));

/**
 * What is left of a key's budget now, from its stored row: the calls the sync may still make now (the smaller of
 * what the sliding minute and the hour's slot allow), and the seconds a 429's Retry-After still blocks it.
 */
export function budgetLeft(
  limits: ApiLimits,
  row: { minuteCalls: Date[]; hourStart: Date; hourCount: number; blockedUntil: Date | null },
  now = Date.now(),
): { calls: number; blockedSeconds: number } {
  const hourSlot = Math.floor(now / 1000 / HOUR_SLOT_S) * HOUR_SLOT_S * 1000;
  const usedMinute = row.minuteCalls.filter((at) => at.getTime() > now - MINUTE_WINDOW_S * 1000).length;
  const usedHour = row.hourStart.getTime() < hourSlot ? 0 : row.hourCount;
  const calls = Math.min(
    limits.perMinute - limits.reservePerMinute - usedMinute,
    perSlot(limits.perHour, 3_600, HOUR_SLOT_S) - usedHour,
  );
  const blockedSeconds = row.blockedUntil ? Math.max(0, (row.blockedUntil.getTime() - now) / 1000) : 0;
  return { calls: Math.max(0, calls), blockedSeconds };
}

/**
 * Count one call if it fits; otherwise the milliseconds until it would. A call that fits costs one statement: an
 * upsert whose update only happens while the row (locked by the upsert, and re-read once locked) has room. One
 * statement matters beyond speed: the sync takes the budget for its next page while the current page is being
 * written, and on the embedded database a second statement would queue behind that whole write.
 */
async function tryTake(db: Database, key: string, minuteLimit: number, hourLimit: number): Promise<number> {
  const perHour = perSlot(hourLimit, 3_600, HOUR_SLOT_S);
  const windowStart = sql`now() - make_interval(secs => ${MINUTE_WINDOW_S})`;
  const hourSlot = sql`to_timestamp(floor(extract(epoch from now()) / ${HOUR_SLOT_S}) * ${HOUR_SLOT_S})`;
  const recent = sql`array(select t from unnest(rate_budgets.minute_calls) t where t > ${windowStart} order by t)`;
  const usedHour = sql`case when rate_budgets.hour_start < ${hourSlot} then 0 else rate_budgets.hour_count end`;
  const taken = await db.execute(sql`
    insert into rate_budgets (key, minute_calls, hour_start, hour_count)
    values (${key}, array[now()], ${hourSlot}, 1)
    on conflict (key) do update set
      minute_calls = ${recent} || now(),
      hour_start = ${hourSlot},
      hour_count = ${usedHour} + 1
    where cardinality(${recent}) < ${minuteLimit} and ${usedHour} < ${perHour}
      and (rate_budgets.blocked_until is null or rate_budgets.blocked_until <= now())
    returning 1 as taken`);
  if (firstRow(taken) !== undefined) return 0;
  // Refused: how long until it would fit. `recent` is the last minute's calls, oldest first; when it holds the
  // limit, the oldest one leaving the window is when the next call may go.
  const result = await db.execute(sql`
    select greatest(
      case when blocked_until > now() then extract(epoch from blocked_until - now()) * 1000 else 0 end,
      case when cardinality(recent) >= ${minuteLimit}
        then extract(epoch from recent[cardinality(recent) - ${minuteLimit} + 1]
          + make_interval(secs => ${MINUTE_WINDOW_S}) - now()) * 1000 else 0 end,
      case when h >= ${perHour}
        then extract(epoch from ${hourSlot} + make_interval(secs => ${HOUR_SLOT_S}) - now()) * 1000 else 0 end,
      1)::float8 as wait_ms
    from (select ${recent} as recent, ${usedHour} as h, blocked_until from rate_budgets where key = ${key}) as c`);
  return Math.ceil(numberField(firstRow(result), "wait_ms"));
}

/** The budget of one app registration in one tenant: `keyPrefix` is e.g. "defender|<tenant>|<app>". */
export function createCallBudget(
  db: Database,
  keyPrefix: string,
  signal: AbortSignal,
  options: BudgetOptions,
): CallBudget & { waitedMs(): number } {
  let waited = 0;
  return {
    /** How long this budget has made its caller wait (Microsoft's limits, not Patchbay, setting the pace). */
    waitedMs: () => waited,
    async take(api) {
      const limits = options.limitsOf(api) ?? fallbackLimits;
      const key = `${keyPrefix}|${api}`;
      const started = Date.now();
      for (;;) {
        const wait = await tryTake(db, key, limits.perMinute - limits.reservePerMinute, limits.perHour);
        if (wait === 0) return;
        if (Date.now() - started + wait > options.maxWaitMs) {
          throw new SyncFailure(
            "budget_exhausted",
            `Patchbay has spent this connection's calls to the ${api} API for now; the sync continues when its limits allow.`,
            "Nothing to do: the sync resumes by itself within the partner's limits.",
            Math.ceil(wait / 1000),
          );
        }
        await sleep(wait, signal);
        waited += wait;
      }
    },
    async throttled(api, retryAfterSeconds) {
      const key = `${keyPrefix}|${api}`;
      await db.execute(sql`
        insert into rate_budgets (key, hour_start, hour_count, blocked_until, throttled)
        values (${key}, now(), 0, now() + make_interval(secs => ${retryAfterSeconds}), 1)
        on conflict (key) do update set
          blocked_until = greatest(coalesce(rate_budgets.blocked_until, now()), excluded.blocked_until),
          throttled = rate_budgets.throttled + 1`);
    },
  };
}
