import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { apiErrorSchema } from "../../shared/errors";
import { buildApp } from "../app";
import { parseEnv } from "../env";

/**
 * The dashboard as the real app serves it, from a build of our own that holds source maps (as a debug build with
 * PATCHBAY_SOURCEMAPS=1 does): the maps must never be served.
 */

let app: FastifyInstance;
let clientDir: string;
beforeAll(async () => {
  clientDir = await mkdtemp(join(tmpdir(), "patchbay-dist-"));
  await mkdir(join(clientDir, "assets"));
  await writeFile(
    join(clientDir, "index.html"),
    "<!doctype html><html><head><title>Patchbay</title></head></html>",
  );
  await writeFile(join(clientDir, "assets", "index-abc123.js"), 'console.log("patchbay");\n');
  // As the build writes them: a hashed asset with its brotli and gzip siblings.
  const bundle = Buffer.from(`console.log(${JSON.stringify("patchbay ".repeat(200))});\n`);
  await writeFile(join(clientDir, "assets", "app-Cq9_x-Z1.js"), bundle);
  await writeFile(join(clientDir, "assets", "app-Cq9_x-Z1.js.br"), brotliCompressSync(bundle));
  await writeFile(join(clientDir, "assets", "app-Cq9_x-Z1.js.gz"), gzipSync(bundle));
  await writeFile(join(clientDir, "assets", "index-abc123.js.map"), '{"version":3,"sources":["main.tsx"]}');
  await writeFile(join(clientDir, "assets", "index-abc123.css.map"), '{"version":3,"sources":["app.css"]}');
  app = await buildApp({
    env: parseEnv({
      DATA_DIR: "memory://",
      PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
      PATCHBAY_RECHECK_MINUTES: "0",
      LOG_LEVEL: "silent",
    }),
    clientDir,
  });
});
afterAll(async () => {
  await app?.close();
  await rm(clientDir, { recursive: true, force: true });
});

describe("the built dashboard", () => {
  it("sends hashed assets precompressed by Accept-Encoding, cached for good; index.html never cached", async () => {
    const url = "/assets/app-Cq9_x-Z1.js";
    const br = await app.inject({ method: "GET", url, headers: { "accept-encoding": "br, gzip" } });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    const plain = await app.inject({ method: "GET", url, headers: { "accept-encoding": "identity" } });
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(plain.headers["content-encoding"]).toBeUndefined();

    const gz = await app.inject({ method: "GET", url, headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length);

    const page = await app.inject({
      method: "GET",
      url: "/integrations",
      headers: { "accept-encoding": "br" },
    });
    expect(page.headers["cache-control"]).toBe("no-store");
  });

  it("serves its assets and index.html for client-side routes", async () => {
    const asset = await app.inject({ method: "GET", url: "/assets/index-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain("patchbay");
    const page = await app.inject({ method: "GET", url: "/integrations" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
  });

  it.each([
    ["GET", "/assets/index-abc123.js.map"],
    ["HEAD", "/assets/index-abc123.js.map"],
    ["GET", "/assets/index-abc123.css.map"],
    ["GET", "/assets/index-abc123.js.map?v=1"],
    ["GET", "/assets/index-abc123.js%2Emap"],
    ["GET", "/assets/index-abc123.js.MAP"],
  ] as const)("never serves a source map: %s %s → 404", async (method, url) => {
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('"version":3');
  });

  it("answers a percent-encoded API path with the API's 404, not the dashboard", async () => {
    const response = await app.inject({ method: "GET", url: "/%61pi/nope" });
    expect(response.statusCode).toBe(404);
    expect(apiErrorSchema.parse(response.json()).error.code).toBe("not_found");
    expect(response.headers["cache-control"]).toBe("no-store");
  });
});

describe("the build configuration", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function buildConfig() {
    vi.resetModules();
    return (await import("../../../vite.config")).default;
  }

  it("writes no source maps by default", async () => {
    vi.stubEnv("PATCHBAY_SOURCEMAPS", undefined);
    expect((await buildConfig()).build?.sourcemap).toBe(false);
  });

  it("writes hidden ones (not referenced by the bundles) with PATCHBAY_SOURCEMAPS=1", async () => {
    vi.stubEnv("PATCHBAY_SOURCEMAPS", "1");
    expect((await buildConfig()).build?.sourcemap).toBe("hidden");
  });
});
