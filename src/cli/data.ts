import type { z } from "zod";
import {
  alertQuerySchema,
  alertSchema,
  deviceQuerySchema,
  deviceSchema,
  pageSchema,
} from "../shared/data-contract";
import { type Context, print } from "./context";
import { EXIT, type ExitCode, usageError } from "./exit-codes";
import { formatTime, renderTable } from "./render";
import { clean, withSpinner } from "./terminal";

/**
 * `patchbay alerts list` and `patchbay devices list`: the synced lists, filtered and paged by the server. Flags are
 * checked locally with the same schemas the server parses (exit 2 naming the flag, nothing sent); a page that has
 * more prints the command for the next one.
 */

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h", "7d", "30m" before now, or a date-time as it is. */
function sinceToIso(value: string, now = Date.now()): string {
  const match = /^(\d{1,5})([mhd])$/.exec(value.trim());
  const unit = units[match?.[2] ?? ""];
  if (!match || unit === undefined) return value;
  return new Date(now - Number(match[1]) * unit).toISOString();
}

/** camelCase query names to the CLI's flags, for error messages. */
const flagOf: Record<string, string> = {
  q: "--search",
  from: "--since",
  integrationId: "--instance",
  partner: "--partner",
  health: "--health",
  os: "--os",
  severity: "--severity",
  status: "--status",
  limit: "--limit",
  cursor: "--cursor",
  sort: "--sort",
  order: "--order",
  removed: "--removed",
};

function checkFlags<T extends z.ZodType>(
  schema: T,
  query: Record<string, string | undefined>,
  usage: string,
) {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const key = String(issue?.path[0] ?? "");
  throw usageError(
    `Check ${flagOf[key] ?? key}: ${issue?.message ?? "it is not valid."}`,
    `Run \`${usage} --help\`.`,
  );
}

function queryString(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Partner ids are lower case; the CLI takes them in any case, as `patchbay partner` does. */
const partnerOf = (value: string | undefined) => value?.trim().toLowerCase();

export interface AlertFlags {
  severity?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  search?: string | undefined;
  partner?: string | undefined;
  instance?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
}

export async function listAlerts(ctx: Context, flags: AlertFlags): Promise<ExitCode> {
  const query = {
    severity: flags.severity?.toLowerCase(),
    status: flags.status,
    from: flags.since === undefined ? undefined : sinceToIso(flags.since),
    q: flags.search,
    partner: partnerOf(flags.partner),
    integrationId: flags.instance,
    limit: flags.limit,
    cursor: flags.cursor,
  };
  checkFlags(alertQuerySchema, query, "patchbay alerts list");
  const client = await ctx.client();
  const page = await withSpinner(ctx.term, "Loading alerts…", () =>
    client.request({
      method: "GET",
      path: `api/alerts${queryString(query)}`,
      schema: pageSchema(alertSchema),
    }),
  );
  print(ctx, page, () => [
    ...(page.items.length === 0
      ? ["No alerts match. Synced alerts appear after a connection's first sync (patchbay partner sync)."]
      : renderTable(
          ["CREATED", "SEVERITY", "STATUS", "TITLE", "DEVICE", "ID"],
          page.items.map((a) => [
            formatTime(a.createdAt),
            a.severity,
            clean(a.status),
            clean(a.title).slice(0, 60),
            clean(a.deviceName ?? "—"),
            a.id,
          ]),
        )),
    ...(page.nextCursor ? ["", `More: add --cursor ${page.nextCursor}`] : []),
  ]);
  return EXIT.ok;
}

export interface DeviceFlags {
  health?: string | undefined;
  os?: string | undefined;
  search?: string | undefined;
  partner?: string | undefined;
  instance?: string | undefined;
  removed?: boolean;
  limit?: string | undefined;
  cursor?: string | undefined;
}

export async function listDevices(ctx: Context, flags: DeviceFlags): Promise<ExitCode> {
  const query = {
    health: flags.health,
    os: flags.os,
    q: flags.search,
    partner: partnerOf(flags.partner),
    integrationId: flags.instance,
    removed: flags.removed ? "true" : undefined,
    limit: flags.limit,
    cursor: flags.cursor,
  };
  checkFlags(deviceQuerySchema, query, "patchbay devices list");
  const client = await ctx.client();
  const page = await withSpinner(ctx.term, "Loading devices…", () =>
    client.request({
      method: "GET",
      path: `api/devices${queryString(query)}`,
      schema: pageSchema(deviceSchema),
    }),
  );
  print(ctx, page, () => [
    ...(page.items.length === 0
      ? ["No devices match. Synced devices appear after a connection's first sync (patchbay partner sync)."]
      : renderTable(
          ["NAME", "HEALTH", "OS", "RISK", "LAST SEEN", "ID"],
          page.items.map((d) => [
            clean(d.name),
            clean(d.healthStatus) + (d.removedAt ? " (removed)" : ""),
            clean(d.osPlatform),
            clean(d.riskScore ?? "—"),
            formatTime(d.lastSeenAt),
            d.id,
          ]),
        )),
    ...(page.nextCursor ? ["", `More: add --cursor ${page.nextCursor}`] : []),
  ]);
  return EXIT.ok;
}
