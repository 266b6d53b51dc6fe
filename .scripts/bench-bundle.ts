// `npm run bench` (last part): the JavaScript a signed-in browser loads for the Integrations page, gzip, against a
// bare Vite app that imports only react, react-dom, react-router, @tanstack/react-query, react-hook-form,
// @hookform/resolvers and zod and renders one form (.scripts/bench-bundle/main.tsx), both built in this run with
// the same Vite. Goal ≤ 1.0×. Sizes are not timings: `--short` (what `npm test` runs) is the same measurement.
//
// What the page loads is read from Vite's manifest: the entry chunk and its static imports, then the lazy route
// chunk of src/client/app/routes/integrations-page.tsx and its static imports (what react-router loads on
// /integrations). Dynamic imports the page makes later (a dialog opened, another route) are not counted.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { build } from "vite";
import { z } from "zod";

const root = fileURLToPath(new URL("..", import.meta.url));
const PAGE = "src/client/app/routes/integrations-page.tsx";

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof manifestSchema>;

/** The files a chunk brings with it: itself and, transitively, its static imports. */
function closure(manifest: Manifest, key: string, into: Set<string>) {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return;
  into.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(manifest, imported, into);
}

async function gzipBytes(outDir: string, files: Iterable<string>): Promise<number> {
  let total = 0;
  for (const file of files) {
    if (file.endsWith(".js")) total += gzipSync(await readFile(join(outDir, file)), { level: 9 }).length;
  }
  return total;
}

async function manifestOf(outDir: string): Promise<Manifest> {
  return manifestSchema.parse(JSON.parse(await readFile(join(outDir, ".vite/manifest.json"), "utf8")));
}

const work = await mkdtemp(join(tmpdir(), "patchbay-bench-bundle-"));
try {
  const patchbayOut = join(work, "patchbay");
  await build({
    root,
    configFile: join(root, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir: patchbayOut, emptyOutDir: true, manifest: true },
  });
  const patchbay = await manifestOf(patchbayOut);
  const entry = Object.entries(patchbay).find(([, chunk]) => chunk.isEntry)?.[0];
  if (entry === undefined || !(PAGE in patchbay))
    throw new Error(`the build has no entry or no ${PAGE} chunk`);
  const loaded = new Set<string>();
  closure(patchbay, entry, loaded);
  const initial = await gzipBytes(patchbayOut, loaded);
  closure(patchbay, PAGE, loaded);
  const page = await gzipBytes(patchbayOut, loaded);

  const bareOut = join(work, "bare");
  await build({
    root: join(root, ".scripts/bench-bundle"),
    configFile: false,
    logLevel: "warn",
    plugins: [react()],
    build: { outDir: bareOut, emptyOutDir: true, manifest: true },
  });
  const bare = await manifestOf(bareOut);
  const bareFiles = new Set<string>();
  for (const key of Object.keys(bare)) closure(bare, key, bareFiles);
  const baseline = await gzipBytes(bareOut, bareFiles);

  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  process.stdout.write(
    `Integrations page JavaScript, gzip: ${(page / baseline).toFixed(2)}× a bare Vite app with the mandated ` +
      `libraries rendering one form (goal ≤ 1.0×; ${kib(page)} in ${loaded.size} files, of which ${kib(initial)} ` +
      `before the route's chunk, vs ${kib(baseline)})\n`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
