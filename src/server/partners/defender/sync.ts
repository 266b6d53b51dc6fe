import { z } from "zod";
import { cloudOfHost, type DefenderConfig, defenderConfigSchema } from "../../../shared/partners/defender";
import { outboundRequest, TransportError } from "../../lib/outbound-http";
import { cleanUpstream, cleanUpstreamText } from "../../lib/upstream-text";
import {
  type AlertRecord,
  type DeviceRecord,
  type StoredConfig,
  type SyncContext,
  SyncFailure,
  type SyncPage,
  type SyncSource,
} from "../adapter";
import { parseRetryAfter } from "../microsoft/api-call";
import { microsoftResources } from "../microsoft/resources";
import { acquireDefenderToken, decodeTokenClaims } from "./token";
import type { VerifyOptions } from "./verify";

/**
 * Defender for Endpoint's sync sources: alerts (incremental, by lastUpdateTime) and machines (inventory). Facts:
 * shared/reference/microsoft-defender.md §4 and microsoft-graph.md §3 (paging, limits, how peers lost records).
 *
 * Alerts: the API documents neither an order nor a stable `$skip` over a changing set, so each call asks for one
 * time window `[from, to)` of lastUpdateTime that fits in a single page. A full page means the window was too wide:
 * its records are stored (upserts are idempotent) and the window narrows; a short page means the window is complete
 * and the next one starts exactly where it ended, so records sharing a boundary timestamp are never lost. Each pass
 * starts `OVERLAP` before the watermark (late-arriving records) and ends `LAG` before now (clock skew); records read
 * twice are one row, kept at their newest lastUpdateTime.
 */

const OVERLAP_MS = 5 * 60_000;
const LAG_MS = 60_000;
const MIN_SPAN_MS = 1_000;
const MAX_SPAN_MS = 7 * 24 * 3_600_000;
/** How far back the first sync of alerts reaches (the default retention). */
const FIRST_SYNC_DAYS = 90;

export interface DefenderSyncOptions extends VerifyOptions {
  /** `$top` of a page: 10,000 is the API's maximum (reference §4.2); tests use less. */
  pageSize: number;
  /** Each call's own timeout. */
  syncCallTimeoutMs: number;
}

const alertsCursorSchema = z.object({
  watermark: z.iso.datetime().nullable(),
  window: z
    .object({
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      /** Records of the window already read: only for a window as narrow as it goes that still overflows a page. */
      skip: z.number().int().nonnegative().default(0),
    })
    .nullable(),
  /** Where the pass under way ends: fixed when it starts, so a pass never chases the clock. */
  passEnd: z.iso.datetime().nullable().default(null),
  spanMs: z.number().int().positive(),
});
type AlertsCursor = z.infer<typeof alertsCursorSchema>;

const devicesCursorSchema = z.object({ pass: z.string(), skip: z.number().int().nonnegative() });

/** Microsoft writes 7 fractional digits; JavaScript dates hold 3. */
function parseMicrosoftDate(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const trimmed = value.replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(trimmed) ? trimmed : `${trimmed}Z`);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

const text = z
  .string()
  .nullish()
  .transform((v) => (v == null ? null : cleanUpstreamText(v, 500) || null));

const alertSchema = z.object({
  id: z.string().min(1),
  title: text,
  severity: text,
  status: text,
  alertCreationTime: z.unknown(),
  lastUpdateTime: z.unknown(),
  computerDnsName: text,
});

const severities: readonly AlertRecord["severity"][] = ["informational", "low", "medium", "high"];
const isSeverity = (value: string): value is AlertRecord["severity"] =>
  severities.some((severity) => severity === value);

/** The partner's id of a record that may not parse, for the log line that counts it. */
function rawId(raw: unknown): string {
  return typeof raw === "object" && raw !== null ? String(Reflect.get(raw, "id") ?? "?") : "?";
}

export function normaliseAlert(raw: unknown): AlertRecord | { malformed: string; id: string } {
  const parsed = alertSchema.safeParse(raw);
  const id = rawId(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id };
  const a = parsed.data;
  const createdAt = parseMicrosoftDate(a.alertCreationTime);
  if (!createdAt) return { malformed: "alertCreationTime is missing or not a date", id: a.id };
  const severity = a.severity?.toLowerCase() ?? "unknown";
  return {
    externalId: a.id,
    title: a.title ?? "(untitled alert)",
    severity: isSeverity(severity) ? severity : "unknown",
    status: a.status ?? "Unknown",
    createdAt,
    updatedAt: parseMicrosoftDate(a.lastUpdateTime) ?? createdAt,
    deviceName: a.computerDnsName,
    raw: cleanUpstream(raw),
  };
}

const machineSchema = z.object({
  id: z.string().min(1),
  computerDnsName: text,
  healthStatus: text,
  osPlatform: text,
  onboardingStatus: text,
  riskScore: text,
  exposureLevel: text,
  lastSeen: z.unknown(),
});

export function normaliseDevice(raw: unknown): DeviceRecord | { malformed: string; id: string } {
  const parsed = machineSchema.safeParse(raw);
  const id = rawId(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id };
  const m = parsed.data;
  return {
    externalId: m.id,
    name: m.computerDnsName ?? m.id,
    healthStatus: m.healthStatus ?? "Unknown",
    osPlatform: m.osPlatform ?? "Unknown",
    onboardingStatus: m.onboardingStatus,
    riskScore: m.riskScore,
    exposureLevel: m.exposureLevel,
    lastSeenAt: parseMicrosoftDate(m.lastSeen),
    raw: cleanUpstream(raw),
  };
}

const listSchema = z.object({ value: z.array(z.unknown()) });

/** Tokens for sync, per connection, reused until a minute before they expire (verification gets fresh ones). */
class TokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  async get(ctx: SyncContext, config: DefenderConfig, options: DefenderSyncOptions): Promise<string> {
    const key = `${ctx.integrationId}|${config.tenantId}|${config.appId}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.token;
    const cloud = cloudOfHost(new URL(config.baseUrl).host, options.extraHosts);
    if (!cloud) {
      throw new SyncFailure(
        "wrong_endpoint",
        "The Base URL is not a Defender API host any more.",
        "Edit the connection's Base URL.",
      );
    }
    const scope = microsoftResources(cloud.id, { scope: cloud.scope, baseUrl: config.baseUrl }, {}).defender
      .scope;
    const outcome = await acquireDefenderToken({
      authorityOrigin: options.entraAuthority ?? `https://${cloud.authorityHost}`,
      tenantId: config.tenantId,
      appId: config.appId,
      appSecret: ctx.secret,
      scope,
      deadline: ctx.signal,
      callTimeoutMs: options.syncCallTimeoutMs,
    });
    if (!outcome.ok) {
      const why =
        outcome.kind === "entra" && outcome.aadsts !== null
          ? `Microsoft Entra ID refused a token for the sync (AADSTS${outcome.aadsts}).`
          : outcome.kind === "transport"
            ? `Could not reach Microsoft Entra ID for the sync's token: ${outcome.error.message}`
            : "Microsoft Entra ID answered the sync's token request with something that is not a token.";
      throw new SyncFailure(
        outcome.kind === "transport" ? "endpoint_unreachable" : "token_failed",
        why,
        "Re-check the connection: its checklist names the cause and the fix (an expired secret, a revoked consent, a network block).",
      );
    }
    const exp = decodeTokenClaims(outcome.accessToken)?.exp;
    this.tokens.set(key, {
      token: outcome.accessToken,
      expiresAt: typeof exp === "number" ? exp * 1000 : Date.now() + 30 * 60_000,
    });
    return outcome.accessToken;
  }

  forget(ctx: SyncContext): void {
    for (const key of this.tokens.keys())
      if (key.startsWith(`${ctx.integrationId}|`)) this.tokens.delete(key);
  }
}

/** One GET against the Defender API within the budget; the list's items, or null for Defender's empty-list 404. */
async function getList(
  ctx: SyncContext,
  config: DefenderConfig,
  path: string,
  options: DefenderSyncOptions,
  tokens: TokenCache,
): Promise<unknown[] | null> {
  await ctx.budget.take("defender");
  const token = await tokens.get(ctx, config, options);
  let response: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    response = await outboundRequest(`${config.baseUrl}${path}`, {
      method: "GET",
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(options.syncCallTimeoutMs)]),
      maxBodyBytes: 256 * 1024 * 1024,
    });
  } catch (error) {
    if (error instanceof TransportError) {
      throw new SyncFailure(
        "endpoint_unreachable",
        `Could not reach ${new URL(config.baseUrl).host}: ${error.message}`,
        "Patchbay retries on its own; if it persists, check the Base URL and this server's outbound network.",
      );
    }
    throw error;
  }
  if (response.status === 429) {
    const wait = parseRetryAfter(response.headers["retry-after"]) ?? 60;
    await ctx.budget.throttled("defender", wait);
    throw new SyncFailure(
      "rate_limited",
      `Microsoft throttled the sync (429); it resumes in ${wait} s.`,
      "Nothing to do: Patchbay waits as Microsoft asks. If it recurs, another app may share this tenant's limits.",
      wait,
    );
  }
  if (response.status === 401) {
    tokens.forget(ctx);
    throw new SyncFailure(
      "unauthorized",
      "The Defender API refused the sync's token (401).",
      "Re-check the connection; if the secret was rotated, replace it.",
    );
  }
  if (response.status === 403) {
    throw new SyncFailure(
      "permission_missing",
      "The Defender API refused the sync (403): a permission is missing or consent was withdrawn.",
      "Re-check the connection to see which permission, grant it and admin consent, then Sync now.",
    );
  }
  // "404 for an empty device list" (issue 8): Defender answers a tenant with no onboarded machines so.
  if (response.status === 404) return null;
  if (response.status < 200 || response.status >= 300) {
    throw new SyncFailure(
      "upstream_error",
      `The Defender API answered ${response.status}.`,
      "Patchbay retries on its own; Microsoft's service health may show an incident.",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    json = null;
  }
  const list = listSchema.safeParse(json);
  if (!list.success) {
    throw new SyncFailure(
      "upstream_error",
      "The Defender API answered something that is not a list.",
      "Check the Base URL is the Defender API host for this tenant's region.",
    );
  }
  return list.data.value;
}

const iso = (ms: number) => new Date(ms).toISOString();

function alertsSource(options: DefenderSyncOptions, tokens: TokenCache): SyncSource {
  return {
    id: "alerts",
    label: "Alerts",
    kind: "incremental",
    feature: "alerts",
    intervalMinutes: 5,
    async pull(ctx): Promise<SyncPage> {
      const config = own(ctx.config);
      const parsed = alertsCursorSchema.safeParse(ctx.cursor);
      const cursor: AlertsCursor = parsed.success
        ? parsed.data
        : { watermark: null, window: null, passEnd: null, spanMs: 24 * 3_600_000 };
      const now = ctx.now.getTime();
      const horizon = cursor.passEnd === null ? now - LAG_MS : Date.parse(cursor.passEnd);
      const window = cursor.window ?? {
        from: iso(
          cursor.watermark === null
            ? now - FIRST_SYNC_DAYS * 86_400_000
            : Date.parse(cursor.watermark) - OVERLAP_MS,
        ),
        to: "",
      };
      const from = Date.parse(window.from);
      const to = cursor.window ? Date.parse(cursor.window.to) : Math.min(from + cursor.spanMs, horizon);
      if (to <= from) {
        return {
          batch: { table: "alerts", records: [] },
          malformed: [],
          cursor: { ...cursor, window: null, passEnd: null },
          done: true,
        };
      }
      const filter = `lastUpdateTime ge ${iso(from)} and lastUpdateTime lt ${iso(to)}`;
      const skip = cursor.window?.skip ?? 0;
      const items =
        (await getList(
          ctx,
          config,
          `/api/alerts?$filter=${encodeURIComponent(filter)}&$top=${options.pageSize}${skip > 0 ? `&$skip=${skip}` : ""}&$expand=evidence`,
          options,
          tokens,
        )) ?? [];
      const { records, malformed } = newest(items.map(normaliseAlert));
      const full = items.length >= options.pageSize;
      if (full && to - from <= MIN_SPAN_MS) {
        // More records share one second than a page holds (a bulk update): page through that second with $skip.
        return {
          batch: { table: "alerts", records },
          malformed,
          cursor: {
            ...cursor,
            window: { from: iso(from), to: iso(to), skip: skip + items.length },
            passEnd: iso(horizon),
          },
          done: false,
        };
      }
      if (full) {
        // Too wide for one page: store what came, retry a quarter of the window.
        const spanMs = Math.max(MIN_SPAN_MS, Math.floor((to - from) / 4));
        return {
          batch: { table: "alerts", records },
          malformed,
          cursor: {
            ...cursor,
            window: { from: iso(from), to: iso(from + spanMs), skip: 0 },
            passEnd: iso(horizon),
            spanMs,
          },
          done: false,
        };
      }
      // The window is complete: the next starts where it ended. Widen while pages come back sparse.
      const spanMs =
        items.length < options.pageSize / 4
          ? Math.min(MAX_SPAN_MS, cursor.spanMs * 2)
          : Math.max(MIN_SPAN_MS, cursor.spanMs);
      const done = to >= horizon;
      const next: AlertsCursor = done
        ? { watermark: iso(to), window: null, passEnd: null, spanMs }
        : {
            watermark: cursor.watermark,
            window: { from: iso(to), to: iso(Math.min(to + spanMs, horizon)), skip: 0 },
            passEnd: iso(horizon),
            spanMs,
          };
      return { batch: { table: "alerts", records }, malformed, cursor: next, done };
    },
  };
}

function devicesSource(options: DefenderSyncOptions, tokens: TokenCache): SyncSource {
  return {
    id: "devices",
    label: "Devices",
    kind: "inventory",
    feature: "devices",
    intervalMinutes: 6 * 60,
    async pull(ctx): Promise<SyncPage> {
      const config = own(ctx.config);
      const parsed = devicesCursorSchema.safeParse(ctx.cursor);
      const cursor = parsed.success ? parsed.data : { pass: ctx.now.toISOString(), skip: 0 };
      const items =
        (await getList(
          ctx,
          config,
          `/api/machines?$top=${options.pageSize}&$skip=${cursor.skip}`,
          options,
          tokens,
        )) ?? [];
      const { records, malformed } = newest(items.map(normaliseDevice));
      const done = items.length < options.pageSize;
      return {
        batch: { table: "devices", records },
        malformed,
        pass: cursor.pass,
        // A complete pass leaves no cursor: the next one is a new pass.
        cursor: done ? null : { pass: cursor.pass, skip: cursor.skip + items.length },
        done,
      };
    },
  };
}

/** The same record twice in one page (it happens) is stored once, at its newest version. */
function newest<
  R extends { externalId: string; raw: unknown } & ({ updatedAt: Date } | { lastSeenAt: Date | null }),
>(
  results: Array<R | { malformed: string; id: string }>,
): { records: R[]; malformed: Array<{ id: string; reason: string }> } {
  const byId = new Map<string, R>();
  const malformed: Array<{ id: string; reason: string }> = [];
  const stamp = (r: R) => ("updatedAt" in r ? r.updatedAt.getTime() : (r.lastSeenAt?.getTime() ?? 0));
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

const own = (config: StoredConfig): DefenderConfig => defenderConfigSchema.parse(config);

export function defenderSources(options: DefenderSyncOptions): SyncSource[] {
  const tokens = new TokenCache();
  return [alertsSource(options, tokens), devicesSource(options, tokens)];
}
