import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, readdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { isMainThread } from "node:worker_threads";

/**
 * The embedded database's data directory (DATA_DIR): owner-only, and used by one process at a time.
 *
 * Permissions. DATA_DIR holds every password hash, session hash and sealed secret, and the master key. It is
 * created 0700 and a DATA_DIR that group or others can enter is refused. PGlite's node file system (emscripten's
 * NODEFS) sets each file's mode with an explicit chmod to what PostgreSQL asked for inside WASM (0666 for the files
 * copied at initdb, 0644 for pg_internal.init on every start), so the process umask does not reach those files:
 * `restrictTree` removes group and other bits from everything under DATA_DIR after the database opens and after it
 * closes. The umask is still set to 077, for the files PGlite creates while it runs (WAL segments, relations).
 *
 * Lock. Two processes on one PGlite directory each work on their own copy in memory and the last to stop wins,
 * silently. `lockDataDir` creates `DATA_DIR/patchbay.lock` atomically (`wx`) holding the owner's pid, host, start
 * time and a random token; the file is removed on release. A lock whose process is gone (kill -9, crash, reboot) is
 * stale and is taken over: the pid must exist (`process.kill(pid, 0)`) and, on Linux, be the same process (its
 * start time in /proc/<pid>/stat; a pid reused after a reboot or in a restarted container is not the owner).
 * Taking over happens under a second exclusive file, so two processes that find the same stale lock cannot both
 * win. A lock written on another host (a shared volume) cannot be checked from here and is refused with the path to
 * delete. No library: proper-lockfile (the usual choice) tells a stale lock by an mtime it refreshes on a timer, so
 * after a kill -9 the next start must wait out the staleness period, an event loop blocked by a long synchronous
 * PGlite query can make it declare its own lock compromised (by default: throw), and it records no pid to name.
 */

export class DataDirError extends Error {
  override name = "DataDirError";
}

export const LOCK_FILE = "patchbay.lock";

/** Unix permission bits: group and other. Windows has no such modes; there, only the lock applies. */
const GROUP_OTHER = 0o077;
const unixModes = process.platform !== "win32";

/** How long a start keeps retrying while another process is mid-way through taking or writing the lock. */
const CONTENTION_DEADLINE_MS = 10_000;
const RETRY_MS = 50;
/** A lock file that is still unreadable (or a takeover file still present) this long after it was written is debris. */
const DEBRIS_AFTER_MS = 2_000;

/** `path` quoted for a POSIX shell when it needs to be, so the printed command can be pasted as is. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

function errorCode(error: unknown): unknown {
  return error instanceof Error ? Reflect.get(error, "code") : undefined;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Files PGlite creates from now on get no group or other bits (the main thread only: workers cannot set it). */
export function restrictUmask(): void {
  if (!unixModes || !isMainThread) return;
  const previous = process.umask(0o077);
  if ((previous | 0o077) !== 0o077) process.umask(previous | 0o077);
}

/**
 * Create `dataDir` owner-only (0700) if it does not exist; refuse one that group or others can access, naming the
 * fix; then make everything inside owner-only. Returns the absolute path.
 */
export async function prepareDataDir(dataDir: string): Promise<string> {
  const path = resolve(dataDir);
  restrictUmask();
  let created: string | undefined;
  try {
    created = await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== "EEXIST" && errorCode(error) !== "ENOTDIR") throw error;
  }
  const info = await stat(path);
  if (!info.isDirectory()) {
    throw new DataDirError(`Patchbay cannot start: DATA_DIR ${path} is not a directory.`);
  }
  if (!unixModes) return path;
  if (created !== undefined) {
    await chmod(path, 0o700);
  } else if ((info.mode & GROUP_OTHER) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
    throw new DataDirError(
      `Patchbay cannot start: the data directory ${path} is accessible to other users (mode ${mode}). It holds ` +
        "the database (password hashes, sealed secrets) and the master key, so it must be private to the user " +
        `that runs Patchbay. Run:\n\n    chmod -R go-rwx ${shellQuote(path)}\n\nand start again.`,
    );
  }
  await restrictTree(path);
  return path;
}

/** Remove group and other permission bits from everything under `root` (symbolic links are left alone). */
export async function restrictTree(root: string): Promise<void> {
  if (!unixModes) return;
  const restrict = async (path: string) => {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return;
    if ((info.mode & GROUP_OTHER) !== 0) await chmod(path, info.mode & 0o7700);
    if (info.isDirectory()) {
      const names = await readdir(path);
      await Promise.all(names.map((name) => restrict(join(path, name))));
    }
  };
  const tolerant = async (path: string) => {
    try {
      await restrict(path);
    } catch (error) {
      // A file removed while we walk (a WAL segment recycled) needs no permissions.
      if (errorCode(error) !== "ENOENT") throw error;
    }
  };
  const names = await readdir(root);
  await Promise.all(names.map((name) => tolerant(join(root, name))));
}

interface LockOwner {
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO 8601), that is when that Patchbay started. */
  startedAt: string;
  /** Random: tells this lock from any other, including an earlier one of the same pid. */
  token: string;
  /** Linux only: the kernel's boot id and the process's start time in clock ticks since boot. */
  bootId?: string | undefined;
  processStart?: string | undefined;
}

export interface DataDirLock {
  /** The lock file. */
  readonly path: string;
  /** Remove the lock file if it is still this lock's. Safe to call more than once. */
  release(): Promise<void>;
}

/** Tokens of the locks this process holds: a second open in the same process is refused like any other. */
const heldTokens = new Set<string>();

async function readOrNull(path: string): Promise<string | null> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ESRCH") return null;
    throw error;
  }
}

async function bootId(): Promise<string | undefined> {
  return (await readOrNull("/proc/sys/kernel/random/boot_id").catch(() => null)) ?? undefined;
}

/** Field 22 of /proc/<pid>/stat (start time); the command name before it may hold spaces and parentheses. */
async function processStart(pid: number): Promise<string | undefined> {
  const stat = await readOrNull(`/proc/${pid}/stat`).catch(() => null);
  if (stat === null) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

function parseOwner(raw: string): LockOwner | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const field = (name: string) => Reflect.get(value, name);
  const pid = field("pid");
  const host = field("hostname");
  const startedAt = field("startedAt");
  const token = field("token");
  // pid 0 and negative pids would signal process groups in process.kill: never accept them.
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return null;
  if (typeof host !== "string" || typeof startedAt !== "string" || typeof token !== "string") return null;
  const optional = (name: string) => (typeof field(name) === "string" ? String(field(name)) : undefined);
  return {
    pid,
    hostname: host,
    startedAt,
    token,
    bootId: optional("bootId"),
    processStart: optional("processStart"),
  };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return errorCode(error) === "EPERM";
  }
}

/** Whether the process that wrote `owner` still runs: "elsewhere" when it ran on another host. */
async function ownerState(owner: LockOwner): Promise<"alive" | "gone" | "elsewhere"> {
  if (owner.hostname !== hostname()) return "elsewhere";
  const currentBoot = await bootId();
  if (owner.bootId !== undefined && currentBoot !== undefined && owner.bootId !== currentBoot) return "gone";
  if (owner.pid === process.pid) return heldTokens.has(owner.token) ? "alive" : "gone";
  if (!pidExists(owner.pid)) return "gone";
  if (owner.processStart !== undefined) {
    const start = await processStart(owner.pid);
    if (start !== undefined && start !== owner.processStart) return "gone";
  }
  return "alive";
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

/**
 * Remove the lock file if it still holds `raw` (the stale lock we judged). Done under `<lock>.takeover`, created
 * exclusively, so that of two processes that judged the same stale lock, the second cannot remove the new lock the
 * first has written meanwhile: it re-reads under the takeover file and finds different content.
 */
async function removeStale(lockPath: string, raw: string): Promise<void> {
  const takeover = `${lockPath}.takeover`;
  try {
    await writeFile(takeover, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if (errorCode(error) !== "EEXIST") throw error;
    // Another process is taking over right now (a few file operations), or died doing it long ago.
    if (await olderThan(takeover, DEBRIS_AFTER_MS)) await unlink(takeover).catch(() => undefined);
    else await sleep(RETRY_MS);
    return;
  }
  try {
    if ((await readOrNull(lockPath)) === raw) await unlink(lockPath);
  } finally {
    await unlink(takeover).catch(() => undefined);
  }
}

function inUse(dataDir: string, owner: LockOwner): DataDirError {
  return new DataDirError(
    `Patchbay cannot start: the data directory ${dataDir} is in use by another Patchbay process (pid ${owner.pid}, ` +
      `started ${owner.startedAt}). Two processes on one embedded database lose each other's writes. Stop that ` +
      "process first. To run several instances, use PostgreSQL: set DATABASE_URL (and the same " +
      "PATCHBAY_MASTER_KEY) for each.",
  );
}

function inUseElsewhere(dataDir: string, lockPath: string, owner: LockOwner): DataDirError {
  return new DataDirError(
    `Patchbay cannot start: the data directory ${dataDir} is in use by Patchbay process ${owner.pid} on host ` +
      `${owner.hostname} (started ${owner.startedAt}), according to ${lockPath}. Whether that process still runs ` +
      `cannot be checked from this host (${hostname()}). If it does not, delete ${shellQuote(lockPath)} and start ` +
      "again. To run several instances, use PostgreSQL: set DATABASE_URL (and the same PATCHBAY_MASTER_KEY) for each.",
  );
}

/**
 * Take the exclusive lock on `dataDir` (which must exist), or throw a DataDirError naming the process that holds
 * it. A stale lock (its process is gone) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  const lockPath = join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(16).toString("hex"),
    bootId: await bootId(),
    processStart: await processStart(process.pid),
  };
  const content = JSON.stringify(me);
  // Ours from before the file exists: another open in this process that reads it must find it held, not stale.
  heldTokens.add(me.token);
  let locked = false;
  try {
    await takeLock(dir, lockPath, content);
    locked = true;
  } finally {
    if (!locked) heldTokens.delete(me.token);
  }
  let released = false;
  return {
    path: lockPath,
    release: async () => {
      if (released) return;
      released = true;
      heldTokens.delete(me.token);
      if ((await readOrNull(lockPath)) === content) await unlink(lockPath).catch(() => undefined);
    },
  };
}

async function takeLock(dir: string, lockPath: string, content: string): Promise<void> {
  const deadline = Date.now() + CONTENTION_DEADLINE_MS;
  while (Date.now() < deadline) {
    try {
      await writeFile(lockPath, `${content}\n`, { flag: "wx", mode: 0o600 });
      return;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
    const raw = await readOrNull(lockPath);
    if (raw === null) continue; // released in the meantime
    const owner = parseOwner(raw);
    if (owner === null) {
      // Between its creation and its first write, or left so by a process killed in between.
      if (await olderThan(lockPath, DEBRIS_AFTER_MS)) await removeStale(lockPath, raw);
      else await sleep(RETRY_MS);
      continue;
    }
    const state = await ownerState(owner);
    if (state === "alive") throw inUse(dir, owner);
    if (state === "elsewhere") throw inUseElsewhere(dir, lockPath, owner);
    await removeStale(lockPath, raw);
  }
  throw new DataDirError(
    `Patchbay cannot start: the lock ${lockPath} stayed busy for ${CONTENTION_DEADLINE_MS / 1000} s while other ` +
      "processes were taking it. Make sure only one Patchbay runs on this DATA_DIR, then start again.",
  );
}
