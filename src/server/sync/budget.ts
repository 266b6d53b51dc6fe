import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type CallBudget, SyncFailure } from "../partners/adapter";

/**
 * Rate budgets in the database, so every instance spends from the same one (DESIGN §12), per key (tenant + app +
 * API), and a block until a 429's Retry-After has passed. One statement under the row's lock decides each call, so
 * two instances never both take the last slot. Sync keeps a reserve for verification: it may use
 * `perMinute - reservePerMinute`; verification and re-checks (which do not go through here) have the rest.
 *
 * Microsoft counts over a sliding window, and fixed windows let twice the limit through across a boundary. So each
 * limit L over a period P is spent in short fixed slots of S: at most floor(L·S / (P + S)) calls per slot. Any
 * sliding period then overlaps at most P/S + 1 slots, which never add up to more than L: 6-second slots for the
 * minute (8 calls of 90), 6-minute slots for the hour (136 of 1,500).
 */

export interface ApiLimits {
  perMinute: number;
  perHour: number;
  /** Calls per minute left to verification and re-checks. */
  reservePerMinute: number;
}

/** Microsoft's published limits for the APIs sync calls (reference microsoft-defender.md §4.3, graph §1.8). */
export const apiLimits: Readonly<Record<string, ApiLimits>> = {
  defender: { perMinute: 100, perHour: 1_500, reservePerMinute: 10 },
  "threat-protection": { perMinute: 50, perHour: 1_500, reservePerMinute: 5 },
  graph: { perMinute: 600, perHour: 20_000, reservePerMinute: 20 },
  /**
   * SentinelOne limits per API token and per path, per second (reference edr-partners.md B5, from its SDK's table):
   * threats 10/s, agents 25/s. Patchbay stays well below both (a page is up to 1,000 records), keeping a tenth for
   * verification; SentinelOne publishes no hourly limit, so the hour only caps a runaway loop.
   */
  "sentinelone-threats": { perMinute: 300, perHour: 15_000, reservePerMinute: 30 },
  "sentinelone-agents": { perMinute: 600, perHour: 30_000, reservePerMinute: 60 },
};

const fallbackLimits: ApiLimits = { perMinute: 60, perHour: 1_000, reservePerMinute: 6 };

export interface BudgetOptions {
  /** Give up waiting for budget after this long (the stream is retried when the budget allows). */
  maxWaitMs: number;
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

const MINUTE_SLOT_S = 6;
const HOUR_SLOT_S = 360;
const perSlot = (limit: number, periodS: number, slotS: number) =>
  Math.max(1, Math.floor((limit * slotS) / (periodS + slotS)));

/** Count one call if it fits; otherwise the milliseconds until it would. */
async function tryTake(db: Database, key: string, minuteLimit: number, hourLimit: number): Promise<number> {
  const perMinute = perSlot(minuteLimit, 60, MINUTE_SLOT_S);
  const perHour = perSlot(hourLimit, 3_600, HOUR_SLOT_S);
  const minuteSlot = sql`to_timestamp(floor(extract(epoch from now()) / ${MINUTE_SLOT_S}) * ${MINUTE_SLOT_S})`;
  const hourSlot = sql`to_timestamp(floor(extract(epoch from now()) / ${HOUR_SLOT_S}) * ${HOUR_SLOT_S})`;
  await db.execute(sql`
    insert into rate_budgets (key, minute_start, minute_count, hour_start, hour_count)
    values (${key}, ${minuteSlot}, 0, ${hourSlot}, 0)
    on conflict (key) do nothing`);
  const result = await db.execute(sql`
    with current as (
      select key,
        case when minute_start < ${minuteSlot} then 0 else minute_count end as m,
        case when hour_start < ${hourSlot} then 0 else hour_count end as h,
        blocked_until
      from rate_budgets where key = ${key} for update
    ), decided as (
      update rate_budgets r set
        minute_start = ${minuteSlot},
        hour_start = ${hourSlot},
        minute_count = c.m + 1,
        hour_count = c.h + 1
      from current c
      where r.key = c.key and c.m < ${perMinute} and c.h < ${perHour}
        and (c.blocked_until is null or c.blocked_until <= now())
      returning 0::float8 as wait_ms
    )
    select coalesce((select wait_ms from decided), (
      select greatest(
        case when blocked_until > now() then extract(epoch from blocked_until - now()) * 1000 else 0 end,
        case when m >= ${perMinute}
          then extract(epoch from ${minuteSlot} + make_interval(secs => ${MINUTE_SLOT_S}) - now()) * 1000 else 0 end,
        case when h >= ${perHour}
          then extract(epoch from ${hourSlot} + make_interval(secs => ${HOUR_SLOT_S}) - now()) * 1000 else 0 end,
        1)::float8
      from current)) as wait_ms`);
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
      const limits = apiLimits[api] ?? fallbackLimits;
      const key = `${keyPrefix}|${api}`;
      const started = Date.now();
      for (;;) {
        const wait = await tryTake(db, key, limits.perMinute - limits.reservePerMinute, limits.perHour);
        if (wait === 0) return;
        if (Date.now() - started + wait > options.maxWaitMs) {
          throw new SyncFailure(
            "budget_exhausted",
            `Patchbay has spent this app's calls to Microsoft's ${api} API for now; the sync continues when its limits allow.`,
            "Nothing to do: the sync resumes by itself within Microsoft's limits.",
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
        insert into rate_budgets (key, minute_start, minute_count, hour_start, hour_count, blocked_until, throttled)
        values (${key}, now(), 0, now(), 0, now() + make_interval(secs => ${retryAfterSeconds}), 1)
        on conflict (key) do update set
          blocked_until = greatest(coalesce(rate_budgets.blocked_until, now()), excluded.blocked_until),
          throttled = rate_budgets.throttled + 1`);
    },
  };
}
