// Helpers shared by the npm scripts.
import { type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** Run a command to completion with inherited stdio; resolves to its exit code. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", ...options });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", (error) => {
      process.stderr.write(`Could not run ${command}: ${error.message}\n`);
      resolve(1);
    });
  });
}

/** Build dist/ with Vite unless it is already there. */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(root, "dist", "index.html"))) return;
  process.stdout.write("Building the dashboard (dist/ is missing)…\n");
  const code = await run(bin("vite"), ["build", "--logLevel", "warn"]);
  if (code !== 0) {
    process.stderr.write("The dashboard build failed; see the errors above.\n");
    process.exit(code);
  }
}

/** Start a long-running child, forward SIGINT/SIGTERM to it, and exit with its code. */
export function supervise(command: string, args: string[], options: SpawnOptions = {}) {
  const child = spawn(command, args, { cwd: root, stdio: "inherit", ...options });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  return child;
}
