// HTTPS stand-in for the CrowdStrike Falcon API in four clouds (US-1, US-2, EU-1, US-GOV-1), one listener each, as
// the reference records it (shared/reference/edr-partners.md A2–A5): `POST /oauth2/token` answering 201 with
// X-CS-Region (or a 308 from US-1 to the client's cloud), `POST /oauth2/revoke`, the cheapest reads, combined
// alerts paged by `after` (which expires after two minutes) and combined hosts paged by `next`; the envelope
// `{ meta, resources, errors }`, the same 403 text for a missing scope and an IP allowlist, a 401 for a token from
// another cloud, X-RateLimit-* headers and 429 with X-RateLimit-RetryAfter (epoch seconds). Tests, e2e and the demo
// use it; production code never imports it.
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { FalconCloudId } from "../shared/partners/crowdstrike";
import { type FalconSimClient, falconClients } from "./falcon-seed";
import { readBody, sendJson } from "./http-helpers";

export const FALCON_SIM_CLOUDS = [
  "us-1",
  "us-2",
  "eu-1",
  "us-gov-1",
] as const satisfies readonly FalconCloudId[];
type SimCloud = (typeof FALCON_SIM_CLOUDS)[number];

const CONSOLE: Record<SimCloud, string> = {
  "us-1": "falcon.crowdstrike.com",
  "us-2": "falcon.us-2.crowdstrike.com",
  "eu-1": "falcon.eu-1.crowdstrike.com",
  "us-gov-1": "falcon.laggar.gcw.crowdstrike.com",
};
const AFTER_TTL_MS = 120_000;
const DAY = 86_400_000;

interface Token {
  clientId: string;
  cloud: SimCloud;
  expiresAt: number;
}

export interface FalconSimRequest {
  cloud: SimCloud;
  method: string;
  path: string;
  clientId: string | null;
}

export interface FalconSimulator {
  /** e.g. {"us-1": "https://127.0.0.1:40001", …} */
  origins: Record<SimCloud, string>;
  /** The value of PATCHBAY_FALCON_ORIGINS that points Patchbay here. */
  envValue: string;
  requests(): readonly FalconSimRequest[];
  reset(): void;
  close(): Promise<void>;
}

type Entity = Record<string, unknown>;

/** Deterministic records per client: alerts over the last 10 days with Falcon's nulls, and its hosts. */
function generate(client: FalconSimClient, now: number): { alerts: Entity[]; hosts: Entity[] } {
  const hosts: Entity[] = [];
  const platforms = ["Windows", "Mac", "Linux", null];
  for (let i = 0; i < client.data.hosts; i += 1) {
    const deviceId = `${client.cid.slice(0, 16)}${i.toString(16).padStart(16, "0")}`;
    hosts.push({
      device_id: deviceId,
      cid: client.cid,
      hostname: i % 17 === 5 ? null : `falcon-host-${String(i).padStart(3, "0")}`,
      platform_name: platforms[i % platforms.length],
      os_version: i % 3 === 0 ? "Windows 11" : "Ventura (13)",
      status: i % 11 === 3 ? "contained" : "normal",
      last_seen: new Date(now - (i % 9 === 0 ? 12 * DAY : (i % 5) * 3_600_000)).toISOString(),
      first_seen: new Date(now - 200 * DAY).toISOString(),
      provision_status: "Provisioned",
      reduced_functionality_mode: i % 13 === 7 ? "yes" : "no",
      agent_version: "7.14.18408.0",
      tags: [],
    });
  }
  const severities: Array<[string, number]> = [
    ["Informational", 10],
    ["Low", 30],
    ["Medium", 50],
    ["High", 70],
    ["Critical", 90],
  ];
  const statuses = ["new", "in_progress", "closed", "reopened"];
  const alerts: Entity[] = [];
  const home = simCloudOf(client);
  let previousUpdate = now;
  for (let i = 0; i < client.data.alerts; i += 1) {
    const host = hosts.length > 0 ? hosts[i % hosts.length] : undefined;
    const created = now - 10 * DAY + Math.floor((i * 10 * DAY) / Math.max(1, client.data.alerts));
    // Every fifth alert shares its update time with the one before: the boundary a cursor must not lose.
    const updated = i % 5 === 1 && i > 0 ? previousUpdate : created + (i % 7) * 60_000;
    previousUpdate = updated;
    const [severityName, score] = severities[i % severities.length] ?? ["Low", 30];
    const deviceId = typeof host?.device_id === "string" ? host.device_id : "0".repeat(32);
    const compositeId = `${client.cid}:ind:${deviceId}:${1_000_000 + i}`;
    alerts.push({
      composite_id: compositeId,
      id: `ind:${deviceId}:${1_000_000 + i}`,
      cid: client.cid,
      product: "epp",
      type: "ldt",
      name: `Falcon detection ${i}`,
      display_name: i % 23 === 4 ? null : `Suspicious process ${i}`,
      description: i % 4 === 0 ? null : "A process exhibited behaviour consistent with credential theft.",
      severity: score,
      severity_name: i % 29 === 6 ? null : severityName,
      status: statuses[i % statuses.length],
      tactic: "Credential Access",
      technique: "OS Credential Dumping",
      filename: i % 3 === 0 ? null : `tool${i}.exe`,
      filepath: i % 3 === 0 ? null : `\\Device\\HarddiskVolume3\\Users\\Public\\tool${i}.exe`,
      cmdline: i % 2 === 0 ? `tool${i}.exe --dump` : null,
      sha256: randomBytesFor(i),
      user_name: i % 6 === 0 ? null : `user${i % 9}`,
      device: host
        ? { device_id: host.device_id, hostname: host.hostname, platform_name: host.platform_name }
        : null,
      created_timestamp: new Date(created).toISOString(),
      updated_timestamp: new Date(updated).toISOString(),
      falcon_host_link: `https://${CONSOLE[home]}/activity-v2/detections/${encodeURIComponent(compositeId)}`,
      show_in_ui: true,
    });
  }
  // One record Falcon should never send, but a parser must survive: no updated_timestamp.
  if (client.data.alerts > 10) {
    alerts.push({ composite_id: `${client.cid}:ind:malformed:1`, name: "Broken", updated_timestamp: null });
  }
  return { alerts, hosts };
}

function simCloudOf(client: FalconSimClient): SimCloud {
  return FALCON_SIM_CLOUDS.find((c) => c === client.cloud) ?? "us-1";
}

function randomBytesFor(i: number): string {
  return (i.toString(16).padStart(8, "0") + "ab".repeat(28)).slice(0, 64);
}

const alertsBodySchema = z.object({
  filter: z.string().optional(),
  sort: z.string().optional(),
  limit: z.number().int().optional(),
  after: z.string().optional(),
});
const afterSchema = z.object({ k: z.tuple([z.string(), z.string()]), t: z.number() });

function envelope(resources: unknown, pagination: Record<string, unknown> | null, errors: unknown[] = []) {
  return {
    meta: {
      query_time: 0.004,
      powered_by: "patchbay-falcon-simulator",
      trace_id: randomUUID(),
      ...(pagination ? { pagination } : {}),
    },
    resources,
    errors,
  };
}

function sendErrors(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, envelope([], null, [{ code: status, message }]), headers);
}

export async function startFalconSimulator(options: {
  cert: string;
  key: string;
  host: string;
}): Promise<FalconSimulator> {
  const clients = new Map(falconClients().map((c) => [c.clientId, c]));
  const tokens = new Map<string, Token>();
  const data = new Map<string, { alerts: Entity[]; hosts: Entity[] }>();
  const windows = new Map<string, { start: number; count: number }>();
  const log: FalconSimRequest[] = [];
  const servers: Server[] = [];
  const origins: Record<SimCloud, string> = { "us-1": "", "us-2": "", "eu-1": "", "us-gov-1": "" };

  const dataOf = (client: FalconSimClient) => {
    let d = data.get(client.clientId);
    if (!d) {
      d = generate(client, Date.now());
      data.set(client.clientId, d);
    }
    return d;
  };

  /** Per CID and minute; answers the headers to send, or null when over the limit (then a 429 went out). */
  const spend = (client: FalconSimClient, res: ServerResponse): Record<string, string> | null => {
    const limit = client.perMinute ?? 6_000;
    const now = Date.now();
    const w = windows.get(client.cid);
    const window = w && now - w.start < 60_000 ? w : { start: now, count: 0 };
    windows.set(client.cid, window);
    window.count += 1;
    const headers = {
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": String(Math.max(0, limit - window.count)),
    };
    if (window.count > limit) {
      sendErrors(res, 429, "API rate limit exceeded.", {
        ...headers,
        "X-RateLimit-RetryAfter": String(Math.ceil((window.start + 60_000) / 1000)),
      });
      return null;
    }
    return headers;
  };

  const handleToken = async (
    cloud: SimCloud,
    req: IncomingMessage,
    res: ServerResponse,
    entry: FalconSimRequest,
  ) => {
    const form = new URLSearchParams(await readBody(req, 16 * 1024));
    const clientId = form.get("client_id") ?? "";
    const secret = form.get("client_secret") ?? "";
    const memberCid = form.get("member_cid");
    entry.clientId = clientId || null;
    if (!/^[0-9a-f]{32}$/i.test(clientId)) {
      sendErrors(res, 400, `Failed to generate access token for clientID=${clientId.slice(0, 40)}`);
      return;
    }
    const client = clients.get(clientId.toLowerCase());
    if (!client) {
      sendErrors(res, 400, `Failed to generate access token for clientID=${clientId}`);
      return;
    }
    if (client.ipBlocked) {
      sendErrors(res, 403, "access denied, authorization failed");
      return;
    }
    const home = simCloudOf(client);
    if (cloud !== home) {
      // Only US-1 knows the commercial clients of other clouds (auto-discovery); GovCloud's are unknown there.
      const commercial = home === "us-2" || home === "eu-1";
      if (cloud !== "us-1" || !commercial) {
        sendErrors(res, 403, "Failed to issue access token - Client authentication failed");
        return;
      }
      if (client.redirectFromUs1) {
        res.writeHead(308, { location: `${origins[home]}/oauth2/token` });
        res.end();
        return;
      }
    }
    if (secret !== client.clientSecret) {
      sendErrors(res, 403, "Failed to issue access token - Client authentication failed");
      return;
    }
    if (memberCid && !(client.children ?? []).includes(memberCid.toLowerCase())) {
      sendErrors(res, 403, `Failed to generate access token for customer ID= "${memberCid.slice(0, 40)}"`);
      return;
    }
    const accessToken = randomBytes(24).toString("base64url");
    tokens.set(accessToken, { clientId: client.clientId, cloud: home, expiresAt: Date.now() + 1_799_000 });
    sendJson(
      res,
      201,
      { access_token: accessToken, expires_in: 1799, token_type: "bearer" },
      {
        "X-CS-Region": home,
        "X-CS-TRACEID": randomUUID(),
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "299",
      },
    );
  };

  const handleRevoke = async (req: IncomingMessage, res: ServerResponse, entry: FalconSimRequest) => {
    const form = new URLSearchParams(await readBody(req, 16 * 1024));
    const basic = /^basic (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const [id, secret] = Buffer.from(basic ?? "", "base64")
      .toString()
      .split(":");
    const client = clients.get(id ?? "");
    entry.clientId = client?.clientId ?? null;
    if (!client || client.clientSecret !== secret) {
      sendErrors(res, 403, "access denied, authorization failed");
      return;
    }
    const token = form.get("token") ?? "";
    if (tokens.get(token)?.clientId === client.clientId) tokens.delete(token);
    sendJson(res, 200, envelope([], null));
  };

  const handle = async (cloud: SimCloud, req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "https://falcon.invalid");
    const entry: FalconSimRequest = {
      cloud,
      method: req.method ?? "GET",
      path: url.pathname,
      clientId: null,
    };
    log.push(entry);
    if (log.length > 5_000) log.splice(0, log.length - 5_000);
    if (url.pathname === "/__simulator/requests" && cloud === "us-1") {
      sendJson(res, 200, { requests: log });
      return;
    }
    if (req.method === "POST" && url.pathname === "/oauth2/token") return handleToken(cloud, req, res, entry);
    if (req.method === "POST" && url.pathname === "/oauth2/revoke") return handleRevoke(req, res, entry);

    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const token = tokens.get(bearer);
    if (!token || token.expiresAt < Date.now() || token.cloud !== cloud) {
      sendErrors(res, 401, "access denied, invalid bearer token");
      return;
    }
    const client = clients.get(token.clientId);
    if (!client) {
      sendErrors(res, 401, "access denied, invalid bearer token");
      return;
    }
    entry.clientId = client.clientId;
    const headers = spend(client, res);
    if (!headers) return;
    const needs = url.pathname.startsWith("/alerts/")
      ? "alerts:read"
      : url.pathname.startsWith("/devices/")
        ? "hosts:read"
        : null;
    if (needs === null) {
      sendErrors(res, 404, "Not Found", headers);
      return;
    }
    if (client.readsFail === "server_error") {
      sendErrors(res, 500, "Internal Server Error", headers);
      return;
    }
    if (client.readsFail === "html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        "<!DOCTYPE html><html><head><title>Web filter</title></head><body><p>Blocked by policy.</p></body></html>",
      );
      return;
    }
    if (!client.scopes.includes(needs)) {
      sendErrors(res, 403, "access denied, authorization failed", headers);
      return;
    }
    if (needs === "alerts:read" && client.errorInBody) {
      sendJson(
        res,
        200,
        envelope([], null, [{ code: 403, message: "Access denied: insufficient scope for this operation" }]),
        headers,
      );
      return;
    }
    const { alerts, hosts } = dataOf(client);
    const limit = Number(url.searchParams.get("limit") ?? 100);
    if (req.method === "GET" && url.pathname === "/devices/queries/devices/v1") {
      sendJson(
        res,
        200,
        envelope(
          hosts.slice(0, limit).map((h) => h.device_id),
          { offset: 0, limit, total: hosts.length },
        ),
        headers,
      );
      return;
    }
    if (req.method === "GET" && url.pathname === "/alerts/queries/alerts/v2") {
      sendJson(
        res,
        200,
        envelope(
          alerts.slice(0, limit).map((a) => a.composite_id),
          { offset: 0, limit, total: alerts.length },
        ),
        headers,
      );
      return;
    }
    if (req.method === "GET" && url.pathname === "/devices/combined/devices/v1") {
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        sendErrors(res, 400, "limit must be between 1 and 10000", headers);
        return;
      }
      const start = Number(url.searchParams.get("offset") ?? 0) || 0;
      const page = hosts.slice(start, start + limit);
      const next = start + limit < hosts.length ? String(start + limit) : "";
      sendJson(
        res,
        200,
        envelope(page, { offset: String(start), limit, total: hosts.length, next }),
        headers,
      );
      return;
    }
    if (req.method === "POST" && url.pathname === "/alerts/combined/alerts/v1") {
      const body = alertsBodySchema.safeParse(JSON.parse((await readBody(req, 64 * 1024)) || "{}"));
      if (!body.success || (body.data.limit ?? 100) > 1_000 || (body.data.limit ?? 100) < 1) {
        sendErrors(res, 400, "limit must be between 1 and 1000", headers);
        return;
      }
      const pageLimit = body.data.limit ?? 100;
      const since = /updated_timestamp:>(=?)'([^']+)'/.exec(body.data.filter ?? "");
      const inclusive = since?.[1] === "=";
      const from = since?.[2] ?? "";
      const key = (a: Entity): [string, string] => [
        String(a.updated_timestamp ?? ""),
        String(a.composite_id),
      ];
      const sorted = alerts
        .filter(
          (a) =>
            typeof a.updated_timestamp !== "string" ||
            from === "" ||
            (inclusive ? a.updated_timestamp >= from : a.updated_timestamp > from),
        )
        .sort((a, b) => {
          const [ua, ia] = key(a);
          const [ub, ib] = key(b);
          return ua < ub ? -1 : ua > ub ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0;
        });
      let start = 0;
      if (body.data.after) {
        const after = afterSchema.safeParse(
          JSON.parse(Buffer.from(body.data.after, "base64url").toString() || "null"),
        );
        if (!after.success || Date.now() - after.data.t > AFTER_TTL_MS) {
          sendErrors(res, 404, "Search context expired, 'after' key no longer valid", headers);
          return;
        }
        const [u, id] = after.data.k;
        start = sorted.findIndex((a) => {
          const [ua, ia] = key(a);
          return ua > u || (ua === u && ia > id);
        });
        if (start < 0) start = sorted.length;
      }
      const page = sorted.slice(start, start + pageLimit);
      const last = page.at(-1);
      const more = start + pageLimit < sorted.length && last !== undefined;
      const after = more
        ? Buffer.from(JSON.stringify({ k: key(last), t: Date.now() })).toString("base64url")
        : undefined;
      sendJson(
        res,
        200,
        envelope(page, {
          offset: start,
          limit: pageLimit,
          total: sorted.length,
          ...(after ? { after } : {}),
        }),
        headers,
      );
      return;
    }
    sendErrors(res, 404, "Not Found", headers);
  };

  for (const cloud of FALCON_SIM_CLOUDS) {
    const server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
      handle(cloud, req, res).catch(() => {
        if (!res.headersSent) sendErrors(res, 500, "internal error");
        else res.end();
      });
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, options.host, () => resolve());
    });
    const address: AddressInfo | string | null = server.address();
    if (address === null || typeof address === "string") throw new Error("falcon simulator: no TCP address");
    origins[cloud] = `https://${options.host}:${address.port}`;
    servers.push(server);
  }
  return {
    origins,
    envValue: FALCON_SIM_CLOUDS.map((c) => `${c}=${origins[c]}`).join(","),
    requests: () => log,
    reset() {
      tokens.clear();
      windows.clear();
      data.clear();
      log.length = 0;
    },
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
