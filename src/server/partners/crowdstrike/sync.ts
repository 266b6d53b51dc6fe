import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import {
  type FalconCloudId,
  type FalconConfig,
  falconClouds,
  falconConfigSchema,
} from "../../../shared/partners/crowdstrike";
import { cleanUpstream, cleanUpstreamText } from "../../lib/upstream-text";
import {
  type AlertRecord,
  type ApiLimits,
  type DeviceRecord,
  type Severity,
  type SyncContext,
  SyncFailure,
  type SyncPage,
  type SyncSource,
} from "../adapter";
import {
  type Credentials,
  callFalcon,
  type FalconOrigins,
  type FalconOutcome,
  mintToken,
  revokeToken,
} from "./api";
import { falconFailure } from "./failures";

/**
 * Falcon's sync sources (reference A4–A5): alerts, incrementally, through `POST /alerts/combined/alerts/v1` sorted by
 * `updated_timestamp` ascending and paged with its `after` token; hosts as an inventory through
 * `GET /devices/combined/devices/v1`, paged with its `next` token. Both read full records in one call a page.
 *
 * Alerts: a pass filters `updated_timestamp >= from`, where `from` is the last pass's newest update less an overlap,
 * so records sharing the boundary time (and late arrivals) are read again, never lost; a re-read record is the
 * same row. The cursor keeps the newest update committed in the pass, so a pass whose `after` token expired (Falcon
 * keeps it about two minutes) restarts from there rather than from the beginning.
 */

export interface FalconSyncOptions {
  origins: FalconOrigins;
  /** Records a page: Falcon allows 1,000 alerts and 10,000 hosts; tests use less. */
  pageSize: number;
  syncCallTimeoutMs: number;
}

const API = "falcon";
/** Per CID, shared by all its API clients (edr-partners.md A5); Falcon sets no hourly limit. */
const LIMITS: ApiLimits = { perMinute: 6_000, perHour: 360_000, reservePerMinute: 600 };
const OVERLAP_MS = 5 * 60_000;
const FIRST_SYNC_DAYS = 90;
const MAX_ALERTS_PAGE = 1_000;
const MAX_HOSTS_PAGE = 5_000;
/** Falcon's headers count a CID's calls left this minute; below this many, pause a second as gofalcon does. */
const LOW_REMAINING = 10;

const own = (ctx: SyncContext): FalconConfig => falconConfigSchema.parse(ctx.config);

function cloudOf(config: FalconConfig): FalconCloudId {
  return config.cloud ?? (config.falconCloud === "auto" ? "us-1" : config.falconCloud);
}

/** Which secret a token was minted with, without keeping the secret. */
const fingerprint = (secret: string) => createHash("sha256").update(secret).digest("hex").slice(0, 16);

/** Tokens of this process, per connection and secret, renewed 3 minutes before Falcon's 30 run out. */
export class FalconTokens {
  private readonly tokens = new Map<string, { accessToken: string; expiresAt: number; origin: string }>();
  constructor(private readonly options: FalconSyncOptions) {}

  private key(integrationId: string, secret: string) {
    return `${integrationId}|${fingerprint(secret)}`;
  }

  async get(ctx: SyncContext, config: FalconConfig, cloud: FalconCloudId): Promise<string> {
    const key = this.key(ctx.integrationId, ctx.secret);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - Date.now() > 3 * 60_000) return cached.accessToken;
    await ctx.budget.take(API);
    const outcome = await mintToken(
      this.options.origins,
      this.options.origins[cloud],
      credentialsOf(config, ctx.secret),
      ctx.signal,
      this.options.syncCallTimeoutMs,
    );
    if (!outcome.ok) {
      const error = falconFailure(outcome, failureContext(config, cloud, this.options), null);
      throw new SyncFailure(
        outcome.kind === "transport" ? "endpoint_unreachable" : "token_failed",
        `Falcon refused the sync a token: ${error.message}`,
        error.remediation,
      );
    }
    this.tokens.set(key, outcome.token);
    return outcome.token.accessToken;
  }

  forget(integrationId: string): void {
    for (const key of this.tokens.keys()) if (key.startsWith(`${integrationId}|`)) this.tokens.delete(key);
  }

  /** Revoke and drop every token this process holds for a connection (Disconnect). */
  async release(config: FalconConfig, secret: string): Promise<void> {
    const held = [...this.tokens].filter(([key]) => key.endsWith(`|${fingerprint(secret)}`));
    await Promise.all(
      held.map(async ([key, token]) => {
        this.tokens.delete(key);
        await revokeToken(
          token.origin,
          credentialsOf(config, secret),
          token.accessToken,
          AbortSignal.timeout(this.options.syncCallTimeoutMs),
          this.options.syncCallTimeoutMs,
        ).catch(() => false);
      }),
    );
  }
}

function credentialsOf(config: FalconConfig, secret: string): Credentials {
  return { clientId: config.clientId, clientSecret: secret, memberCid: config.memberCid };
}

function failureContext(config: FalconConfig, cloud: FalconCloudId, options: FalconSyncOptions) {
  return {
    clientId: config.clientId,
    choice: config.falconCloud,
    cloud,
    timeoutSeconds: Math.round(options.syncCallTimeoutMs / 1000),
  };
}

/** One call within the budget, with the sync's token; a SyncFailure for anything but a Falcon answer with data. */
async function call(
  ctx: SyncContext,
  tokens: FalconTokens,
  options: FalconSyncOptions,
  request: { method: "GET" | "POST"; path: string; json?: unknown; scope: string },
): Promise<Extract<FalconOutcome, { ok: true }>> {
  const config = own(ctx);
  const cloud = cloudOf(config);
  for (let attempt = 0; ; attempt += 1) {
    const token = await tokens.get(ctx, config, cloud);
    await ctx.budget.take(API);
    const outcome = await callFalcon({
      origin: options.origins[cloud],
      method: request.method,
      path: request.path,
      authorization: `Bearer ${token}`,
      ...(request.json === undefined ? {} : { json: request.json }),
      signal: ctx.signal,
      timeoutMs: options.syncCallTimeoutMs,
      maxBodyBytes: 64 * 1024 * 1024,
    });
    const remaining = Number(
      (outcome.ok ? outcome.headers : outcome.kind === "http" ? outcome.headers : {})[
        "x-ratelimit-remaining"
      ],
    );
    if (Number.isFinite(remaining) && remaining <= LOW_REMAINING) await ctx.budget.throttled(API, 1);
    if (outcome.ok) return outcome;
    if (outcome.kind === "http" && outcome.reason === "invalid_bearer" && attempt === 0) {
      // A token revoked or expired early: mint another once.
      tokens.forget(ctx.integrationId);
      continue;
    }
    if (outcome.kind === "http" && outcome.reason === "search_expired") {
      throw new SearchExpired();
    }
    const error = falconFailure(outcome, failureContext(config, cloud, options), request.scope);
    if (outcome.kind === "http" && outcome.reason === "rate_limited") {
      const wait = outcome.retryAfterSeconds ?? 60;
      await ctx.budget.throttled(API, wait);
      throw new SyncFailure(
        "rate_limited",
        `Falcon throttled the sync (429); it resumes in ${wait} s.`,
        "Nothing to do: Patchbay waits as Falcon asks. All API clients of a CID share 6,000 calls a minute.",
        wait,
      );
    }
    const code =
      outcome.kind === "transport"
        ? "endpoint_unreachable"
        : outcome.reason === "access_denied"
          ? "permission_missing"
          : outcome.reason === "invalid_bearer"
            ? "unauthorized"
            : outcome.reason === "not_falcon"
              ? "wrong_endpoint"
              : "upstream_error";
    throw new SyncFailure(code, error.message, error.remediation);
  }
}

class SearchExpired extends Error {}

// --- alerts ---------------------------------------------------------------------------------------------------

const timestamp = z.iso.datetime({ offset: true });
const text = z.string().nullish();

/** The fields Patchbay reads from a Falcon alert (reference A4); anything else is kept in `raw` only. */
const falconAlertSchema = z.object({
  composite_id: z.string().min(1),
  display_name: text,
  name: text,
  description: text,
  severity_name: text,
  severity: z.number().nullish(),
  status: text,
  tactic: text,
  technique: text,
  filename: text,
  filepath: text,
  cmdline: text,
  sha256: text,
  user_name: text,
  created_timestamp: timestamp,
  updated_timestamp: timestamp,
  falcon_host_link: text,
  device: z.object({ hostname: text, device_id: text }).nullish(),
});

const severityNames: Record<string, Severity> = {
  informational: "informational",
  low: "low",
  medium: "medium",
  high: "high",
  critical: "critical",
};

/** severity_name when Falcon sends it; else the 0–100 score on Falcon's bands (20/40/60/80). */
export function falconSeverity(name: string | null | undefined, score: number | null | undefined): Severity {
  const named = name ? severityNames[name.trim().toLowerCase()] : undefined;
  if (named) return named;
  if (typeof score !== "number") return "unknown";
  if (score >= 80) return "critical";
  if (score >= 60) return "high";
  if (score >= 40) return "medium";
  if (score >= 20) return "low";
  return "informational";
}

/** Falcon's own link, only when it points at this cloud's console over https. */
function consoleLink(link: string | null | undefined, cloud: FalconCloudId): string | null {
  if (!link) return null;
  try {
    const url = new URL(link);
    return url.protocol === "https:" && url.host === falconClouds[cloud].consoleHost ? url.toString() : null;
  } catch {
    return null;
  }
}

const statusLabels: Record<string, string> = {
  new: "New",
  in_progress: "In progress",
  closed: "Closed",
  reopened: "Reopened",
};

function alertRecord(raw: unknown, cloud: FalconCloudId): AlertRecord | { error: string; id: string } {
  const parsed = falconAlertSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === "object" && raw !== null ? Reflect.get(raw, "composite_id") : undefined;
    return {
      id: typeof id === "string" ? cleanUpstreamText(id, 200) : "(no composite_id)",
      error: parsed.error.issues[0]?.message ?? "malformed",
    };
  }
  const a = parsed.data;
  const evidence: AlertRecord["evidence"] = [];
  if (a.filename || a.filepath) {
    evidence.push({
      kind: "File",
      name: cleanUpstreamText(a.filename ?? a.filepath ?? "", 500),
      detail: a.sha256 ?? a.filepath ?? null,
    });
  }
  if (a.cmdline) evidence.push({ kind: "Process", name: cleanUpstreamText(a.cmdline, 1000), detail: null });
  if (a.user_name) evidence.push({ kind: "User", name: cleanUpstreamText(a.user_name, 300), detail: null });
  return {
    externalId: a.composite_id,
    title: cleanUpstreamText(a.display_name ?? a.name ?? "Falcon alert", 500),
    severity: falconSeverity(a.severity_name, a.severity),
    status: statusLabels[a.status ?? ""] ?? cleanUpstreamText(a.status ?? "Unknown", 100),
    createdAt: new Date(a.created_timestamp),
    updatedAt: new Date(a.updated_timestamp),
    deviceName: a.device?.hostname ? cleanUpstreamText(a.device.hostname, 300) : null,
    category: a.tactic ? cleanUpstreamText(a.tactic, 200) : null,
    description: a.description ? cleanUpstreamText(a.description, 4000) : null,
    evidence,
    portalUrl: consoleLink(a.falcon_host_link, cloud),
    raw: cleanUpstream(raw),
  };
}

const alertsCursorSchema = z.object({
  /** The newest update of the last complete pass: the next pass starts an overlap before it. */
  watermark: z.iso.datetime().nullable(),
  /** Where the pass under way started, and the newest update it has committed (a restart point). */
  from: z.iso.datetime().nullable(),
  newest: z.iso.datetime().nullable(),
  after: z.string().nullable(),
});
type AlertsCursor = z.infer<typeof alertsCursorSchema>;

function alertsSource(options: FalconSyncOptions, tokens: FalconTokens): SyncSource {
  const limit = Math.min(options.pageSize, MAX_ALERTS_PAGE);
  return {
    id: "alerts",
    label: "Alerts",
    kind: "incremental",
    feature: "alerts",
    table: "alerts",
    api: API,
    limits: LIMITS,
    intervalMinutes: 5,
    async pull(ctx): Promise<SyncPage> {
      const parsed = alertsCursorSchema.safeParse(ctx.cursor);
      const cursor: AlertsCursor = parsed.success
        ? parsed.data
        : { watermark: null, from: null, newest: null, after: null };
      const from =
        cursor.from ??
        new Date(
          cursor.watermark === null
            ? ctx.now.getTime() - FIRST_SYNC_DAYS * 86_400_000
            : Date.parse(cursor.watermark) - OVERLAP_MS,
        ).toISOString();
      const body = (after: string | null, since: string) => ({
        filter: `updated_timestamp:>='${since}'`,
        sort: "updated_timestamp|asc",
        limit,
        ...(after === null ? {} : { after }),
      });
      let answer: Extract<FalconOutcome, { ok: true }>;
      let since = from;
      try {
        answer = await call(ctx, tokens, options, {
          method: "POST",
          path: "/alerts/combined/alerts/v1",
          json: body(cursor.after, since),
          scope: "Alerts: Read",
        });
      } catch (error) {
        if (!(error instanceof SearchExpired)) throw error;
        // The `after` token outlived Falcon's search context: continue from the newest update committed.
        since = cursor.newest ?? from;
        answer = await call(ctx, tokens, options, {
          method: "POST",
          path: "/alerts/combined/alerts/v1",
          json: body(null, since),
          scope: "Alerts: Read",
        });
      }
      const items = Array.isArray(answer.envelope.resources) ? answer.envelope.resources : [];
      const cloud = cloudOf(own(ctx));
      const records: AlertRecord[] = [];
      const malformed: SyncPage["malformed"] = [];
      for (const item of items) {
        const record = alertRecord(item, cloud);
        if ("error" in record) malformed.push({ id: record.id, reason: record.error });
        else records.push(record);
      }
      let newest = cursor.newest;
      for (const r of records) {
        const at = r.updatedAt.toISOString();
        if (newest === null || at > newest) newest = at;
      }
      const after = answer.envelope.meta?.pagination?.after ?? null;
      const done = after === null || after === "" || items.length < limit;
      const next: AlertsCursor = done
        ? { watermark: newest ?? cursor.watermark, from: null, newest: null, after: null }
        : { watermark: cursor.watermark, from: since, newest, after };
      return {
        batch: { table: "alerts", records },
        malformed,
        cursor: next,
        done,
        total: answer.envelope.meta?.pagination?.total ?? null,
      };
    },
  };
}

// --- hosts ----------------------------------------------------------------------------------------------------

const falconHostSchema = z.object({
  device_id: z.string().min(1),
  hostname: text,
  platform_name: text,
  os_version: text,
  status: text,
  last_seen: timestamp.nullish(),
  provision_status: text,
  reduced_functionality_mode: text,
});

const INACTIVE_AFTER_MS = 7 * 86_400_000;

/** Health in the Devices page's words: contained, reduced functionality, inactive (unseen 7 days), or active. */
export function falconHealth(host: z.infer<typeof falconHostSchema>, now: Date): string {
  if (host.status === "contained" || host.status === "containment_pending") return "Contained";
  if (host.reduced_functionality_mode === "yes") return "Reduced functionality";
  if (!host.last_seen) return "Unknown";
  return now.getTime() - Date.parse(host.last_seen) > INACTIVE_AFTER_MS ? "Inactive" : "Active";
}

function hostRecord(
  raw: unknown,
  cloud: FalconCloudId,
  now: Date,
): DeviceRecord | { error: string; id: string } {
  const parsed = falconHostSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === "object" && raw !== null ? Reflect.get(raw, "device_id") : undefined;
    return {
      id: typeof id === "string" ? cleanUpstreamText(id, 200) : "(no device_id)",
      error: parsed.error.issues[0]?.message ?? "malformed",
    };
  }
  const h = parsed.data;
  return {
    externalId: h.device_id,
    name: cleanUpstreamText(h.hostname ?? h.device_id, 300),
    healthStatus: falconHealth(h, now),
    osPlatform: cleanUpstreamText(h.platform_name ?? "Unknown", 100),
    onboardingStatus: h.provision_status ? cleanUpstreamText(h.provision_status, 100) : null,
    riskScore: null,
    exposureLevel: null,
    lastSeenAt: h.last_seen ? new Date(h.last_seen) : null,
    portalUrl: `https://${falconClouds[cloud].consoleHost}/hosts/hosts/host/${encodeURIComponent(h.device_id)}`,
    raw: cleanUpstream(raw),
  };
}

const hostsCursorSchema = z.object({ pass: z.string(), next: z.string().nullable() });

function hostsSource(options: FalconSyncOptions, tokens: FalconTokens): SyncSource {
  const limit = Math.min(options.pageSize, MAX_HOSTS_PAGE);
  return {
    id: "devices",
    label: "Hosts",
    kind: "inventory",
    feature: "devices",
    table: "devices",
    api: API,
    limits: LIMITS,
    intervalMinutes: 360,
    async pull(ctx): Promise<SyncPage> {
      const parsed = hostsCursorSchema.safeParse(ctx.cursor);
      const cursor = parsed.success ? parsed.data : { pass: randomUUID(), next: null };
      const query = new URLSearchParams({ limit: String(limit), sort: "device_id.asc" });
      if (cursor.next !== null) query.set("offset", cursor.next);
      const answer = await call(ctx, tokens, options, {
        method: "GET",
        path: `/devices/combined/devices/v1?${query}`,
        scope: "Hosts: Read",
      });
      const items = Array.isArray(answer.envelope.resources) ? answer.envelope.resources : [];
      const cloud = cloudOf(own(ctx));
      const records: DeviceRecord[] = [];
      const malformed: SyncPage["malformed"] = [];
      for (const item of items) {
        const record = hostRecord(item, cloud, ctx.now);
        if ("error" in record) malformed.push({ id: record.id, reason: record.error });
        else records.push(record);
      }
      const next = answer.envelope.meta?.pagination?.next ?? null;
      // A next token that does not move would page forever: a short page or a repeated token ends the pass.
      const done = next === null || next === "" || next === cursor.next || items.length < limit;
      return {
        batch: { table: "devices", records },
        malformed,
        cursor: done ? null : { pass: cursor.pass, next },
        done,
        pass: cursor.pass,
        total: answer.envelope.meta?.pagination?.total ?? null,
      };
    },
  };
}

export function falconSources(options: FalconSyncOptions, tokens: FalconTokens): SyncSource[] {
  return [alertsSource(options, tokens), hostsSource(options, tokens)];
}
