// HTTPS stand-in for a SentinelOne management console's API (`/web/api/v2.1/...`, `Authorization: ApiToken <t>`) on
// a listener of its own. It fakes what Patchbay relies on (reference edr-partners.md Part B): system/info,
// users/api-token-details, threats and agents with cursor paging (opaque nextCursor, limit 1–1000, skipCount,
// updatedAt__gte/__gt/__lt/__lte, sortBy=updatedAt, accountIds/siteIds), /accounts refusing site users, S1's error
// bodies (401 4010010, 403 4030010, 400 4000010), 429 with Retry-After, and faults per scenario. Any other path
// answers the console's HTML sign-in page, as a real console does. Used by tests, e2e and `npm run demo`.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { formatHostPort, HOSTILE_TEXT, readBody, sendEmpty, sendHtml, sendJson } from "./http-helpers";
import {
  generateAgents,
  generateThreats,
  SIM_S1_SEED,
  type SimS1Agent,
  type SimS1Scenario,
  type SimS1ScenarioName,
  type SimS1Threat,
  s1Time,
} from "./sentinelone-seed";

export const simS1FaultSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rate_limit"), retryAfterSeconds: z.number().int().min(0).max(86_400) }),
  z.object({ kind: z.literal("server_error") }),
  z.object({ kind: z.literal("non_json") }),
  z.object({ kind: z.literal("slow"), delayMs: z.number().int().min(0).max(600_000) }),
  // A rogue or broken console: NUL, controls, bidi overrides, a lone surrogate and a quarter megabyte, as valid JSON;
  // a list answers one threat made of it, anything else a 500 error body made of it.
  z.object({ kind: z.literal("hostile_text") }),
]);
export type SimS1Fault = z.infer<typeof simS1FaultSchema> & {
  /** Only calls whose path starts with this (e.g. "threats"); all calls when absent. */
  path?: string;
};

export interface SentinelOneSimulator {
  origin: string;
  hostPort: string;
  startedAt: Date;
  close(): Promise<void>;
}

const CONSOLE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SentinelOne</title></head>
<body><main><h1>Sign in to SentinelOne</h1><p>Enter your email address to continue.</p></main></body></html>
`;

const API = "/web/api/v2.1/";
const s1Error = (code: number, title: string, detail: string | null = null) => ({
  errors: [{ code, title, detail }],
});

interface ScenarioState {
  name: SimS1ScenarioName;
  seed: SimS1Scenario;
  expiresAt: number;
  createdAt: number;
  threats: SimS1Threat[];
  agents: SimS1Agent[];
}

function createState(startedAt: number): Map<string, ScenarioState> {
  const byToken = new Map<string, ScenarioState>();
  Object.entries(SIM_S1_SEED).forEach(([name, seed], n) => {
    byToken.set(seed.token, {
      name: name as SimS1ScenarioName,
      seed,
      expiresAt: startedAt + seed.validDays * 86_400_000,
      createdAt: startedAt - 30 * 86_400_000,
      threats: generateThreats(n, seed.threats, startedAt, seed),
      agents: generateAgents(n, seed.agents, startedAt, seed),
    });
  });
  return byToken;
}

/** What a record looks like on the wire: without the simulator's own filter keys. */
function wire(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !key.startsWith("__")));
}

const numberOf = (record: Record<string, unknown>, key: string): number => {
  const value = record[key];
  return typeof value === "number" ? value : 0;
};

/** Opaque cursor: the offset and a fingerprint of the query it belongs to. */
function encodeCursor(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: query })).toString("base64url");
}
function decodeCursor(cursor: string, query: string): number | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const parsed = z.object({ o: z.number().int().nonnegative(), q: z.string() }).safeParse(value);
    return parsed.success && parsed.data.q === query ? parsed.data.o : null;
  } catch {
    return null;
  }
}

const TIME_FILTER = /^updatedAt__(gte|gt|lte|lt)$/;

export async function startSentinelOneSimulator(options: {
  cert: string;
  key: string;
  host: string;
  port?: number;
  startedAt: Date;
  /** The shared request log of the simulator (paths only, never the token). */
  record: (entry: {
    method: string;
    path: string;
    tenant?: string;
    listener: "main" | "decoy" | "sentinelone";
  }) => void;
}): Promise<SentinelOneSimulator & { reset(): void }> {
  const startedAt = options.startedAt.getTime();
  let state = createState(startedAt);
  const faults = new Map<SimS1ScenarioName, SimS1Fault>();
  const pending = new Set<() => void>();

  const findScenario = (name: string) => [...state.values()].find((s) => s.name === name);

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const [, , name, action] = url.pathname.split("/").filter((p) => p !== "");
    if (name === "reset" && req.method === "POST") {
      state = createState(startedAt);
      faults.clear();
      sendEmpty(res, 204);
      return;
    }
    const scenario = name === undefined ? undefined : findScenario(name);
    if (!scenario) {
      sendJson(res, 404, { error: `No scenario ${String(name)}` });
      return;
    }
    let body: unknown = {};
    if (req.method === "PUT" || req.method === "POST") {
      try {
        const text = await readBody(req, 16 * 1024);
        body = text === "" ? {} : JSON.parse(text);
      } catch {
        sendJson(res, 400, { error: "Body must be JSON." });
        return;
      }
    }
    if (action === "fault") {
      if (req.method === "DELETE") {
        faults.delete(scenario.name);
        sendEmpty(res, 204);
        return;
      }
      const fault = simS1FaultSchema.safeParse(body);
      const path = z.object({ path: z.string().optional() }).safeParse(body);
      if (!fault.success || !path.success) {
        sendJson(res, 400, { error: "Body is not a fault." });
        return;
      }
      faults.set(scenario.name, { ...fault.data, ...(path.data.path ? { path: path.data.path } : {}) });
      sendJson(res, 200, { fault: faults.get(scenario.name) });
      return;
    }
    if (action === "touch" && req.method === "POST") {
      // The first `count` threats were just updated (an analyst resolved them): a newer updatedAt, a new status.
      const change = z
        .object({ count: z.number().int().min(0), incidentStatus: z.string(), at: z.string().optional() })
        .safeParse(body);
      if (!change.success) {
        sendJson(res, 400, { error: "Expected { count, incidentStatus, at? }." });
        return;
      }
      const at = change.data.at ? Date.parse(change.data.at) : Date.now() - 120_000;
      let touched = 0;
      for (const threat of scenario.threats.slice(0, change.data.count)) {
        const info = threat.threatInfo;
        if (typeof info !== "object" || info === null) continue;
        threat.threatInfo = { ...info, updatedAt: s1Time(at), incidentStatus: change.data.incidentStatus };
        threat.__updatedAt = at;
        touched += 1;
      }
      sendJson(res, 200, { touched });
      return;
    }
    if (action === "remove-agents" && req.method === "POST") {
      const change = z.object({ count: z.number().int().min(0) }).safeParse(body);
      if (!change.success) {
        sendJson(res, 400, { error: "Expected { count }." });
        return;
      }
      const removed = scenario.agents.splice(scenario.agents.length - change.data.count, change.data.count);
      sendJson(res, 200, { removed: removed.map((a) => a.id) });
      return;
    }
    sendJson(res, 404, { error: `No control ${req.method} ${url.pathname}` });
  };

  const delay = (ms: number, res: ServerResponse) =>
    new Promise<boolean>((resolve) => {
      const finish = (done: boolean) => {
        clearTimeout(timer);
        pending.delete(cancel);
        resolve(done);
      };
      const cancel = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      res.once("close", cancel);
      pending.add(cancel);
    });

  const list = (
    res: ServerResponse,
    url: URL,
    scenario: ScenarioState,
    records: Array<Record<string, unknown>>,
    scopeOf: (r: Record<string, unknown>) => string,
    time: ((r: Record<string, unknown>) => number) | null,
  ) => {
    const params = url.searchParams;
    const limitText = params.get("limit") ?? "10";
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      sendJson(res, 400, s1Error(4000010, "Validation Error", "limit: Must be between 1 and 1000."));
      return;
    }
    // The token's scope: a site user sees its site; an account user its account's sites.
    const siteIds = params.get("siteIds")?.split(",").filter(Boolean) ?? [];
    const accountIds = params.get("accountIds")?.split(",").filter(Boolean) ?? [];
    if (
      siteIds.some((id) => !scenario.seed.siteIds.includes(id)) ||
      accountIds.some((id) => id !== scenario.seed.accountId)
    ) {
      sendJson(
        res,
        403,
        s1Error(4030010, "Insufficient permissions", "User does not have required permissions"),
      );
      return;
    }
    let rows = records.filter((r) => siteIds.length === 0 || siteIds.includes(scopeOf(r)));
    if (time) {
      for (const [key, value] of params) {
        const op = TIME_FILTER.exec(key)?.[1];
        if (!op) continue;
        const bound = Date.parse(value);
        if (!Number.isFinite(bound)) {
          sendJson(res, 400, s1Error(4000010, "Validation Error", `${key}: Not a valid datetime.`));
          return;
        }
        rows = rows.filter((r) => {
          const t = time(r);
          return op === "gte" ? t >= bound : op === "gt" ? t > bound : op === "lte" ? t <= bound : t < bound;
        });
      }
      if (params.get("sortBy") === "updatedAt") {
        const dir = params.get("sortOrder") === "desc" ? -1 : 1;
        rows = [...rows].sort(
          (a, b) => dir * (time(a) - time(b)) || String(a.id).localeCompare(String(b.id)),
        );
      }
    }
    const query = [...params]
      .filter(([k]) => k !== "cursor" && k !== "skipCount")
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const cursor = params.get("cursor");
    const offset = cursor === null ? 0 : decodeCursor(cursor, query);
    if (offset === null) {
      sendJson(res, 400, s1Error(4000010, "Validation Error", "cursor: Invalid cursor."));
      return;
    }
    const page = rows.slice(offset, offset + limit);
    const nextOffset = offset + page.length;
    sendJson(res, 200, {
      data: page.map(wire),
      pagination: {
        nextCursor: nextOffset < rows.length ? encodeCursor(nextOffset, query) : null,
        totalItems: params.get("skipCount") === "true" ? null : rows.length,
      },
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    if (url.pathname.startsWith("/__simulator/sentinelone/")) {
      options.record({ method: req.method ?? "GET", path: url.pathname, listener: "sentinelone" });
      await control(req, res, url);
      return;
    }
    if (!url.pathname.startsWith(API)) {
      // The console itself: an HTML page for every other path.
      req.resume();
      options.record({ method: req.method ?? "GET", path: url.pathname, listener: "sentinelone" });
      sendHtml(res, 200, CONSOLE_HTML);
      return;
    }
    const path = url.pathname.slice(API.length).replace(/\/+$/, "");
    const auth = /^ApiToken (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    const scenario = auth === undefined ? undefined : state.get(auth);
    const query = [...url.searchParams].map(([k, v]) => `${k}=${v}`).join("&");
    options.record({
      method: req.method ?? "GET",
      path: `${url.pathname}${query ? `?${query}` : ""}`,
      ...(scenario ? { tenant: `sentinelone:${scenario.name}` } : {}),
      listener: "sentinelone",
    });
    let body = "";
    if (req.method === "POST") body = await readBody(req, 64 * 1024).catch(() => "");
    else req.resume();
    if (!scenario || scenario.expiresAt <= Date.now()) {
      sendJson(res, 401, s1Error(4010010, "Authentication Failed"));
      return;
    }
    if (scenario.seed.rateLimitedFor !== undefined) {
      sendJson(res, 429, s1Error(4290010, "Too Many Requests"), {
        "retry-after": String(scenario.seed.rateLimitedFor),
      });
      return;
    }
    const fault = faults.get(scenario.name);
    if (fault && (fault.path === undefined || path.startsWith(fault.path))) {
      switch (fault.kind) {
        case "rate_limit":
          sendJson(res, 429, s1Error(4290010, "Too Many Requests"), {
            "retry-after": String(fault.retryAfterSeconds),
          });
          return;
        case "server_error":
          sendJson(res, 503, s1Error(5030010, "Service Unavailable"));
          return;
        case "non_json":
          sendHtml(res, 200, CONSOLE_HTML);
          return;
        case "slow":
          if (!(await delay(fault.delayMs, res))) return;
          break;
        case "hostile_text":
          if (path === "threats") {
            const at = s1Time(Date.now() - 120_000);
            sendJson(res, 200, {
              data: [
                {
                  id: "1399999999999999999",
                  threatInfo: {
                    threatName: HOSTILE_TEXT,
                    classification: "Mal\u0000ware",
                    confidenceLevel: "malicious",
                    createdAt: at,
                    updatedAt: at,
                  },
                  agentRealtimeInfo: { agentComputerName: "\u202eexe.evil" },
                },
              ],
              pagination: { nextCursor: null, totalItems: null },
            });
          } else {
            sendJson(res, 500, { errors: [{ code: 5000010, title: HOSTILE_TEXT, detail: HOSTILE_TEXT }] });
          }
          return;
      }
    }
    const route = `${req.method} ${path}`;
    switch (route) {
      case "GET system/info":
        sendJson(res, 200, {
          data: { build: "S-23.4.1", release: "Vicuna SP1", latestAgentVersion: "23.4.2.14" },
        });
        return;
      case "POST users/api-token-details": {
        const parsed = z.object({ data: z.object({ apiToken: z.string() }) }).safeParse(
          (() => {
            try {
              return JSON.parse(body);
            } catch {
              return null;
            }
          })(),
        );
        const target = parsed.success ? state.get(parsed.data.data.apiToken) : undefined;
        if (!target) {
          sendJson(res, 400, s1Error(4000010, "Validation Error", "data.apiToken: Invalid token."));
          return;
        }
        sendJson(res, 200, {
          data: { createdAt: s1Time(target.createdAt), expiresAt: s1Time(target.expiresAt) },
        });
        return;
      }
      case "GET accounts":
        if (scenario.seed.scope === "site") {
          sendJson(
            res,
            403,
            s1Error(4030010, "Insufficient permissions", "Action is not allowed to site users"),
          );
          return;
        }
        sendJson(res, 200, {
          data: [{ id: scenario.seed.accountId, name: "Contoso" }],
          pagination: { nextCursor: null, totalItems: 1 },
        });
        return;
      case "GET threats":
        if (scenario.seed.role === "no-threats") {
          sendJson(
            res,
            403,
            s1Error(4030010, "Insufficient permissions", "User does not have required permissions"),
          );
          return;
        }
        list(
          res,
          url,
          scenario,
          scenario.threats,
          (r) => String(r.__siteId),
          (r) => numberOf(r, "__updatedAt"),
        );
        return;
      case "GET agents":
        list(res, url, scenario, scenario.agents, (r) => String(r.siteId), null);
        return;
      default:
        sendJson(res, 404, s1Error(4040010, "Not Found", `No API ${route}`));
    }
  };

  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, s1Error(5000010, "Server Error"));
      else res.destroy();
    });
  });
  server.on("tlsClientError", () => undefined);
  server.on("clientError", (_err, socket) => socket.destroy());
  server.keepAliveTimeout = 5_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host, () => {
      const address: AddressInfo | string | null = server.address();
      if (address === null || typeof address === "string") reject(new Error("no TCP address"));
      else resolve(address.port);
    });
  });
  const hostPort = formatHostPort(options.host, port);
  return {
    origin: `https://${hostPort}`,
    hostPort,
    startedAt: options.startedAt,
    reset() {
      state = createState(startedAt);
      faults.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const cancel of [...pending]) cancel();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
