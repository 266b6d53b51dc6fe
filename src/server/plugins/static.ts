import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export const distDir = fileURLToPath(new URL("../../../dist", import.meta.url));

/** Serve the built SPA from dist/, with index.html for every client-side route (never for /api). */
async function staticPlugin(app: FastifyInstance) {
  if (!existsSync(`${distDir}/index.html`)) {
    app.log.warn("dist/index.html is missing: run `npm run build` to serve the dashboard");
    return;
  }
  await app.register(fastifyStatic, { root: distDir, wildcard: false, index: false });
  // With `wildcard: false` every file in dist/ has its own route; what reaches here is a client-side route,
  // an API path that does not exist, or a missing asset.
  app.get("/*", (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (path === "/api" || path.startsWith("/api/") || /\.[a-z0-9]+$/i.test(path))
      return reply.callNotFound();
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}

export default fp(staticPlugin, { name: "patchbay-static" });
