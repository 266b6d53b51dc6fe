import { z } from "zod";
import { type SentinelOneConfig, sentinelOneConfigSchema } from "../../../shared/partners/sentinelone";
import { cleanUpstream, cleanUpstreamText } from "../../lib/upstream-text";
import {
  type AlertRecord,
  type ApiLimits,
  type DeviceRecord,
  type Severity,
  type StoredConfig,
  type SyncContext,
  SyncFailure,
  type SyncPage,
  type SyncSource,
} from "../adapter";
import { callSentinelOne, scopeQuery } from "./api";
import { parseS1Date } from "./verify";

/**
 * SentinelOne's sync sources (reference edr-partners.md B4–B5): threats into `alerts` (incremental) and agents into
 * `devices` (an inventory). Both page with SentinelOne's opaque `pagination.nextCursor` (limit ≤ 1,000).
 *
 * Threats: a pass reads one window `updatedAt__gte=from & updatedAt__lt=to`, sorted `sortBy=updatedAt&sortOrder=asc`,
 * cursor by cursor to the end. `to` is fixed when the pass starts (a minute before now, against clock skew), so the
 * pass never chases the clock: a threat updated while the pass runs leaves the window and is read by the next one,
 * whose window starts at this `to` (inclusive: `__gte`) minus 5 minutes for late arrivals. So records sharing the
 * boundary time are read twice rather than lost, and read-twice records are one row (upsert by id, the newest
 * `updatedAt` wins). A cursor SentinelOne no longer accepts restarts the same window.
 */

const OVERLAP_MS = 5 * 60_000;
const LAG_MS = 60_000;
const FIRST_SYNC_DAYS = 90;
/** SentinelOne's `limit` is 1–1,000 (reference B5). */
const MAX_LIMIT = 1_000;

export interface SentinelOneSyncOptions {
  /** PATCHBAY_SYNC_PAGE_SIZE, capped at 1,000 here. */
  pageSize: number;
  syncCallTimeoutMs: number;
}

/** The budget's API ids: SentinelOne limits per token and per path (src/server/sync/budget.ts). */
export const S1_THREATS_API = "sentinelone-threats";
export const S1_AGENTS_API = "sentinelone-agents";

const threatsCursorSchema = z.object({
  /** Where the last complete pass ended (exclusive); the next starts OVERLAP before it. */
  watermark: z.iso.datetime().nullable(),
  /** The pass under way, fixed when it started, and SentinelOne's cursor into it. */
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), next: z.string().nullable() }).nullable(),
});
type ThreatsCursor = z.infer<typeof threatsCursorSchema>;

const agentsCursorSchema = z.object({ pass: z.string(), next: z.string().nullable() });

const listSchema = z.object({
  data: z.array(z.unknown()),
  pagination: z
    .object({ nextCursor: z.string().nullish(), totalItems: z.number().int().nonnegative().nullish() })
    .nullish(),
});

const text = z
  .string()
  .nullish()
  .transform((v) => (v == null ? null : cleanUpstreamText(v, 500) || null));

/** SentinelOne ids are 18–19 digit numbers, sent as strings; a number would lose digits, so only strings count. */
const idSchema = z.string().regex(/^[\w-]{1,64}$/);

type Normalised<R> = R | { malformed: string; id: string };

function rawId(raw: unknown): string {
  return typeof raw === "object" && raw !== null ? String(Reflect.get(raw, "id") ?? "?") : "?";
}

// --- threats → alerts ------------------------------------------------------------------------------------------------

const threatSchema = z.object({
  id: idSchema,
  threatInfo: z
    .object({
      threatName: text,
      classification: text,
      confidenceLevel: text,
      analystVerdict: text,
      incidentStatus: text,
      mitigationStatus: text,
      createdAt: z.unknown().optional(),
      updatedAt: z.unknown().optional(),
      identifiedAt: z.unknown().optional(),
      sha1: text,
      sha256: text,
      filePath: text,
      processUser: text,
      storyline: text,
      initiatedBy: text,
    })
    .nullish(),
  agentRealtimeInfo: z.object({ agentComputerName: text, agentOsType: text, agentId: text }).nullish(),
  agentDetectionInfo: z.object({ agentIpV4: text, agentDomain: text }).nullish(),
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
});

/** Classifications that are a nuisance rather than an attack: a suspicious one of these is low, not medium. */
const NUISANCE = /^(pua|adware|potentially ?unwanted.*|generic\.heuristic)$/i;

/**
 * SentinelOne gives threats no severity; Patchbay derives one so they sort and chart with every partner's alerts:
 * an analyst's false-positive verdict → informational; confidence `malicious` → high; `suspicious` → medium
 * (low for a nuisance classification: PUA, adware); anything else (`n/a`, null) → unknown.
 */
export function threatSeverity(
  confidence: string | null,
  classification: string | null,
  verdict: string | null,
): Severity {
  if (verdict?.toLowerCase() === "false_positive") return "informational";
  switch (confidence?.toLowerCase()) {
    case "malicious":
      return "high";
    case "suspicious":
      return classification && NUISANCE.test(classification) ? "low" : "medium";
    default:
      return "unknown";
  }
}

/**
 * The shared statuses (New, InProgress, Resolved) from the analyst's incident status; without one, a mitigated or
 * benign threat counts as resolved and anything else as new.
 */
export function threatStatus(incidentStatus: string | null, mitigationStatus: string | null): string {
  switch (incidentStatus?.toLowerCase()) {
    case "unresolved":
      return "New";
    case "in_progress":
      return "InProgress";
    case "resolved":
      return "Resolved";
  }
  const mitigation = mitigationStatus?.toLowerCase();
  if (mitigation === "mitigated" || mitigation === "marked_as_benign") return "Resolved";
  return incidentStatus || mitigation ? "New" : "Unknown";
}

export function normaliseThreat(raw: unknown, consoleUrl: string): Normalised<AlertRecord> {
  const parsed = threatSchema.safeParse(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id: rawId(raw) };
  const t = parsed.data;
  const info = t.threatInfo;
  const createdAt =
    parseS1Date(info?.createdAt) ?? parseS1Date(t.createdAt) ?? parseS1Date(info?.identifiedAt);
  if (!createdAt) return { malformed: "threatInfo.createdAt is missing or not a date", id: t.id };
  const updatedAt = parseS1Date(info?.updatedAt) ?? parseS1Date(t.updatedAt) ?? createdAt;
  const facts = [
    info?.classification ? `Classification: ${info.classification}` : null,
    info?.confidenceLevel ? `confidence: ${info.confidenceLevel}` : null,
    info?.mitigationStatus ? `mitigation: ${info.mitigationStatus}` : null,
    info?.analystVerdict ? `analyst verdict: ${info.analystVerdict}` : null,
    info?.initiatedBy ? `initiated by: ${info.initiatedBy}` : null,
  ].filter((f): f is string => f !== null);
  const evidence: AlertRecord["evidence"] = [];
  const file = info?.filePath ?? info?.sha1 ?? info?.sha256 ?? null;
  if (file) {
    const hash = info?.sha256 ?? info?.sha1 ?? null;
    evidence.push({ kind: "File", name: file, detail: hash === file ? null : hash });
  }
  if (info?.processUser) evidence.push({ kind: "User", name: info.processUser, detail: null });
  return {
    externalId: t.id,
    title: info?.threatName ?? "(unnamed threat)",
    severity: threatSeverity(
      info?.confidenceLevel ?? null,
      info?.classification ?? null,
      info?.analystVerdict ?? null,
    ),
    status: threatStatus(info?.incidentStatus ?? null, info?.mitigationStatus ?? null),
    createdAt,
    updatedAt,
    deviceName: t.agentRealtimeInfo?.agentComputerName ?? null,
    category: info?.classification ?? null,
    description: facts.length > 0 ? `${facts.join("; ")}.` : null,
    evidence,
    portalUrl: `${consoleUrl}/incidents/threats/${encodeURIComponent(t.id)}/overview`,
    raw: cleanUpstream(raw),
  };
}

// --- agents → devices ------------------------------------------------------------------------------------------------

const agentSchema = z.object({
  id: idSchema,
  computerName: text,
  osName: text,
  osType: text,
  networkStatus: text,
  isActive: z.boolean().nullish(),
  isDecommissioned: z.boolean().nullish(),
  infected: z.boolean().nullish(),
  activeThreats: z.number().nullish(),
  lastActiveDate: z.unknown().optional(),
  isUpToDate: z.boolean().nullish(),
});

const OS_TYPES: Record<string, string> = { windows: "Windows", macos: "macOS", linux: "Linux" };

/**
 * Health in the shared vocabulary: an infected agent (or one with active threats) → "Infected"; decommissioned,
 * inactive or disconnected → "Inactive"; still connecting → "ImpairedCommunication"; connected and active →
 * "Active"; anything else → "Unknown".
 */
export function agentHealth(a: {
  networkStatus: string | null;
  isActive?: boolean | null | undefined;
  isDecommissioned?: boolean | null | undefined;
  infected?: boolean | null | undefined;
  activeThreats?: number | null | undefined;
}): string {
  if (a.infected === true || (a.activeThreats ?? 0) > 0) return "Infected";
  const network = a.networkStatus?.toLowerCase() ?? null;
  if (a.isDecommissioned === true || a.isActive === false) return "Inactive";
  if (network === "disconnected" || network === "disconnecting") return "Inactive";
  if (network === "connecting") return "ImpairedCommunication";
  if (network === "connected") return "Active";
  return a.isActive === true ? "Active" : "Unknown";
}

export function normaliseAgent(raw: unknown, consoleUrl: string): Normalised<DeviceRecord> {
  const parsed = agentSchema.safeParse(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id: rawId(raw) };
  const a = parsed.data;
  return {
    externalId: a.id,
    name: a.computerName ?? a.id,
    healthStatus: agentHealth(a),
    osPlatform: a.osName ?? (a.osType ? (OS_TYPES[a.osType.toLowerCase()] ?? a.osType) : "Unknown"),
    onboardingStatus: a.isDecommissioned === true ? "Decommissioned" : "Onboarded",
    riskScore: null,
    exposureLevel: null,
    lastSeenAt: parseS1Date(a.lastActiveDate),
    portalUrl: `${consoleUrl}/endpoints/sentinels/${encodeURIComponent(a.id)}/overview`,
    raw: cleanUpstream(raw),
  };
}

/** The same record twice in one page is stored once, at its newest version. */
function newest<R extends { externalId: string }>(
  results: Array<Normalised<R>>,
  stamp: (r: R) => number,
): { records: R[]; malformed: Array<{ id: string; reason: string }> } {
  const byId = new Map<string, R>();
  const malformed: Array<{ id: string; reason: string }> = [];
  for (const result of results) {
    if ("malformed" in result) {
      malformed.push({ id: cleanUpstreamText(result.id, 200), reason: result.malformed });
      continue;
    }
    const known = byId.get(result.externalId);
    if (!known || stamp(result) >= stamp(known)) byId.set(result.externalId, result);
  }
  return { records: [...byId.values()], malformed };
}

// --- one page ---------------------------------------------------------------------------------------------------------

const own = (config: StoredConfig): SentinelOneConfig => sentinelOneConfigSchema.parse(config);

interface Listed {
  items: unknown[];
  next: string | null;
  total: number | null;
}

/** Thrown when SentinelOne refuses a stored cursor (expired, or from another query): the window restarts. */
class StaleCursor extends Error {}

/** One GET of a list within the budget; every other answer is a SyncFailure saying what it means and what to do. */
async function getList(
  ctx: SyncContext,
  config: SentinelOneConfig,
  api: string,
  what: "threats" | "agents",
  path: string,
  options: SentinelOneSyncOptions,
  usesCursor: boolean,
): Promise<Listed> {
  await ctx.budget.take(api);
  const outcome = await callSentinelOne({
    consoleUrl: config.consoleUrl,
    token: ctx.secret,
    method: "GET",
    path,
    deadline: ctx.signal,
    callTimeoutMs: options.syncCallTimeoutMs,
    maxBodyBytes: 256 * 1024 * 1024,
  });
  const host = new URL(config.consoleUrl).host;
  if (!outcome.ok && outcome.kind === "transport") {
    throw new SyncFailure(
      "endpoint_unreachable",
      `Could not reach ${host}: ${outcome.error.message}`,
      "Patchbay retries on its own; if it persists, check the Console URL and this server's outbound network.",
    );
  }
  if (!outcome.ok) {
    switch (outcome.reason) {
      case "rate_limited": {
        const wait = outcome.retryAfterSeconds ?? 5;
        await ctx.budget.throttled(api, wait);
        throw new SyncFailure(
          "rate_limited",
          `SentinelOne throttled the sync of ${what} (429); it resumes in ${wait} s.`,
          "Nothing to do: Patchbay waits as SentinelOne asks. If it recurs, another tool may share this API token's limits.",
          wait,
        );
      }
      case "unauthorized":
        throw new SyncFailure(
          "unauthorized",
          "SentinelOne refused the API token (401): it was revoked or has expired.",
          "Create a new API token for the service user (Settings → Users → Service Users) and Replace it in Patchbay.",
        );
      case "forbidden":
        throw new SyncFailure(
          "permission_missing",
          `SentinelOne refused the sync of ${what} (403): the token's role or scope may not read them.`,
          "Give the service user the Viewer role on the Account or Site (Settings → Users → Service Users), then Sync now.",
        );
      case "server_error":
        throw new SyncFailure(
          "upstream_error",
          `SentinelOne answered ${outcome.detail.httpStatus ?? "an error"} to the sync of ${what}.`,
          "Patchbay retries on its own; if it persists, quote the details to SentinelOne support.",
        );
      case "refused":
        if (usesCursor && outcome.detail.httpStatus === 400) throw new StaleCursor();
        throw new SyncFailure(
          "wrong_endpoint",
          `SentinelOne refused the sync's request for ${what} (${outcome.detail.httpStatus ?? "4xx"}).`,
          "Re-check the connection; if Account ID or Site ID is set, check it still exists.",
        );
      case "not_sentinelone":
        throw new SyncFailure(
          "wrong_endpoint",
          `${host} answered ${outcome.detail.httpStatus ?? "something"} that is not the SentinelOne API.`,
          "Check the Console URL is your management console's address (https://<prefix>.sentinelone.net).",
        );
    }
  }
  const list = listSchema.safeParse(outcome.json);
  if (!list.success) {
    throw new SyncFailure(
      "wrong_endpoint",
      `${host} answered something that is not a SentinelOne list.`,
      "Check the Console URL is your management console's address.",
    );
  }
  const next = list.data.pagination?.nextCursor ?? null;
  return {
    items: list.data.data,
    next: next === "" ? null : next,
    total: list.data.pagination?.totalItems ?? null,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * SentinelOne limits per API token and per path, per second (reference edr-partners.md B5, from its SDK's table):
 * threats 10/s, agents 25/s. Patchbay stays well below both (a page is up to 1,000 records), keeping a tenth for
 * verification; SentinelOne publishes no hourly limit, so the hour only caps a runaway loop.
 */
const THREATS_LIMITS: ApiLimits = { perMinute: 300, perHour: 15_000, reservePerMinute: 30 };
const AGENTS_LIMITS: ApiLimits = { perMinute: 600, perHour: 30_000, reservePerMinute: 60 };

function threatsSource(options: SentinelOneSyncOptions): SyncSource {
  const limit = Math.max(1, Math.min(options.pageSize, MAX_LIMIT));
  return {
    id: "alerts",
    label: "Threats",
    kind: "incremental",
    feature: "alerts",
    table: "alerts",
    api: S1_THREATS_API,
    limits: THREATS_LIMITS,
    intervalMinutes: 5,
    notices: {
      firstSync:
        "Nothing to do: a first sync reads up to 90 days of threats, 1,000 a page within SentinelOne's rate limits; allow a few minutes for a large console.",
    },
    async pull(ctx): Promise<SyncPage> {
      const config = own(ctx.config);
      const parsed = threatsCursorSchema.safeParse(ctx.cursor);
      const cursor: ThreatsCursor = parsed.success ? parsed.data : { watermark: null, window: null };
      const now = ctx.now.getTime();
      const window = cursor.window ?? {
        from: iso(
          cursor.watermark === null
            ? now - FIRST_SYNC_DAYS * 86_400_000
            : Date.parse(cursor.watermark) - OVERLAP_MS,
        ),
        to: iso(now - LAG_MS),
        next: null,
      };
      const base =
        `threats?updatedAt__gte=${encodeURIComponent(window.from)}&updatedAt__lt=${encodeURIComponent(window.to)}` +
        `&sortBy=updatedAt&sortOrder=asc&limit=${limit}&skipCount=true${scopeQuery(config)}`;
      let listed: Listed;
      try {
        listed = await getList(
          ctx,
          config,
          S1_THREATS_API,
          "threats",
          window.next === null ? base : `${base}&cursor=${encodeURIComponent(window.next)}`,
          options,
          window.next !== null,
        );
      } catch (error) {
        if (!(error instanceof StaleCursor)) throw error;
        // Read the window again from its start: upserts make the records read twice one row each.
        return {
          batch: { table: "alerts", records: [] },
          malformed: [],
          cursor: { ...cursor, window: { ...window, next: null } },
          done: false,
        };
      }
      const { records, malformed } = newest(
        listed.items.map((raw) => normaliseThreat(raw, config.consoleUrl)),
        (r) => r.updatedAt.getTime(),
      );
      const done = listed.next === null;
      const next: ThreatsCursor = done
        ? { watermark: window.to, window: null }
        : { watermark: cursor.watermark, window: { ...window, next: listed.next } };
      return { batch: { table: "alerts", records }, malformed, cursor: next, done };
    },
  };
}

function agentsSource(options: SentinelOneSyncOptions): SyncSource {
  const limit = Math.max(1, Math.min(options.pageSize, MAX_LIMIT));
  return {
    id: "devices",
    label: "Agents",
    kind: "inventory",
    feature: "devices",
    table: "devices",
    api: S1_AGENTS_API,
    limits: AGENTS_LIMITS,
    intervalMinutes: 6 * 60,
    notices: {
      empty: {
        message: "Agents: SentinelOne lists no agents in this connection's scope.",
        remediation:
          "Install the SentinelOne agent on endpoints of this Account or Site (Sentinels → Packages), or check Account ID / Site ID and the service user's scope; agents appear after the next agents sync (every 6 hours, or Sync now).",
      },
      firstSync:
        "Nothing to do: a first sync reads every agent, 1,000 a page within SentinelOne's rate limits; allow a few minutes for a large console.",
    },
    async pull(ctx): Promise<SyncPage> {
      const config = own(ctx.config);
      const parsed = agentsCursorSchema.safeParse(ctx.cursor);
      const cursor = parsed.success ? parsed.data : { pass: ctx.now.toISOString(), next: null };
      // The first page asks for the total (progress); the rest skip counting, which SentinelOne says is faster.
      const base = `agents?limit=${limit}${cursor.next === null ? "" : "&skipCount=true"}${scopeQuery(config)}`;
      let listed: Listed;
      try {
        listed = await getList(
          ctx,
          config,
          S1_AGENTS_API,
          "agents",
          cursor.next === null ? base : `${base}&cursor=${encodeURIComponent(cursor.next)}`,
          options,
          cursor.next !== null,
        );
      } catch (error) {
        if (!(error instanceof StaleCursor)) throw error;
        // A new pass: what the old one listed stays until this one completes and marks what it did not list.
        return {
          batch: { table: "devices", records: [] },
          malformed: [],
          pass: cursor.pass,
          cursor: { pass: ctx.now.toISOString(), next: null },
          done: false,
        };
      }
      const { records, malformed } = newest(
        listed.items.map((raw) => normaliseAgent(raw, config.consoleUrl)),
        (r) => r.lastSeenAt?.getTime() ?? 0,
      );
      const done = listed.next === null;
      return {
        batch: { table: "devices", records },
        malformed,
        pass: cursor.pass,
        // A complete pass leaves no cursor: the next one is a new pass.
        cursor: done ? null : { pass: cursor.pass, next: listed.next },
        done,
        ...(listed.total !== null ? { total: listed.total } : {}),
      };
    },
  };
}

export function sentinelOneSources(options: SentinelOneSyncOptions): SyncSource[] {
  return [threatsSource(options), agentsSource(options)];
}
