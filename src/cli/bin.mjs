#!/usr/bin/env node
// The `patchbay` command: registers tsx so Node can load the TypeScript sources, then runs the CLI.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// Patchbay's own tsconfig, whatever directory the admin runs the command from.
register({ tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
const { run } = await import("./main.ts");
const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Let buffered output reach pipes before exiting (stdout can be asynchronous on some platforms).
const flush = (stream) => new Promise((resolve) => stream.write("", () => resolve()));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
