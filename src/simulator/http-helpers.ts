// Small helpers shared by the simulator's handlers.

import type { IncomingMessage, ServerResponse } from "node:http";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

export function canRespond(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed && !res.writableEnded;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = JSON_CONTENT_TYPE,
): void {
  if (!canRespond(res)) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store, no-cache",
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  if (!canRespond(res)) return;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : html);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  if (!canRespond(res)) return;
  res.writeHead(status, { "content-length": "0" });
  res.end();
}

export class BodyTooLargeError extends Error {
  constructor() {
    super("request body too large");
  }
}

/** Reads the request body as UTF-8, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
    req.on("aborted", () => {
      if (!failed) {
        failed = true;
        reject(new Error("request aborted"));
      }
    });
  });
}

/** Entra's timestamp format: `2016-01-09 02:02:12Z`. */
export function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID_RE.test(value);
}

export function formatOrigin(host: string, port: number): string {
  return `https://${formatHostPort(host, port)}`;
}

export function formatHostPort(host: string, port: number): string {
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return shown.includes(":") ? `[${shown}]:${port}` : `${shown}:${port}`;
}

/** The text of a `hostile_text` fault. */
export const HOSTILE_TEXT = `AADSTS50000: hostile\u0000upstream \u0007\u001b[31mred\u202eesrever \ud800 ${"x".repeat(250_000)}`;
