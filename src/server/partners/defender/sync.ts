import { z } from "zod";
import { vulnerabilitySeverities } from "../../../shared/data-contract";
import { cloudOfHost, type DefenderConfig, defenderConfigSchema } from "../../../shared/partners/defender";
import type { MicrosoftApiId } from "../../../shared/partners/defender/features";
import { cleanUpstream, cleanUpstreamText } from "../../lib/upstream-text";
import {
  type AlertRecord,
  type ApiLimits,
  type DeviceRecord,
  type IncidentRecord,
  type Severity,
  type SoftwareRecord,
  type StoredConfig,
  type SyncContext,
  SyncFailure,
  type SyncPage,
  type SyncSource,
  type SyncTable,
  type VulnerabilityRecord,
} from "../adapter";
import { callMicrosoftApi } from "../microsoft/api-call";
import { microsoftResources } from "../microsoft/resources";
import { acquireDefenderToken, decodeTokenClaims } from "./token";
import type { VerifyOptions } from "./verify";

/**
 * Defender's sync sources: alerts and incidents (incremental, by lastUpdateTime), machines, vulnerabilities and
 * software (inventories). Facts: shared/reference/microsoft-defender.md §4 and microsoft-graph.md §2–3 (paging,
 * limits, how peers lost records). Incidents come from the Defender XDR API (Microsoft Threat Protection token,
 * `$top` ≤ 100, 50 calls a minute); the rest from the Defender for Endpoint API (100 a minute, 1,500 an hour).
 *
 * Incremental sources: the API documents neither an order nor a stable `$skip` over a changing set, so each call asks for one
 * time window `[from, to)` of lastUpdateTime that fits in a single page. A full page means the window was too wide:
 * its records are stored (upserts are idempotent) and the window narrows; a short page means the window is complete
 * and the next one starts exactly where it ended, so records sharing a boundary timestamp are never lost. Each pass
 * starts `OVERLAP` before the watermark (late-arriving records) and ends `LAG` before now (clock skew); records read
 * twice are one row, kept at their newest lastUpdateTime.
 */

const OVERLAP_MS = 5 * 60_000;
const LAG_MS = 60_000;
const MIN_SPAN_MS = 1_000;
const MAX_SPAN_MS = 30 * 24 * 3_600_000;
/** How far back the first sync of alerts reaches (the default retention). */
const FIRST_SYNC_DAYS = 90;

export interface DefenderSyncOptions extends VerifyOptions {
  /** `$top` of a page: 10,000 is the API's maximum (reference §4.2); tests use less. */
  pageSize: number;
  /** Each call's own timeout. */
  syncCallTimeoutMs: number;
}

const incrementalCursorSchema = z.object({
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
type IncrementalCursor = z.infer<typeof incrementalCursorSchema>;

const inventoryCursorSchema = z.object({ pass: z.string(), skip: z.number().int().nonnegative() });

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

const count = z
  .number()
  .nullish()
  .transform((v) => (v == null || !Number.isFinite(v) ? 0 : Math.max(0, Math.round(v))));

const severities: readonly Severity[] = ["informational", "low", "medium", "high"];
/** Microsoft's severities in any case; "UnSpecified", null and the unknown become `unknown`. */
function severityOf(value: string | null): Severity {
  const lower = value?.toLowerCase() ?? "unknown";
  return severities.find((s) => s === lower) ?? "unknown";
}

/** The partner's id of a record that may not parse, for the log line that counts it. */
function rawId(raw: unknown, field = "id"): string {
  return typeof raw === "object" && raw !== null ? String(Reflect.get(raw, field) ?? "?") : "?";
}

type Normalised<R> = R | { malformed: string; id: string };

/** Links into the Microsoft Defender portal of the connection's cloud. */
export interface Portal {
  origin: string;
}

function portalOf(config: DefenderConfig, options: DefenderSyncOptions): Portal {
  const cloud = cloudOfHost(new URL(config.baseUrl).host, options.extraHosts);
  return {
    origin: cloud?.id === "gcc-high" ? "https://security.microsoft.us" : "https://security.microsoft.com",
  };
}

const link = (portal: Portal, path: string, id: string) =>
  `${portal.origin}/${path}/${encodeURIComponent(id)}`;

const evidenceSchema = z.object({
  entityType: text,
  fileName: text,
  filePath: text,
  sha1: text,
  sha256: text,
  processCommandLine: text,
  url: text,
  ipAddress: text,
  accountName: text,
  domainName: text,
  userPrincipalName: text,
  registryKey: text,
  detectionStatus: text,
});

/** Evidence comes as an array, a single object or null (issue 8): each readable piece, named by what identifies it. */
export function normaliseEvidence(value: unknown): AlertRecord["evidence"] {
  const items = Array.isArray(value) ? value : value == null ? [] : [value];
  return items.flatMap((item) => {
    const e = evidenceSchema.safeParse(item);
    if (!e.success) return [];
    const d = e.data;
    const account = d.accountName
      ? d.domainName
        ? `${d.domainName}\\${d.accountName}`
        : d.accountName
      : null;
    const name =
      d.fileName ?? d.url ?? d.ipAddress ?? d.userPrincipalName ?? account ?? d.registryKey ?? d.sha1 ?? null;
    if (name === null) return [];
    const detail = d.processCommandLine ?? d.filePath ?? d.sha256 ?? d.detectionStatus ?? null;
    return [{ kind: d.entityType ?? "Unknown", name, detail: detail === name ? null : detail }];
  });
}

const alertSchema = z.object({
  id: z.string().min(1),
  title: text,
  description: text,
  severity: text,
  status: text,
  category: text,
  alertCreationTime: z.unknown(),
  lastUpdateTime: z.unknown(),
  computerDnsName: text,
  evidence: z.unknown(),
});

export function normaliseAlert(raw: unknown, portal: Portal): Normalised<AlertRecord> {
  const parsed = alertSchema.safeParse(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id: rawId(raw) };
  const a = parsed.data;
  const createdAt = parseMicrosoftDate(a.alertCreationTime);
  if (!createdAt) return { malformed: "alertCreationTime is missing or not a date", id: a.id };
  return {
    externalId: a.id,
    title: a.title ?? "(untitled alert)",
    severity: severityOf(a.severity),
    status: a.status ?? "Unknown",
    createdAt,
    updatedAt: parseMicrosoftDate(a.lastUpdateTime) ?? createdAt,
    deviceName: a.computerDnsName,
    category: a.category,
    description: a.description,
    evidence: normaliseEvidence(a.evidence),
    portalUrl: link(portal, "alerts", a.id),
    raw: cleanUpstream(raw),
  };
}

const incidentSchema = z.object({
  incidentId: z.union([z.number().int(), z.string().min(1)]),
  incidentName: text,
  severity: text,
  status: text,
  assignedTo: text,
  createdTime: z.unknown(),
  lastUpdateTime: z.unknown(),
  alerts: z.array(z.unknown()).nullish(),
});

export function normaliseIncident(raw: unknown, portal: Portal): Normalised<IncidentRecord> {
  const parsed = incidentSchema.safeParse(raw);
  if (!parsed.success)
    return { malformed: "no incidentId, or fields of the wrong type", id: rawId(raw, "incidentId") };
  const i = parsed.data;
  const id = String(i.incidentId);
  const createdAt = parseMicrosoftDate(i.createdTime);
  if (!createdAt) return { malformed: "createdTime is missing or not a date", id };
  return {
    externalId: id,
    title: i.incidentName ?? "(untitled incident)",
    severity: severityOf(i.severity),
    status: i.status ?? "Unknown",
    createdAt,
    updatedAt: parseMicrosoftDate(i.lastUpdateTime) ?? createdAt,
    assignedTo: i.assignedTo,
    alertCount: i.alerts?.length ?? 0,
    portalUrl: link(portal, "incidents", id),
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

export function normaliseDevice(raw: unknown, portal: Portal): Normalised<DeviceRecord> {
  const parsed = machineSchema.safeParse(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id: rawId(raw) };
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
    portalUrl: `${link(portal, "machines/v2", m.id)}/overview`,
    raw: cleanUpstream(raw),
  };
}

const vulnerabilitySchema = z.object({
  id: z.string().min(1),
  name: text,
  description: text,
  severity: text,
  cvssV3: z.number().nullish(),
  exposedMachines: count,
  publicExploit: z.boolean().nullish(),
  publishedOn: z.unknown(),
  updatedOn: z.unknown(),
});

export function normaliseVulnerability(raw: unknown): Normalised<VulnerabilityRecord> {
  const parsed = vulnerabilitySchema.safeParse(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id: rawId(raw) };
  const v = parsed.data;
  return {
    externalId: v.id,
    title: v.description ?? v.name ?? v.id,
    severity: vulnerabilitySeverities.find((x) => x === v.severity?.toLowerCase()) ?? "unknown",
    cvssScore: v.cvssV3 ?? null,
    exposedDevices: v.exposedMachines,
    publicExploit: v.publicExploit ?? false,
    publishedAt: parseMicrosoftDate(v.publishedOn),
    updatedAt: parseMicrosoftDate(v.updatedOn),
    raw: cleanUpstream(raw),
  };
}

const softwareSchema = z.object({
  id: z.string().min(1),
  name: text,
  vendor: text,
  weaknesses: count,
  exposedMachines: count,
  publicExploit: z.boolean().nullish(),
});

export function normaliseSoftware(raw: unknown): Normalised<SoftwareRecord> {
  const parsed = softwareSchema.safeParse(raw);
  if (!parsed.success) return { malformed: "no id, or fields of the wrong type", id: rawId(raw) };
  const s = parsed.data;
  return {
    externalId: s.id,
    name: s.name ?? s.id,
    vendor: s.vendor,
    weaknesses: s.weaknesses,
    exposedDevices: s.exposedMachines,
    publicExploit: s.publicExploit ?? false,
    raw: cleanUpstream(raw),
  };
}

const listSchema = z.object({ value: z.array(z.unknown()) });

type SyncApi = Extract<MicrosoftApiId, "defender" | "threat-protection">;

/** Microsoft's published limits for the APIs sync calls (reference microsoft-defender.md §4.3, graph §1.8). */
const syncApiLimits: Record<SyncApi, ApiLimits> = {
  defender: { perMinute: 100, perHour: 1_500, reservePerMinute: 10 },
  "threat-protection": { perMinute: 50, perHour: 1_500, reservePerMinute: 5 },
};

/** Tokens for sync, per connection and API, reused until a minute before they expire (verification gets fresh ones). */
class TokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  async get(ctx: SyncContext, target: Target, options: DefenderSyncOptions): Promise<string> {
    const { config } = target;
    const key = `${ctx.integrationId}|${config.tenantId}|${config.appId}|${target.scope}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.token;
    const outcome = await acquireDefenderToken({
      authorityOrigin: options.entraAuthority ?? `https://${target.authorityHost}`,
      tenantId: config.tenantId,
      appId: config.appId,
      appSecret: ctx.secret,
      scope: target.scope,
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

/** Where one API of a connection is called, and with which token. */
interface Target {
  config: DefenderConfig;
  api: SyncApi;
  origin: string;
  scope: string;
  authorityHost: string;
  portal: Portal;
}

function targetOf(ctx: SyncContext, api: SyncApi, options: DefenderSyncOptions): Target {
  const config = own(ctx.config);
  const cloud = cloudOfHost(new URL(config.baseUrl).host, options.extraHosts);
  if (!cloud) {
    throw new SyncFailure(
      "wrong_endpoint",
      "The Base URL is not a Defender API host any more.",
      "Edit the connection's Base URL.",
    );
  }
  const resource = microsoftResources(
    cloud.id,
    { scope: cloud.scope, baseUrl: config.baseUrl },
    { graphOrigin: options.graphOrigin, securityApiOrigin: options.securityApiOrigin },
  )[api];
  return {
    config,
    api,
    origin: resource.origin,
    scope: resource.scope,
    authorityHost: cloud.authorityHost,
    portal: portalOf(config, options),
  };
}

const apiName: Record<SyncApi, string> = {
  defender: "Defender for Endpoint API",
  "threat-protection": "Defender XDR incidents API",
};

/**
 * One GET within the budget; the list's items, or null for Defender's empty-list 404. Every other answer is a
 * SyncFailure that says what it means for the data and what to do.
 */
async function getList(
  ctx: SyncContext,
  target: Target,
  path: string,
  options: DefenderSyncOptions,
  tokens: TokenCache,
): Promise<unknown[] | null> {
  await ctx.budget.take(target.api);
  const token = await tokens.get(ctx, target, options);
  const outcome = await callMicrosoftApi({
    api: target.api,
    origin: target.origin,
    probe: { method: "GET", path, emptyIsNotFound: true },
    accessToken: token,
    deadline: ctx.signal,
    callTimeoutMs: options.syncCallTimeoutMs,
    maxBodyBytes: 256 * 1024 * 1024,
  });
  const name = apiName[target.api];
  const host = new URL(target.origin).host;
  if (!outcome.ok && outcome.kind === "transport") {
    throw new SyncFailure(
      "endpoint_unreachable",
      `Could not reach ${host}: ${outcome.error.message}`,
      "Patchbay retries on its own; if it persists, check the Base URL and this server's outbound network.",
    );
  }
  if (!outcome.ok) {
    switch (outcome.reason) {
      case "rate_limited": {
        const wait = outcome.retryAfterSeconds ?? 60;
        await ctx.budget.throttled(target.api, wait);
        throw new SyncFailure(
          "rate_limited",
          `Microsoft throttled the sync (429 from the ${name}); it resumes in ${wait} s.`,
          "Nothing to do: Patchbay waits as Microsoft asks. If it recurs, another app may share this tenant's limits.",
          wait,
        );
      }
      case "unauthorized":
        tokens.forget(ctx);
        throw new SyncFailure(
          "unauthorized",
          `The ${name} refused the sync's token (401).`,
          "Re-check the connection; if the secret was rotated, replace it.",
        );
      case "forbidden":
        throw new SyncFailure(
          "permission_missing",
          `The ${name} refused the sync (403): a permission is missing or consent was withdrawn.`,
          "Re-check the connection to see which permission, grant it and admin consent, then Sync now.",
        );
      case "not_licensed":
      case "disabled_feature":
        throw new SyncFailure(
          "subscription_inactive",
          `The ${name} says this tenant's Microsoft Defender subscription is not active or not provisioned.`,
          "Check the tenant's Defender licence in the Microsoft 365 admin center and that Defender has been set up (security.microsoft.com → Settings); then Sync now.",
        );
      case "server_error":
        throw new SyncFailure(
          "upstream_error",
          `The ${name} answered ${outcome.detail.httpStatus ?? "an error"}.`,
          "Patchbay retries on its own; Microsoft's service health may show an incident.",
        );
      case "not_microsoft":
        throw new SyncFailure(
          "wrong_endpoint",
          `${host} answered ${outcome.detail.httpStatus ?? "something"} that is not the ${name}.`,
          "Check the Base URL is the Defender API host of this tenant's region (the connection's Edit shows the choices).",
        );
    }
  }
  if (outcome.json === null) return null;
  const list = listSchema.safeParse(outcome.json);
  if (!list.success) {
    throw new SyncFailure(
      "wrong_endpoint",
      `${host} answered something that is not a list.`,
      "Check the Base URL is the Defender API host of this tenant's region.",
    );
  }
  return list.data.value;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A page's items read into records (each record once, at its newest) and the ones that could not be read. */
type Reader = (items: unknown[], portal: Portal) => Pick<SyncPage, "batch" | "malformed">;

interface IncrementalSpec {
  id: string;
  label: string;
  feature: string;
  table: SyncTable;
  api: SyncApi;
  path: string;
  /** The API's own `$top` limit. */
  maxTop: number;
  /** Extra query, e.g. `&$expand=evidence`. */
  extra: string;
  read: Reader;
}

function incrementalSource(
  spec: IncrementalSpec,
  options: DefenderSyncOptions,
  tokens: TokenCache,
): SyncSource {
  const pageSize = Math.min(options.pageSize, spec.maxTop);
  return {
    id: spec.id,
    label: spec.label,
    kind: "incremental",
    feature: spec.feature,
    table: spec.table,
    api: spec.api,
    limits: syncApiLimits[spec.api],
    intervalMinutes: 5,
    async pull(ctx): Promise<SyncPage> {
      const target = targetOf(ctx, spec.api, options);
      const parsed = incrementalCursorSchema.safeParse(ctx.cursor);
      const cursor: IncrementalCursor = parsed.success
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
          ...spec.read([], target.portal),
          cursor: { ...cursor, window: null, passEnd: null },
          done: true,
        };
      }
      const filter = `lastUpdateTime ge ${iso(from)} and lastUpdateTime lt ${iso(to)}`;
      const skip = cursor.window?.skip ?? 0;
      const items =
        (await getList(
          ctx,
          target,
          `${spec.path}?$filter=${encodeURIComponent(filter)}&$top=${pageSize}${skip > 0 ? `&$skip=${skip}` : ""}${spec.extra}`,
          options,
          tokens,
        )) ?? [];
      const full = items.length >= pageSize;
      if (full && to - from > MIN_SPAN_MS) {
        // Too wide for one page: retry a quarter of the window. What came is not stored: the narrower windows read
        // every record of it again, so storing it now would only double the writes (and the memory of this page).
        const spanMs = Math.max(MIN_SPAN_MS, Math.floor((to - from) / 4));
        return {
          ...spec.read([], target.portal),
          cursor: {
            ...cursor,
            window: { from: iso(from), to: iso(from + spanMs), skip: 0 },
            passEnd: iso(horizon),
            spanMs,
          },
          done: false,
        };
      }
      const read = spec.read(items, target.portal);
      if (full) {
        // More records share one second than a page holds (a bulk update): page through that second with $skip.
        return {
          ...read,
          cursor: {
            ...cursor,
            window: { from: iso(from), to: iso(to), skip: skip + items.length },
            passEnd: iso(horizon),
          },
          done: false,
        };
      }
      // The window is complete: the next starts where it ended, sized from this one's density to fill 60% of a page
      // (few calls within the rate limit, little risk of an overflowing page read twice). An empty window says
      // nothing of the density beyond it, so the next only doubles: growing faster overshoots into dense data, and
      // each overflowing page is a full page fetched and thrown away (at 100,000 alerts in 30 days, ×8 read 1.4
      // records per record stored, ×2 reads 1.2).
      const factor = items.length === 0 ? 2 : Math.min(8, Math.max(0.25, (pageSize * 0.6) / items.length));
      const spanMs = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, Math.floor((to - from) * factor)));
      const done = to >= horizon;
      const next: IncrementalCursor = done
        ? { watermark: iso(to), window: null, passEnd: null, spanMs }
        : {
            watermark: cursor.watermark,
            window: { from: iso(to), to: iso(Math.min(to + spanMs, horizon)), skip: 0 },
            passEnd: iso(horizon),
            spanMs,
          };
      return { ...read, cursor: next, done };
    },
  };
}

interface InventorySpec {
  id: string;
  label: string;
  feature: string;
  table: SyncTable;
  path: string;
  maxTop: number;
  read: Reader;
}

/**
 * Inventories are read whole on every pass and fill every page but the last, so their page size sets the sync's
 * memory: 2,000 records keeps it at what an alert page costs. The calls it adds are few (20,000 devices: 10 calls
 * every 6 hours).
 */
const INVENTORY_PAGE = 2_000;

function inventorySource(spec: InventorySpec, options: DefenderSyncOptions, tokens: TokenCache): SyncSource {
  const pageSize = Math.min(options.pageSize, spec.maxTop, INVENTORY_PAGE);
  return {
    id: spec.id,
    label: spec.label,
    kind: "inventory",
    feature: spec.feature,
    table: spec.table,
    api: "defender",
    limits: syncApiLimits.defender,
    intervalMinutes: 6 * 60,
    async pull(ctx): Promise<SyncPage> {
      const target = targetOf(ctx, "defender", options);
      const parsed = inventoryCursorSchema.safeParse(ctx.cursor);
      const cursor = parsed.success ? parsed.data : { pass: ctx.now.toISOString(), skip: 0 };
      const items =
        (await getList(ctx, target, `${spec.path}?$top=${pageSize}&$skip=${cursor.skip}`, options, tokens)) ??
        [];
      const done = items.length < pageSize;
      return {
        ...spec.read(items, target.portal),
        pass: cursor.pass,
        // A complete pass leaves no cursor: the next one is a new pass.
        cursor: done ? null : { pass: cursor.pass, skip: cursor.skip + items.length },
        done,
      };
    },
  };
}

/** The same record twice in one page (it happens) is stored once, at its newest version. */
function newest<R extends { externalId: string }>(
  results: Array<Normalised<R>>,
): { records: R[]; malformed: Array<{ id: string; reason: string }> } {
  const byId = new Map<string, R>();
  const malformed: Array<{ id: string; reason: string }> = [];
  const stamp = (r: R) => {
    const at = "updatedAt" in r ? r.updatedAt : "lastSeenAt" in r ? r.lastSeenAt : null;
    return at instanceof Date ? at.getTime() : 0;
  };
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
  return [
    incrementalSource(
      {
        id: "alerts",
        label: "Alerts",
        feature: "alerts",
        table: "alerts",
        api: "defender",
        path: "/api/alerts",
        maxTop: 10_000,
        extra: "&$expand=evidence",
        read: (items, portal) => {
          const { records, malformed } = newest(items.map((raw) => normaliseAlert(raw, portal)));
          return { batch: { table: "alerts", records }, malformed };
        },
      },
      options,
      tokens,
    ),
    incrementalSource(
      {
        id: "incidents",
        label: "Incidents",
        feature: "incidents",
        table: "incidents",
        api: "threat-protection",
        path: "/api/incidents",
        maxTop: 100,
        extra: "",
        read: (items, portal) => {
          const { records, malformed } = newest(items.map((raw) => normaliseIncident(raw, portal)));
          return { batch: { table: "incidents", records }, malformed };
        },
      },
      options,
      tokens,
    ),
    inventorySource(
      {
        id: "devices",
        label: "Devices",
        feature: "devices",
        table: "devices",
        path: "/api/machines",
        maxTop: 10_000,
        read: (items, portal) => {
          const { records, malformed } = newest(items.map((raw) => normaliseDevice(raw, portal)));
          return { batch: { table: "devices", records }, malformed };
        },
      },
      options,
      tokens,
    ),
    inventorySource(
      {
        id: "vulnerabilities",
        label: "Vulnerabilities",
        feature: "vulnerabilities",
        table: "vulnerabilities",
        path: "/api/vulnerabilities",
        maxTop: 8_000,
        read: (items) => {
          const { records, malformed } = newest(items.map((raw) => normaliseVulnerability(raw)));
          return { batch: { table: "vulnerabilities", records }, malformed };
        },
      },
      options,
      tokens,
    ),
    inventorySource(
      {
        id: "software",
        label: "Software",
        feature: "vulnerabilities",
        table: "software",
        path: "/api/Software",
        maxTop: 10_000,
        read: (items) => {
          const { records, malformed } = newest(items.map((raw) => normaliseSoftware(raw)));
          return { batch: { table: "software", records }, malformed };
        },
      },
      options,
      tokens,
    ),
  ];
}
