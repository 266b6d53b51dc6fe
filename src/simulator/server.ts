// HTTPS stand-in for Microsoft Entra ID (token endpoint), the Microsoft Defender for Endpoint API, the Defender XDR
// ("Microsoft Threat Protection") incidents API and Microsoft Graph, all on one origin: `/api/incidents` is the
// Defender XDR API, other `/api/...` paths the Defender for Endpoint API, `/v1.0/...` and `/beta/...` Graph, the rest
// Entra. Used by tests, e2e and `npm run demo`; production code never imports it.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import {
  alertUpdateSchema,
  bulkAlertIds,
  bulkDataSchema,
  generateBulk,
  machineRemovalSchema,
  removeBulkMachines,
  resetBulk,
  updateBulkAlerts,
} from "./bulk-data";
import { ensureCertificate } from "./certificate";
import {
  HUNTING_CALLS_PER_MINUTE,
  handleDefenderApi,
  RATE_LIMIT_PER_HOUR,
  RATE_LIMIT_PER_MINUTE,
  RateLimiter,
  sendDefenderError,
  sendDefenderRateLimited,
  sendDefenderUnauthorized,
} from "./defender-api";
import { handleEntra, sendEntraFault } from "./entra";
import { type FalconSimulator, startFalconSimulator } from "./falcon-api";
import {
  handleGraph,
  isGraphPath,
  sendGraphError,
  sendGraphThrottled,
  sendGraphUnauthorized,
} from "./graph-api";
import {
  BodyTooLargeError,
  formatHostPort,
  formatOrigin,
  HOSTILE_TEXT,
  isGuid,
  readBody,
  sendEmpty,
  sendHtml,
  sendJson,
} from "./http-helpers";
import { createSimDirectory } from "./seed";
import { type SentinelOneSimulator, startSentinelOneSimulator } from "./sentinelone-api";
import { createSigningKey } from "./signing-key";
import {
  handleThreatProtectionApi,
  INCIDENTS_CALLS_PER_MINUTE,
  isThreatProtectionPath,
} from "./threat-protection-api";

/**
 * What a fault hits: "token" the Entra token endpoint, "api" the Defender for Endpoint API, "graph" Microsoft Graph,
 * "threat-protection" the Defender XDR incidents API. Each answers in its own error shape.
 */
const faultTargetSchema = z.enum(["token", "api", "graph", "threat-protection"]);
const apiTargetSchema = z.enum(["api", "graph", "threat-protection"]);
export type SimFaultTarget = z.infer<typeof faultTargetSchema>;

export const simFaultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("rate_limit"),
    retryAfterSeconds: z.number().int().min(0).max(86_400),
    target: faultTargetSchema,
  }),
  z.object({ kind: z.literal("server_error"), target: faultTargetSchema }),
  z.object({
    kind: z.literal("slow"),
    delayMs: z.number().int().min(0).max(600_000),
    target: faultTargetSchema,
  }),
  z.object({ kind: z.literal("non_json"), target: faultTargetSchema }),
  // A rogue or broken upstream: an error whose text carries NUL, control and text-direction characters, an unpaired
  // surrogate and a quarter of a megabyte, all valid JSON (PostgreSQL's jsonb refuses \u0000).
  z.object({ kind: z.literal("hostile_text"), target: faultTargetSchema }),
  // An API refuses the tenant's (otherwise valid) tokens, as Defender does for a token whose audience belongs to
  // another cloud. Only an API can answer that way, so "token" is not a target of this fault.
  z.object({ kind: z.literal("unauthorized"), target: apiTargetSchema }),
]);

export type SimFault = z.infer<typeof simFaultSchema>;

export interface SimRequest {
  readonly method: string;
  /** Path and query; query parameters that could carry secrets or tokens are removed. */
  readonly path: string;
  /** Tenant from the Entra path, or the verified token's `tid` for API calls. */
  readonly tenant?: string;
  /** Which listener received it. */
  readonly listener: "main" | "decoy" | "sentinelone";
}

export interface Simulator {
  /**
   * e.g. "https://127.0.0.1:9443": Entra authority host, Defender API base URL, Defender XDR API origin
   * (PATCHBAY_SECURITY_API_ORIGIN) and Microsoft Graph origin (PATCHBAY_GRAPH_ORIGIN) at once.
   */
  origin: string;
  /** The simulator's clock at start: the relative seeds' secret dates count from it (see seed.ts). */
  startedAt: Date;
  /** e.g. "127.0.0.1:9443" */
  hostPort: string;
  /** A second listener answering every path with a 200 HTML portal page ("wrong endpoint"). */
  decoyOrigin: string;
  decoyHostPort: string;
  /** The SentinelOne console stand-in (its own listener: src/simulator/sentinelone-api.ts). */
  sentinelOneOrigin: string;
  sentinelOneHostPort: string;
  certPath: string;
  /** PEM of the self-signed certificate (trust it with `ca` or NODE_EXTRA_CA_CERTS=certPath). */
  cert: string;
  /** The CrowdStrike Falcon API, one listener per cloud (falcon-api.ts). */
  falcon: FalconSimulator;
  setFault(tenantId: string, fault: SimFault | null): void;
  /** Log of requests received (never secrets or tokens), oldest first. */
  requests(): ReadonlyArray<SimRequest>;
  /** Clears faults, the request log and the rate-limit windows. */
  reset(): void;
  close(): Promise<void>;
}

export interface StartSimulatorOptions {
  host?: string;
  port?: number;
  certDir?: string;
  decoyPort?: number;
  sentinelOnePort?: number;
}

const MAX_LOGGED_REQUESTS = 5_000;
const SENSITIVE_PARAM = /secret|assertion|token|password|code|key|authorization/i;

function loggablePath(url: URL): string {
  const params = new URLSearchParams();
  for (const [k, v] of url.searchParams) {
    if (!SENSITIVE_PARAM.test(k)) params.append(k, v);
  }
  const query = params.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

const NON_JSON_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Service Unavailable</title></head>
<body><h1>Service temporarily unavailable</h1>
<p>The proxy server received an invalid response from an upstream server. Please try again later.</p>
</body></html>
`;

const DECOY_HTML = `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Microsoft Defender</title>
<style>body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;background:#faf9f8;color:#323130}
header{background:#0f6cbd;color:#fff;padding:12px 24px;font-weight:600}main{padding:48px 24px}</style>
</head>
<body>
<header>Microsoft Defender</header>
<main>
<h1>Sign in to continue</h1>
<p>You need to sign in with your work account to use the Microsoft Defender portal.</p>
<noscript>JavaScript is required. Enable JavaScript and reload the page.</noscript>
</main>
</body>
</html>
`;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address: AddressInfo | string | null = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("simulator: listener has no TCP address"));
        return;
      }
      resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function hardenServer(server: Server): void {
  server.on("tlsClientError", () => {
    // Clients that do not trust the self-signed certificate abort the handshake; nothing to do.
  });
  server.on("clientError", (_err, socket) => {
    socket.destroy();
  });
  server.keepAliveTimeout = 5_000;
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const certDir = options.certDir ?? "./data/simulator";
  const { cert, key, certPath } = await ensureCertificate(certDir);
  const signingKey = createSigningKey();
  const startedAt = new Date();
  const tenants = createSimDirectory(startedAt);
  const rateLimiter = new RateLimiter(RATE_LIMIT_PER_MINUTE);
  /** "1500 calls per hour" per app (reference/microsoft-defender.md §4.3). */
  const hourLimiter = new RateLimiter(RATE_LIMIT_PER_HOUR, 3_600_000);
  const incidentsLimiter = new RateLimiter(INCIDENTS_CALLS_PER_MINUTE);
  const huntingLimiter = new RateLimiter(HUNTING_CALLS_PER_MINUTE);
  const faults = new Map<string, SimFault>();
  const log: { method: string; path: string; tenant?: string; listener: SimRequest["listener"] }[] = [];
  const pendingDelays = new Set<() => void>();
  let closing = false;

  const record = (entry: {
    method: string;
    path: string;
    tenant?: string;
    listener: SimRequest["listener"];
  }) => {
    log.push(entry);
    if (log.length > MAX_LOGGED_REQUESTS) log.splice(0, log.length - MAX_LOGGED_REQUESTS);
    return entry;
  };

  /** Waits `ms`; resolves false when the client went away or the simulator closed meanwhile. */
  const delay = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      let settled = false;
      const finish = (completed: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        res.off("close", onClose);
        pendingDelays.delete(cancel);
        resolve(completed);
      };
      const onClose = () => finish(false);
      const cancel = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      res.on("close", onClose);
      pendingDelays.add(cancel);
    });

  /** Each target answers faults in its own service's error shape. */
  const STYLE: Record<SimFaultTarget, "entra" | "defender" | "graph"> = {
    token: "entra",
    api: "defender",
    "threat-protection": "defender",
    graph: "graph",
  };

  const applyFault = async (
    tenantId: string,
    target: SimFaultTarget,
    res: ServerResponse,
  ): Promise<boolean> => {
    const fault = faults.get(tenantId.toLowerCase());
    if (!fault || fault.target !== target) return false;
    const style = STYLE[target];
    switch (fault.kind) {
      case "rate_limit":
        if (style === "entra") sendEntraFault(res, "rate_limit", fault.retryAfterSeconds);
        else if (style === "graph") sendGraphThrottled(res, fault.retryAfterSeconds);
        else sendDefenderRateLimited(res, fault.retryAfterSeconds);
        return true;
      case "server_error":
        if (style === "entra") sendEntraFault(res, "server_error", 0);
        else if (style === "graph")
          sendGraphError(res, 500, "generalException", "An unspecified error has occurred.");
        else
          sendDefenderError(
            res,
            500,
            "InternalServerError",
            "An unexpected error occurred. Please retry the operation.",
          );
        return true;
      case "non_json":
        sendHtml(res, 200, NON_JSON_HTML);
        return true;
      case "hostile_text":
        if (style === "entra") sendEntraFault(res, "hostile_text", 0);
        else if (style === "graph") sendGraphError(res, 500, "Unknown\u0000Error", HOSTILE_TEXT);
        else sendDefenderError(res, 500, "Internal\u0000Error", HOSTILE_TEXT);
        return true;
      case "unauthorized":
        // Never a token-target fault (see simFaultSchema).
        if (style === "graph") sendGraphUnauthorized(res);
        else sendDefenderUnauthorized(res);
        return true;
      case "slow": {
        const completed = await delay(fault.delayMs, res);
        return !completed || closing;
      }
    }
  };

  const reset = (): void => {
    faults.clear();
    rateLimiter.reset();
    hourLimiter.reset();
    resetBulk();
    incidentsLimiter.reset();
    huntingLimiter.reset();
    sentinelOne?.reset();
    log.length = 0;
  };
  let sentinelOne: (SentinelOneSimulator & { reset(): void }) | undefined;

  // Set once listening.
  let origin = "";
  let hostPort = "";

  /** Bulk data for sync (src/simulator/bulk-data.ts). */
  const handleDataControl = async (
    req: IncomingMessage,
    res: ServerResponse,
    tenantId: string,
    path: string[],
  ): Promise<void> => {
    if (!isGuid(tenantId)) {
      sendJson(res, 400, { error: { code: "InvalidTenantId", message: "The tenant id must be a GUID." } });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, 16 * 1024));
    } catch {
      sendJson(res, 400, { error: { code: "InvalidBody", message: "Body must be JSON." } });
      return;
    }
    const route = `${req.method} ${path.join("/")}`;
    if (route === "PUT ") {
      const spec = bulkDataSchema.safeParse(body);
      if (!spec.success) {
        sendJson(res, 400, {
          error: { code: "InvalidBody", message: "Expected { alerts, machines, days? }." },
        });
        return;
      }
      generateBulk(tenantId, spec.data);
      sendJson(res, 200, { tenantId, alerts: bulkAlertIds(tenantId).size });
      return;
    }
    if (route === "POST alerts/update") {
      const change = alertUpdateSchema.safeParse(body);
      if (!change.success) {
        sendJson(res, 400, { error: { code: "InvalidBody", message: "Expected { count, status }." } });
        return;
      }
      sendJson(res, 200, {
        updated: updateBulkAlerts(
          tenantId,
          change.data.count,
          change.data.status,
          change.data.at ? Date.parse(change.data.at) : Date.now(),
        ),
      });
      return;
    }
    if (route === "POST machines/remove") {
      const change = machineRemovalSchema.safeParse(body);
      if (!change.success) {
        sendJson(res, 400, { error: { code: "InvalidBody", message: "Expected { count }." } });
        return;
      }
      sendJson(res, 200, { removed: removeBulkMachines(tenantId, change.data.count) });
      return;
    }
    sendJson(res, 404, { error: { code: "NotFound", message: `No data control ${route}` } });
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const parts = url.pathname.split("/").filter((p) => p.length > 0); // ["__simulator", ...]
    const [, resource, id, ...more] = parts;
    if (resource === "health" && id === undefined && (req.method === "GET" || req.method === "HEAD")) {
      sendJson(res, 200, { status: "ok", origin, hostPort, startedAt: startedAt.toISOString() });
      return;
    }
    if (resource === "requests" && id === undefined && req.method === "GET") {
      sendJson(res, 200, { requests: log });
      return;
    }
    if (resource === "reset" && id === undefined && req.method === "POST") {
      reset();
      sendEmpty(res, 204);
      return;
    }
    if (resource === "data" && id !== undefined) {
      await handleDataControl(req, res, id.toLowerCase(), more);
      return;
    }
    if (resource === "faults" && more.length === 0) {
      if (id === undefined) {
        if (req.method === "GET") {
          sendJson(res, 200, { faults: Object.fromEntries(faults) });
          return;
        }
        if (req.method === "DELETE") {
          faults.clear();
          sendEmpty(res, 204);
          return;
        }
      } else {
        const tenantId = id.toLowerCase();
        if (!isGuid(tenantId)) {
          sendJson(res, 400, {
            error: { code: "InvalidTenantId", message: "The tenant id must be a GUID." },
          });
          return;
        }
        if (req.method === "GET") {
          sendJson(res, 200, { tenantId, fault: faults.get(tenantId) ?? null });
          return;
        }
        if (req.method === "DELETE") {
          faults.delete(tenantId);
          sendEmpty(res, 204);
          return;
        }
        if (req.method === "PUT") {
          let body: unknown;
          try {
            body = JSON.parse(await readBody(req, 16 * 1024));
          } catch (err) {
            const message = err instanceof BodyTooLargeError ? "Body too large." : "Body must be JSON.";
            sendJson(res, 400, { error: { code: "InvalidBody", message } });
            return;
          }
          const parsed = simFaultSchema.safeParse(body);
          if (!parsed.success) {
            sendJson(res, 400, {
              error: {
                code: "InvalidFault",
                message: "Body is not a valid SimFault.",
                issues: parsed.error.issues,
              },
            });
            return;
          }
          faults.set(tenantId, parsed.data);
          sendJson(res, 200, { tenantId, fault: parsed.data });
          return;
        }
      }
    }
    sendJson(res, 404, {
      error: { code: "NotFound", message: `No simulator control endpoint ${req.method} ${url.pathname}` },
    });
  };

  const handleMain = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", origin || "https://127.0.0.1");
    const entry = record({ method: req.method ?? "GET", path: loggablePath(url), listener: "main" });
    const onTenant = (tenant: string) => {
      entry.tenant = tenant;
    };

    if (url.pathname.startsWith("/__simulator/")) {
      await handleControl(req, res, url);
      return;
    }
    if (isThreatProtectionPath(url.pathname)) {
      await handleThreatProtectionApi(
        {
          origin,
          signingKey,
          rateLimiter: incidentsLimiter,
          applyFault: (tenantId, _req, r) => applyFault(tenantId, "threat-protection", r),
        },
        req,
        res,
        url,
        onTenant,
      );
      return;
    }
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
      await handleDefenderApi(
        {
          origin,
          signingKey,
          rateLimiter,
          hourLimiter,
          huntingLimiter,
          applyApiFault: (tenantId, _req, r) => applyFault(tenantId, "api", r),
        },
        req,
        res,
        url,
        onTenant,
      );
      return;
    }
    if (isGraphPath(url.pathname)) {
      await handleGraph(
        {
          origin,
          signingKey,
          huntingLimiter,
          findTenant: (tenantId) => tenants.find((t) => t.tenantId === tenantId),
          applyFault: (tenantId, _req, r) => applyFault(tenantId, "graph", r),
        },
        req,
        res,
        url,
        onTenant,
      );
      return;
    }
    const handled = await handleEntra(
      {
        origin,
        hostPort,
        signingKey,
        tenants,
        applyTokenFault: (tenantId, _req, r) => applyFault(tenantId, "token", r),
      },
      req,
      res,
      url,
      onTenant,
    );
    if (!handled) {
      sendJson(res, 404, {
        error: {
          code: "ResourceNotFound",
          message: `No resource was found that matches the request URI '${url.pathname}'.`,
        },
      });
    }
  };

  const handleDecoy = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    record({ method: req.method ?? "GET", path: loggablePath(url), listener: "decoy" });
    // Like a web portal: every path answers 200 with HTML, whatever the method or Authorization header.
    req.resume();
    sendHtml(res, 200, DECOY_HTML, { "x-frame-options": "DENY" });
  };

  const mainServer = createServer({ cert, key }, (req, res) => {
    handleMain(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      console.error(`[simulator] unexpected error on ${req.method} ${req.url?.split("?")[0]}: ${message}`);
      sendJson(res, 500, {
        error: { code: "InternalServerError", message: "An unexpected error occurred." },
      });
    });
  });
  const decoyServer = createServer({ cert, key }, handleDecoy);
  hardenServer(mainServer);
  hardenServer(decoyServer);

  try {
    const port = await listen(mainServer, options.port ?? 0, host);
    const decoyPort = await listen(decoyServer, options.decoyPort ?? 0, host);
    origin = formatOrigin(host, port);
    hostPort = formatHostPort(host, port);
    const decoyHostPort = formatHostPort(host, decoyPort);
    const decoyOrigin = `https://${decoyHostPort}`;
    const falcon = await startFalconSimulator({ cert, key, host });
    sentinelOne = await startSentinelOneSimulator({
      cert,
      key,
      host,
      ...(options.sentinelOnePort === undefined ? {} : { port: options.sentinelOnePort }),
      startedAt,
      record,
    });
    const s1 = sentinelOne;

    return {
      origin,
      startedAt,
      hostPort,
      decoyOrigin,
      decoyHostPort,
      sentinelOneOrigin: s1.origin,
      sentinelOneHostPort: s1.hostPort,
      certPath,
      cert,
      falcon,
      setFault(tenantId, fault) {
        const id = tenantId.toLowerCase();
        if (fault === null) faults.delete(id);
        else faults.set(id, simFaultSchema.parse(fault));
      },
      requests() {
        return log.map((e) => ({ ...e }));
      },
      reset() {
        reset();
        falcon.reset();
      },
      async close() {
        closing = true;
        for (const cancel of [...pendingDelays]) cancel();
        await Promise.all([closeServer(mainServer), closeServer(decoyServer), falcon.close()]);
        await Promise.all([closeServer(mainServer), closeServer(decoyServer), s1.close()]);
      },
    };
  } catch (err) {
    await Promise.all([closeServer(mainServer), closeServer(decoyServer), sentinelOne?.close()]);
    throw err;
  }
}
