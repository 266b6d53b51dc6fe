import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const apiTarget = `http://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? "8080"}`;

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: true, emptyOutDir: true },
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
