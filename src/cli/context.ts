import { readFileSync } from "node:fs";
import { z } from "zod";
import { ApiClient } from "./api";
import { resolveServer } from "./profile";
import { clean, type Terminal } from "./terminal";

/** What every command gets: the terminal, whether to print JSON, and a lazily configured API client. */
export interface Context {
  term: Terminal;
  json: boolean;
  client(): Promise<ApiClient>;
}

let cachedVersion: string | undefined;

export function cliVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
      cachedVersion = z.object({ version: z.string() }).parse(JSON.parse(text)).version;
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}

export function userAgent(): string {
  return `patchbay-cli/${cliVersion()} node/${process.versions.node}`;
}

export function createContext(term: Terminal, json: boolean): Context {
  let client: ApiClient | undefined;
  return {
    term,
    json,
    async client() {
      if (client === undefined) {
        const server = await resolveServer(term.streams.env, (line) => term.err(`${line}\n`));
        term.addSecret(server.token);
        client = new ApiClient({ baseUrl: server.url, token: server.token, userAgent: userAgent() });
      }
      return client;
    },
  };
}

/** Print the parsed API object (--json) or human lines. */
export function print(ctx: Context, value: unknown, lines: () => readonly string[]): void {
  if (ctx.json) ctx.term.out(`${JSON.stringify(value, null, 2)}\n`);
  else ctx.term.out(`${lines().join("\n")}\n`);
}

/** A note for a human on stderr (never under --json on stdout). */
export function note(ctx: Context, line: string): void {
  ctx.term.err(`${clean(line)}\n`);
}
