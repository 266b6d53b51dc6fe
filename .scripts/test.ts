// `npm test`: every check and every test — types, lint, import boundaries, unit + server tests (real PGlite, the
// simulator over HTTPS), the production build, and Playwright e2e in Debian's Chromium. The last line it prints is
// `N passed, N failed` (static checks count as one test each).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
