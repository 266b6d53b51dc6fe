import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { isApiRequest } from "../lib/api-path";

/** Security headers with a strict, self-only Content Security Policy. */
async function securityPlugin(app: FastifyInstance) {
  await app.register(helmet, {
    // A fresh nonce per response is added to script-src and style-src; index.html hands the style one to the client.
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    // HSTS only over TLS (set below per request): Patchbay itself listens on plain HTTP behind a TLS proxy.
    strictTransportSecurity: false,
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
    // On the routed path, not the raw URL: `/%61pi/integrations` reaches the API and must not be cached either.
    if (isApiRequest(request)) reply.header("cache-control", "no-store");
    if (request.protocol === "https")
      reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
  });
}

export default fp(securityPlugin, { name: "patchbay-security" });
