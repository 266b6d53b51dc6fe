import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { CliError, EXIT, usageError } from "./exit-codes";

/** Where `patchbay login` keeps `{ url, token }`: $XDG_CONFIG_HOME/patchbay/profile.json or ~/.config/…. */
export function profilePath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== "" && isAbsolute(xdg) ? xdg : join(homedir(), ".config");
  return join(base, "patchbay", "profile.json");
}

const profileSchema = z.object({ url: z.string().min(1), token: z.string().min(1) });
export type Profile = z.infer<typeof profileSchema>;

function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? Reflect.get(error, "code") : undefined;
  return typeof code === "string" ? code : undefined;
}

export async function readProfile(path: string): Promise<{ profile: Profile; warning?: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new CliError(
      EXIT.notAuthenticated,
      `Cannot read the profile ${path}: ${errorCode(error) ?? "error"}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      EXIT.notAuthenticated,
      `The profile ${path} is not valid. Run \`patchbay login --url URL\` again, or \`patchbay logout\` to remove it.`,
    );
  }
  let warning: string | undefined;
  if (process.platform !== "win32") {
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) {
      warning = `Warning: ${path} holds an API token but other users can read it. Run: chmod 600 ${path}`;
    }
  }
  return warning === undefined ? { profile: parsed.data } : { profile: parsed.data, warning };
}

/** Write the profile atomically with mode 0600 (directory 0700). */
export async function writeProfile(path: string, profile: Profile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600, flag: "w" });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

export async function deleteProfile(path: string): Promise<boolean> {
  try {
    await stat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  await rm(path, { force: true });
  return true;
}

/**
 * Canonical server URL: http(s), no credentials, query or fragment; no trailing slash. A path is kept (a server
 * behind a reverse proxy under /patchbay).
 */
export function normaliseServerUrl(raw: string, source: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(
      `${source} is not a URL. Use e.g. https://patchbay.example.com or http://127.0.0.1:8080.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw usageError(`${source} must start with https:// or http://.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw usageError(`${source} must not contain a user name or password; the API token authenticates.`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw usageError(`${source} must not contain a query string or fragment.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Plain HTTP to anything but this machine exposes the token on the network. */
export function isInsecureRemote(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol !== "http:") return false;
  return !(hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname));
}

export interface Server {
  url: string;
  token: string;
  /** Where the settings came from, for messages. */
  source: "environment" | "profile";
}

/**
 * PATCHBAY_URL / PATCHBAY_TOKEN win over the profile. The profile's token is only ever sent to the profile's own
 * server: with PATCHBAY_URL pointing elsewhere, PATCHBAY_TOKEN is required.
 */
export async function resolveServer(env: NodeJS.ProcessEnv, warn: (line: string) => void): Promise<Server> {
  const envUrl = env.PATCHBAY_URL?.trim() || undefined;
  const envToken = env.PATCHBAY_TOKEN?.trim() || undefined;
  const path = profilePath(env);
  const loaded = envUrl !== undefined && envToken !== undefined ? undefined : await readProfile(path);
  if (loaded?.warning) warn(loaded.warning);
  const profile = loaded?.profile;

  const url = envUrl !== undefined ? normaliseServerUrl(envUrl, "PATCHBAY_URL") : profile?.url;
  if (url === undefined) {
    throw new CliError(
      EXIT.notAuthenticated,
      "No Patchbay server configured. Set PATCHBAY_URL and PATCHBAY_TOKEN, or run `patchbay login --url URL`.",
      { error: { code: "not_configured", message: "No Patchbay server configured." } },
    );
  }
  const profileMatches = profile !== undefined && profile.url === url;
  const token = envToken ?? (profileMatches ? profile.token : undefined);
  if (token === undefined) {
    throw new CliError(
      EXIT.notAuthenticated,
      `No API token for ${url}. Set PATCHBAY_TOKEN, or run \`patchbay login --url ${url}\`.`,
      { error: { code: "not_configured", message: `No API token for ${url}.` } },
    );
  }
  return { url, token, source: envToken !== undefined ? "environment" : "profile" };
}
