// `npm run bench` (third part): cold start and idle memory of a Patchbay server against opening its embedded
// database alone, each in a fresh process on a fresh data directory, as ratios measured in the same run.
//
// - db: a process that opens PGlite (with Patchbay's migrations) and nothing else; the floor any start pays.
// - server: `buildApp` with its defaults (sync and re-checks on, so pg-boss starts) listening on a port, measured
//   until `/api/health/ready` answers.
// Each figure is the median of a few starts; the idle RSS is read a second after ready. `--short` (what `npm test`
// runs) starts each once and judges nothing.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const short = process.argv.includes("--short");
const child = process.argv.find((a) => a.startsWith("--child="))?.slice("--child=".length);
const IDLE_MS = 1_000;
const line = z.object({ readyMs: z.number(), rssBytes: z.number() });

async function runChild(mode: "db" | "server"): Promise<void> {
  const dataDir = process.env.DATA_DIR ?? "";
  if (mode === "db") {
    const { openDatabase } = await import("./db/client");
    const handle = await openDatabase({ dataDir });
    const readyMs = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    process.stdout.write(`${JSON.stringify({ readyMs, rssBytes: process.memoryUsage().rss })}\n`);
    await handle.close();
    return;
  }
  const { buildApp } = await import("./app");
  const { parseEnv } = await import("./env");
  const app = await buildApp({ env: parseEnv(process.env), serveClient: false });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const ready = await fetch(`${address}/api/health/ready`);
  if (ready.status !== 200) throw new Error(`ready answered ${ready.status}`);
  const readyMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  process.stdout.write(`${JSON.stringify({ readyMs, rssBytes: process.memoryUsage().rss })}\n`);
  await app.close();
}

async function start(mode: "db" | "server"): Promise<z.infer<typeof line>> {
  const dataDir = await mkdtemp(join(tmpdir(), "patchbay-bench-start-"));
  try {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const proc = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), `--child=${mode}`],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATA_DIR: dataDir,
          PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
          LOG_LEVEL: "silent",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
    if (code !== 0) throw new Error(`the ${mode} start failed (${code}): ${err}`);
    return line.parse(JSON.parse(out.trim().split("\n").at(-1) ?? "null"));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

if (child === "db" || child === "server") {
  await runChild(child);
} else {
  const runs = short ? 1 : 3;
  const db: Array<z.infer<typeof line>> = [];
  const server: Array<z.infer<typeof line>> = [];
  // Interleaved, so a noisy moment on the machine weighs on both alike.
  for (let i = 0; i < runs; i += 1) {
    db.push(await start("db"));
    server.push(await start("server"));
  }
  const ms = (xs: Array<z.infer<typeof line>>) => median(xs.map((x) => x.readyMs));
  const mib = (xs: Array<z.infer<typeof line>>) => median(xs.map((x) => x.rssBytes)) / 1024 / 1024;
  process.stdout.write(
    `${[
      `cold start to ready: ${(ms(server) / ms(db)).toFixed(2)}× opening the embedded database alone (${Math.round(ms(server))} ms vs ${Math.round(ms(db))} ms, median of ${runs})`,
      `idle RSS: ${(mib(server) / mib(db)).toFixed(2)}× the database alone (${Math.round(mib(server))} MiB vs ${Math.round(mib(db))} MiB)`,
    ].join("\n")}\n`,
  );
}
