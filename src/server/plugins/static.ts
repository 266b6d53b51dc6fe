import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { routedPath } from "../lib/api-path";

export const distDir = fileURLToPath(new URL("../../../dist", import.meta.url));

export interface StaticPluginOptions {
  /** The built dashboard; dist/ unless given (tests serve a directory of their own). */
  root?: string;
}

/** Source maps are never served, even when a debug build (PATCHBAY_SOURCEMAPS=1) left some in dist/. */
const isSourceMap = (path: string) => path.toLowerCase().endsWith(".map");

/**
 * Serve the built SPA from dist/, with index.html for every client-side route (never for /api). index.html carries
 * this response's CSP style nonce in `<meta property="csp-nonce">`, so the few style elements libraries insert at
 * run time (Radix's scroll lock) are allowed without loosening `style-src`.
 */
async function staticPlugin(app: FastifyInstance, options: StaticPluginOptions) {
  const root = options.root ?? distDir;
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn("dist/index.html is missing: run `npm run build` to serve the dashboard");
    return;
  }
  const indexHtml = readFileSync(`${root}/index.html`, "utf8");
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    // No route at all for a source map; allowedPath refuses one should a request reach the file another way.
    globIgnore: ["**/*.map"],
    allowedPath: (pathName) => pathName !== "/index.html" && !isSourceMap(pathName),
    // The .br/.gz the build wrote beside each asset, chosen by Accept-Encoding: no compression per request.
    preCompressed: true,
    // Hashed assets never change under their name: cache them for good. Anything else is revalidated.
    setHeaders(res, path) {
      res.header(
        "cache-control",
        /[\\/]assets[\\/][^\\/]+-[\w-]{8,}\.\w+(\.br|\.gz)?$/.test(path)
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      );
    },
  });
  // With `wildcard: false` every file in dist/ has its own route; what reaches here is a client-side route,
  // an API path that does not exist, or a missing asset. Decided on the decoded path, as the router matched it.
  app.get("/*", (request, reply) => {
    const path = routedPath(request);
    if (path === "/api" || path.startsWith("/api/") || /\.[a-z0-9]+$/i.test(path))
      return reply.callNotFound();
    const nonce = reply.cspNonce.style;
    return reply
      .header("cache-control", "no-store")
      .type("text/html; charset=utf-8")
      .send(indexHtml.replace("<head>", `<head>\n    <meta property="csp-nonce" nonce="${nonce}" />`));
  });
}

export default fp(staticPlugin, { name: "patchbay-static" });
