// `npm test`: every check and every test — types, lint, import boundaries, unit + server tests (real PGlite, the
// simulator over HTTPS), the server tests again on a throwaway PostgreSQL when it is installed, the production
// build, and Playwright e2e in Debian's Chromium. The last line it prints is
// `N passed, N failed` (static checks count as one test each).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { bin, root, run } from "./lib";

const out = join(root, ".ci-out");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function findChromium(): string | null {
  const candidates = [process.env.PLAYWRIGHT_CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((c): c is string => typeof c === "string" && c !== "" && existsSync(c)) ?? null;
}

let chromium = findChromium();
if (chromium === null) {
  if (process.getuid?.() === 0) {
    process.stdout.write("Chromium is missing; installing Debian's chromium with apt…\n");
    execFileSync(
      "bash",
      ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"],
      {
        stdio: "inherit",
      },
    );
    chromium = findChromium();
  }
  if (chromium === null) {
    process.stderr.write(
      "The browser tests need Chromium. Install it with:\n  sudo apt-get install -y chromium\nor set PLAYWRIGHT_CHROMIUM_PATH to a Chromium binary, then run npm test again.\n",
    );
    process.exit(1);
  }
}

const results: { name: string; passed: number; failed: number; skipped: number }[] = [];

async function check(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  process.stdout.write(`\n::: ${name}\n`);
  const code = await run(command, args, { env: { ...process.env, ...env } });
  results.push({ name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 });
  return code === 0;
}

const vitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
  numFailedTestSuites: z.number(),
});
const playwrightReport = z.object({
  stats: z.object({ expected: z.number(), unexpected: z.number(), flaky: z.number(), skipped: z.number() }),
});

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

await check("typecheck", bin("tsc"), ["--noEmit", "-p", "."]);
await check("lint", bin("biome"), ["ci", "."]);
await check("import boundaries", bin("depcruise"), ["src", "e2e", "--config", ".dependency-cruiser.cjs"]);

process.stdout.write("\n::: unit and server tests (vitest)\n");
const vitestJson = join(out, "vitest.json");
const vitestCode = await run(bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
const vitest = vitestReport.safeParse(readJson(vitestJson));
if (vitest.success) {
  const v = vitest.data;
  // A suite that fails to load has no tests to count: count it as a failure so it cannot hide.
  const failed =
    v.numFailedTests + (vitestCode !== 0 && v.numFailedTests === 0 ? Math.max(1, v.numFailedTestSuites) : 0);
  results.push({
    name: "vitest",
    passed: v.numPassedTests,
    failed,
    skipped: v.numPendingTests + v.numTodoTests,
  });
} else {
  results.push({ name: "vitest", passed: 0, failed: 1, skipped: 0 });
}

/** The newest installed PostgreSQL server binaries (Debian layout), or null. */
function findPostgres(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** The server and CLI tests again on a throwaway PostgreSQL cluster: the node-postgres path production uses. */
async function postgresRun() {
  const pgBin = findPostgres();
  if (pgBin === null) {
    process.stdout.write(
      "\n::: PostgreSQL is not installed: skipping the PostgreSQL run (apt-get install postgresql).\n",
    );
    results.push({ name: "vitest on PostgreSQL (not installed)", passed: 0, failed: 0, skipped: 1 });
    return;
  }
  process.stdout.write("\n::: server and CLI tests on PostgreSQL\n");
  const dir = mkdtempSync(join(tmpdir(), "patchbay-pg-"));
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: as root, the cluster belongs to the postgres user the package created.
  const sh = (command: string) =>
    execFileSync(asRoot ? "su" : "bash", asRoot ? ["postgres", "-c", command] : ["-c", command], {
      stdio: "ignore",
    });
  const port = await freePort();
  let started = false;
  try {
    if (asRoot) execFileSync("chown", ["postgres", dir]);
    sh(`${pgBin}/initdb -D ${dir}/data -A trust -U postgres --no-sync`);
    sh(
      `${pgBin}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c fsync=off -c listen_addresses=127.0.0.1" -l ${dir}/log -w start`,
    );
    started = true;
    const json = join(out, "vitest-postgres.json");
    const code = await run(
      bin("vitest"),
      [
        "run",
        "--project",
        "server",
        "src/server",
        "src/cli",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${json}`,
      ],
      {
        env: { ...process.env, PATCHBAY_TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/postgres` },
      },
    );
    const report = vitestReport.safeParse(readJson(json));
    results.push(
      report.success
        ? {
            name: "vitest on PostgreSQL",
            passed: report.data.numPassedTests,
            failed: report.data.numFailedTests + (code !== 0 && report.data.numFailedTests === 0 ? 1 : 0),
            skipped: report.data.numPendingTests + report.data.numTodoTests,
          }
        : { name: "vitest on PostgreSQL", passed: 0, failed: 1, skipped: 0 },
    );
  } catch (error) {
    process.stderr.write(
      `Could not start PostgreSQL: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    results.push({ name: "vitest on PostgreSQL (server did not start)", passed: 0, failed: 1, skipped: 0 });
  } finally {
    if (started) sh(`${pgBin}/pg_ctl -D ${dir}/data -m immediate stop`);
    rmSync(dir, { recursive: true, force: true });
  }
}

await postgresRun();

// The benchmark in its short mode: no timing is judged, but a benchmark nothing runs stops running (it did once).
await check("benchmark (short)", bin("tsx"), ["src/server/bench.ts", "--short"]);
await check("sync benchmark (short)", bin("tsx"), ["src/server/sync/bench.ts", "--short"]);
await check("startup benchmark (short)", bin("tsx"), ["src/server/bench-startup.ts", "--short"]);
await check("bundle benchmark", bin("tsx"), [".scripts/bench-bundle.ts", "--short"]);
const built = await check("build", bin("vite"), ["build", "--logLevel", "warn"]);
if (built) {
  process.stdout.write("\n::: browser tests (playwright)\n");
  const e2eJson = join(out, "e2e.json");
  const e2eCode = await run(
    bin("playwright"),
    ["test", "--config", "e2e/playwright.config.ts", "--reporter=list,json"],
    {
      env: { ...process.env, PLAYWRIGHT_CHROMIUM_PATH: chromium, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson },
    },
  );
  const e2e = playwrightReport.safeParse(readJson(e2eJson));
  if (e2e.success) {
    const s = e2e.data.stats;
    const failed = s.unexpected + (e2eCode !== 0 && s.unexpected === 0 ? 1 : 0);
    results.push({ name: "e2e", passed: s.expected + s.flaky, failed, skipped: s.skipped });
  } else {
    results.push({ name: "e2e", passed: 0, failed: 1, skipped: 0 });
  }
} else {
  results.push({ name: "e2e (not run: the build failed)", passed: 0, failed: 1, skipped: 0 });
}

const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
process.stdout.write("\n");
for (const r of results) {
  process.stdout.write(`  ${r.failed > 0 ? "✗" : "✓"} ${r.name}: ${r.passed} passed, ${r.failed} failed\n`);
}
const summary = `${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ""}`;
writeFileSync(join(out, "summary.txt"), `${summary}\n`);
process.stdout.write(`${summary}\n`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
