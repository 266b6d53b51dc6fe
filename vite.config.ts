import react from "@vitejs/plugin-react";
import { compression } from "vite-plugin-compression2";
import { defineConfig } from "vitest/config";

const apiTarget = `http://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? "8080"}`;

/**
 * Source maps are not part of a build (they would hand anyone the dashboard's source). `PATCHBAY_SOURCEMAPS=1 npm
 * run build` writes them for debugging as "hidden" maps: the bundles do not point at them, the server never serves
 * *.map, and they stay in dist/ for whoever holds the build to map a stack trace back to the source.
 */
export const buildSourcemap = process.env.PATCHBAY_SOURCEMAPS === "1" ? "hidden" : false;

export default defineConfig({
  // Hashed assets are also written brotli- and gzip-compressed at build, so the server sends them precompressed
  // (no compression on the request path). index.html is not: the server rewrites it per response (its CSP nonce).
  plugins: [
    react(),
    compression({ algorithms: ["brotliCompress", "gzip"], include: /\.(js|css|svg|json)$/, threshold: 1024 }),
  ],
  build: { outDir: "dist", sourcemap: buildSourcemap, emptyOutDir: true },
  // changeOrigin stays off: the server compares Origin with Host to refuse cross-site requests.
  server: { port: 5173, strictPort: true, proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "client",
          environment: "jsdom",
          include: ["src/client/**/*.test.{ts,tsx}", "src/shared/**/*.test.ts"],
          setupFiles: ["src/test/setup-dom.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "server",
          environment: "node",
          include: ["src/server/**/*.test.ts", "src/simulator/**/*.test.ts", "src/cli/**/*.test.ts"],
          globalSetup: ["src/test/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
