import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildApp } from "../app";
import { parseEnv } from "../env";
import { DataDirError, LOCK_FILE, lockDataDir } from "./data-dir";

// Each test opens an on-disk or scrypt-heavy app; on a loaded two-core machine that can take a while. No timing is
// asserted: this only bounds how long a hung test may take.
vi.setConfig({ testTimeout: 120_000 });

/**
 * DATA_DIR on disk: owner-only (review finding 2) and used by one process at a time (finding 3). Real files in a
 * temporary directory, the real app, and in the last test the real server process. PGlite only: with DATABASE_URL
 * there is no embedded database to protect or lock, so the PostgreSQL pass of `npm test` skips these.
 */

const root = fileURLToPath(new URL("../../..", import.meta.url));
const onPostgresPass = Boolean(process.env.PATCHBAY_TEST_POSTGRES_URL);
const unix = process.platform !== "win32";
const hasProc = await stat("/proc/self/stat").then(
  () => true,
  () => false,
);

const temps: string[] = [];
const apps: FastifyInstance[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill();
  for (const app of apps.splice(0)) await app.close();
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-data-dir-"));
  temps.push(dir);
  return dir;
}

function envFor(dataDir: string, withMasterKey = true) {
  return parseEnv({
    DATA_DIR: dataDir,
    ...(withMasterKey ? { PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64") } : {}),
    LOG_LEVEL: "silent",
    PATCHBAY_RECHECK_MINUTES: "0",
  });
}

async function start(dataDir: string, withMasterKey = true): Promise<FastifyInstance> {
  const app = await buildApp({ env: envFor(dataDir, withMasterKey), serveClient: false });
  apps.push(app);
  return app;
}

async function close(app: FastifyInstance): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

/** `path` itself and everything under it that has a group or other permission bit, as "0644 path". */
async function accessibleToOthers(path: string): Promise<string[]> {
  const info = await lstat(path);
  const found =
    (info.mode & 0o077) !== 0 ? [`${(info.mode & 0o777).toString(8).padStart(4, "0")} ${path}`] : [];
  if (!info.isDirectory()) return found;
  for (const name of await readdir(path)) found.push(...(await accessibleToOthers(join(path, name))));
  return found;
}

/** The pid of a process that has exited (so is certainly not holding anything). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((done) => child.once("exit", done));
  if (child.pid === undefined) throw new Error("could not spawn node");
  return child.pid;
}

async function lockOwner(dataDir: string): Promise<{ pid: number; startedAt: string }> {
  return JSON.parse(await readFile(join(dataDir, LOCK_FILE), "utf8"));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function staleLock(fields: Record<string, unknown>): string {
  return JSON.stringify({
    pid: 1,
    hostname: hostname(),
    startedAt: "2020-01-01T00:00:00.000Z",
    token: randomBytes(16).toString("hex"),
    ...fields,
  });
}

describe.skipIf(onPostgresPass || !unix)("DATA_DIR permissions", () => {
  it("creates DATA_DIR and everything PGlite and the master key put in it without group or other bits", async () => {
    const dataDir = join(await tempDir(), "data"); // does not exist yet: Patchbay creates it
    const app = await start(dataDir, false); // no PATCHBAY_MASTER_KEY: master.key is written too
    expect(await readdir(dataDir)).toEqual(expect.arrayContaining(["master.key", "pglite"]));
    expect((await readdir(join(dataDir, "pglite"))).length).toBeGreaterThan(10);
    expect(await accessibleToOthers(dataDir)).toEqual([]);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    // Closing writes files too (checkpoint); still owner-only. And a second start (PGlite rewrites
    // pg_internal.init with 0644 on every start) leaves nothing open either.
    await close(app);
    expect(await accessibleToOthers(dataDir)).toEqual([]);
    await close(await start(dataDir, false));
    expect(await accessibleToOthers(dataDir)).toEqual([]);
  });

  it("refuses a DATA_DIR that other users can read, naming it and the chmod that fixes it, before opening anything", async () => {
    const dataDir = join(await tempDir(), "shared data");
    await mkdir(dataDir);
    await chmod(dataDir, 0o755);

    const refused = await start(dataDir).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataDirError);
    const message = (refused as Error).message;
    expect(message).toContain(`the data directory ${dataDir} is accessible to other users (mode 0755)`);
    expect(message).toContain(`chmod -R go-rwx '${dataDir}'`);
    expect(await readdir(dataDir)).toEqual([]); // no database, no lock, no key
    expect((await stat(dataDir)).mode & 0o777).toBe(0o755); // and the operator's directory is left as it was

    // After the fix it starts, and the files an older Patchbay left readable are made owner-only.
    await writeFile(join(dataDir, "master.key"), `${randomBytes(32).toString("base64")}\n`, { mode: 0o644 });
    await chmod(join(dataDir, "master.key"), 0o644);
    await chmod(dataDir, 0o700);
    await start(dataDir, false);
    expect(await accessibleToOthers(dataDir)).toEqual([]);
  });
});

describe.skipIf(onPostgresPass)("DATA_DIR lock", () => {
  it("refuses a second app on the same DATA_DIR while the first is open, naming its pid; after close, starts", async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);

    const refused = await start(dataDir).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataDirError);
    const message = (refused as Error).message;
    const owner = await lockOwner(dataDir);
    expect(owner.pid).toBe(process.pid);
    expect(message).toContain(`the data directory ${dataDir} is in use by another Patchbay process`);
    expect(message).toContain(`(pid ${process.pid}, started ${owner.startedAt})`);
    expect(message).toContain("set DATABASE_URL");
    // The refused start left the first one's lock alone, and the first one still works.
    expect(await lockOwner(dataDir)).toEqual(owner);
    expect((await first.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);

    await close(first);
    expect(await exists(join(dataDir, LOCK_FILE))).toBe(false);
    const next = await start(dataDir);
    expect((await next.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);
  });

  it("takes over a stale lock left by a process that no longer exists", async () => {
    const dataDir = await tempDir();
    const pid = await deadPid();
    await writeFile(join(dataDir, LOCK_FILE), staleLock({ pid }), { mode: 0o600 });

    await start(dataDir);
    expect((await lockOwner(dataDir)).pid).toBe(process.pid);
  });

  it("takes over a lock of this very pid that this process does not hold (a restarted container reuses pids)", async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, LOCK_FILE), staleLock({ pid: process.pid }), { mode: 0o600 });
    const lock = await lockDataDir(dataDir);
    await lock.release();
  });

  it.skipIf(!hasProc)("takes over a lock whose pid now belongs to a different process", async () => {
    const dataDir = await tempDir();
    // The parent process is alive, but it started at another time than the one the lock recorded.
    await writeFile(join(dataDir, LOCK_FILE), staleLock({ pid: process.ppid, processStart: "1" }), {
      mode: 0o600,
    });
    const lock = await lockDataDir(dataDir);
    expect((await lockOwner(dataDir)).pid).toBe(process.pid);
    await lock.release();
  });

  it("refuses a lock written on another host, naming the lock file to delete if that process is gone", async () => {
    const dataDir = await tempDir();
    const lockPath = join(dataDir, LOCK_FILE);
    await writeFile(lockPath, staleLock({ pid: 4242, hostname: "other-host" }), { mode: 0o600 });
    const refused = await lockDataDir(dataDir).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataDirError);
    expect((refused as Error).message).toContain("Patchbay process 4242 on host other-host");
    expect((refused as Error).message).toContain(`delete ${lockPath} and start again`);
  });

  it("takes over an unreadable lock file once it is old (a process killed between creating and writing it)", async () => {
    const dataDir = await tempDir();
    const lockPath = join(dataDir, LOCK_FILE);
    await writeFile(lockPath, "", { mode: 0o600 });
    const longAgo = new Date("2020-01-01T00:00:00Z");
    await utimes(lockPath, longAgo, longAgo);
    const lock = await lockDataDir(dataDir);
    expect((await lockOwner(dataDir)).pid).toBe(process.pid);
    await lock.release();
  });

  it("lets exactly one of several simultaneous starts win, on a free directory and on a stale lock", async () => {
    for (const setup of [
      async (_dir: string) => undefined,
      async (dir: string) =>
        writeFile(join(dir, LOCK_FILE), staleLock({ pid: await deadPid() }), { mode: 0o600 }),
    ]) {
      const dataDir = await tempDir();
      await setup(dataDir);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => lockDataDir(dataDir)));
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      for (const r of lost) expect(r.reason).toBeInstanceOf(DataDirError);
      for (const r of won) await r.value.release();
      expect(await readdir(dataDir)).toEqual([]); // no lock, no takeover file left behind
    }
  });
});

/** A real `npm start`-style server: tsx src/server/main.ts on its own port, output captured. */
function startServer(dataDir: string, masterKey: string) {
  const child = spawn(join(root, "node_modules", ".bin", "tsx"), ["src/server/main.ts"], {
    cwd: root,
    // Only what the server needs: a DATABASE_URL from the caller's shell would bypass the lock.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      DATA_DIR: dataDir,
      PORT: "0",
      PATCHBAY_MASTER_KEY: masterKey,
      LOG_LEVEL: "silent",
      PATCHBAY_RECHECK_MINUTES: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (done) => child.on("close", (code, signal) => done({ code, signal, stdout, stderr })),
  );
  const running = new Promise<void>((done, fail) => {
    const onData = () => {
      if (stdout.includes("Patchbay is running at")) done();
    };
    child.stdout.on("data", onData);
    void exited.then((r) => fail(new Error(`the server exited (${r.code ?? r.signal}): ${r.stderr}`)));
  });
  running.catch(() => undefined); // a start expected to fail is awaited through `exited` only
  return { child, running, exited };
}

describe.skipIf(onPostgresPass || !unix)("two real servers on one DATA_DIR", () => {
  it("the second exits non-zero naming the first's pid; after the first is killed with -9, the next start takes over", async () => {
    const dataDir = join(await tempDir(), "data");
    const masterKey = randomBytes(32).toString("base64");

    const first = startServer(dataDir, masterKey);
    await first.running;

    const starting = startServer(dataDir, masterKey);
    const outcome = await Promise.race([starting.exited, starting.running.then(() => "running" as const)]);
    if (outcome === "running") throw new Error("the second server started on the same DATA_DIR");
    const second = outcome;
    const owner = await lockOwner(dataDir); // the first server's own pid (tsx runs it in a child process)
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stderr).toContain(`is in use by another Patchbay process (pid ${owner.pid}, started`);
    expect(second.stderr).toContain("DATABASE_URL");
    expect(second.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace

    process.kill(owner.pid, "SIGKILL");
    await first.exited;
    expect((await lockOwner(dataDir)).pid).toBe(owner.pid); // left behind by kill -9

    const third = startServer(dataDir, masterKey);
    await third.running;
    expect((await lockOwner(dataDir)).pid).not.toBe(owner.pid);
    third.child.kill("SIGTERM"); // graceful shutdown releases the lock
    expect((await third.exited).code).toBe(0);
    expect(await exists(join(dataDir, LOCK_FILE))).toBe(false);
    expect(await accessibleToOthers(dataDir)).toEqual([]);
  }, 120_000);
});
