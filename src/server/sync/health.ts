import type { IntegrationError } from "../../shared/contract";
import type { SyncNotice } from "../../shared/data-contract";
import type { SyncStreamRow } from "../db/schema";
import type { SyncSource } from "../partners/adapter";

/**
 * Truthful status (issue 8): why a verified connection shows no data, in the seed guide's "No Data Syncing" terms,
 * and when a source has stalled long enough that the connection is `degraded`. Pure functions over the streams,
 * so the API, the sweep and the tests agree.
 */

export interface SourceView {
  id: string;
  label: string;
  kind: "incremental" | "inventory";
  table: string;
  intervalMinutes: number;
  stream: SyncStreamRow | undefined;
  /** The partner's own notice texts (SyncSource.notices), when it has them. */
  notices?: SyncSource["notices"];
}

/** Failures that time fixes (Patchbay retries); anything else needs a person, so it degrades the connection at once. */
const transientCodes = new Set([
  "rate_limited",
  "budget_exhausted",
  "endpoint_unreachable",
  "upstream_error",
  "internal_error",
  "cancelled",
]);

const STALL_INTERVALS = 3;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/**
 * Since when a source has not made progress: its last completed pass or, during its first full sync (which may
 * rightly take longer than 3 intervals), its last page.
 */
function since(stream: SyncStreamRow): Date {
  if (stream.firstCompletedAt === null && stream.state !== "failed")
    return stream.lastRunAt ?? stream.createdAt;
  return stream.lastSuccessAt ?? stream.createdAt;
}

/** A source that has failed and needs a person, or has not completed a pass for 3 of its intervals. */
export function stalled(source: SourceView, now: Date): boolean {
  const { stream } = source;
  if (!stream) return false;
  const failedHard =
    stream.state === "failed" && stream.lastError !== null && !transientCodes.has(stream.lastError.code);
  const late = now.getTime() - since(stream).getTime() > STALL_INTERVALS * source.intervalMinutes * 60_000;
  return failedHard || late;
}

/** The connection's sync issue (it shows as degraded), or null when every source is keeping up. */
export function syncIssueOf(sources: readonly SourceView[], now: Date): IntegrationError | null {
  const source = sources.find((s) => stalled(s, now));
  if (!source?.stream) return null;
  const at = source.stream.lastSuccessAt;
  const when = at ? `has not synced since ${at.toISOString()}` : "has never completed a sync";
  const why = source.stream.lastError;
  return {
    code: "sync_stalled",
    message: `${source.label} ${when}${why ? `: ${why.message}` : "."}`,
    remediation:
      why?.remediation ?? "Open the connection's Data section for each source's state, then Sync now.",
  };
}

/** Why data is missing or late, most important first; empty when data flows as it should. */
export function noticesOf(
  sources: readonly SourceView[],
  facts: { listsDevices: boolean },
  now: Date,
): SyncNotice[] {
  const notices: SyncNotice[] = [];
  for (const source of sources) {
    const { stream } = source;
    if (!stream) continue;
    const error = stream.state === "failed" ? stream.lastError : null;
    if (error) {
      const code =
        error.code === "rate_limited" || error.code === "budget_exhausted"
          ? "throttled"
          : error.code === "subscription_inactive"
            ? "subscription_inactive"
            : error.code === "wrong_endpoint"
              ? "wrong_region"
              : "failing";
      notices.push({
        code,
        source: source.id,
        message: `${source.label}: ${error.message}`,
        remediation: error.remediation,
      });
      continue;
    }
    if (stream.firstCompletedAt === null) {
      const progress = stream.progress;
      const read =
        progress === null || progress === undefined
          ? "starting"
          : progress.total !== null
            ? `${plural(progress.done, "record")} of ${progress.total.toLocaleString("en-US")} read`
            : `${plural(progress.done, "record")} read so far`;
      notices.push({
        code: "first_sync_running",
        source: source.id,
        message: `${source.label}: the first full sync is still running (${read}).`,
        remediation:
          source.notices?.firstSync ??
          "Nothing to do: a first sync reads up to 90 days within Microsoft's rate limits; allow up to 15 minutes for a large tenant.",
      });
      continue;
    }
    if (stalled(source, now)) {
      notices.push({
        code: "lagging",
        source: source.id,
        message: `${source.label}: the last completed sync was ${stream.lastSuccessAt?.toISOString() ?? "never"}, more than ${STALL_INTERVALS} intervals ago.`,
        remediation:
          "Check that Patchbay's job workers are running (the server log says so at start), then Sync now.",
      });
      continue;
    }
    if (source.table === "devices" && !facts.listsDevices) {
      notices.push({
        code: "no_devices_onboarded",
        source: source.id,
        message:
          source.notices?.empty?.message ??
          "Devices: Microsoft Defender lists no onboarded devices for this tenant.",
        remediation:
          source.notices?.empty?.remediation ??
          "Onboard devices in the Microsoft Defender portal (Settings → Endpoints → Onboarding); they appear here after the next devices sync (every 6 hours, or Sync now).",
      });
    }
  }
  const rank: Record<SyncNotice["code"], number> = {
    subscription_inactive: 0,
    wrong_region: 1,
    failing: 2,
    throttled: 3,
    lagging: 4,
    no_devices_onboarded: 5,
    first_sync_running: 6,
  };
  return notices.sort((a, b) => rank[a.code] - rank[b.code]);
}
