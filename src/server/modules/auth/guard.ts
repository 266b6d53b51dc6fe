import type { FastifyInstance, FastifyRequest } from "fastify";
import "@fastify/cookie";
import fp from "fastify-plugin";
import { CSRF_HEADER, SESSION_COOKIE } from "../../../shared/auth";
import { AppError } from "../../lib/app-error";
import type { Actor } from "../audit/audit";
import { type AuthService, actorOf, type Principal, type RequestMeta } from "./service";

/**
 * Access control for every /api route. Each route declares `config.auth` ("public", "viewer" or "admin"); a route
 * without one makes the server refuse to start, so a new route cannot forget its guard. Cookie sessions must
 * also prove they come from Patchbay's own pages (Origin / Sec-Fetch-Site and the anti-CSRF token) on every
 * mutating request; API tokens (Authorization: Bearer) carry no ambient authority and need neither.
 */

export type AccessLevel = "public" | "viewer" | "admin";

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: AccessLevel;
    /**
     * Only a signed-in person may do this, not an API token: managing users and tokens with a token would let a
     * leaked, short-lived token mint itself successors or take over its owner's account.
     */
    sessionOnly?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every /api route with its access level, as registered (the guard test walks this list). */
    apiRoutes: Array<{ method: string; url: string; auth: AccessLevel }>;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function requestMeta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers["user-agent"];
  return { ip: request.ip, userAgent: typeof userAgent === "string" ? userAgent.slice(0, 300) : null };
}

export function requestActor(request: FastifyRequest): Actor {
  return actorOf(request.principal, requestMeta(request));
}

/** The principal of a guarded route (the guard has already refused requests without one). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AppError(401, "unauthorized", "Sign in to continue.");
  return request.principal;
}

/** The session cookie's name: `__Host-` over TLS, so a sibling subdomain cannot plant one. */
export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === "https" ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

function assertSameOrigin(request: FastifyRequest, publicOrigin: string | null) {
  const origin = request.headers.origin;
  const site = request.headers["sec-fetch-site"];
  // Without a configured public origin the Host header is all there is; with one, a rebinding page fails here.
  const expected = publicOrigin ?? `${request.protocol}://${request.host}`;
  if (typeof origin === "string") {
    if (origin !== expected) {
      throw new AppError(
        403,
        "forbidden",
        "Cross-site request refused: it did not come from Patchbay's own pages. Open Patchbay directly and try again.",
      );
    }
  } else if (typeof site === "string" && site !== "same-origin" && site !== "none") {
    throw new AppError(
      403,
      "forbidden",
      "Cross-site request refused: it did not come from Patchbay's own pages.",
    );
  }
}

async function guardPlugin(
  app: FastifyInstance,
  options: { auth: AuthService; publicOrigin: string | null },
) {
  const { auth, publicOrigin } = options;
  app.decorateRequest("principal", null);
  app.decorate("apiRoutes", []);

  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/") || route.method === "HEAD") return;
    const level = route.config?.auth;
    if (level === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access level (config.auth).`);
    }
    for (const method of [route.method].flat()) app.apiRoutes.push({ method, url: route.url, auth: level });
  });

  app.addHook("onRequest", async (request) => {
    const level = request.routeOptions.config.auth;
    if (level === undefined) return;
    const mutating = !SAFE_METHODS.has(request.method);
    if (level === "public") {
      // Sign-in and setup set a cookie: refuse them cross-site too (login CSRF).
      if (mutating) assertSameOrigin(request, publicOrigin);
      return;
    }

    const authorization = request.headers.authorization;
    let principal: Principal | null = null;
    if (typeof authorization === "string" && /^bearer\s/i.test(authorization)) {
      principal = await auth.authenticateToken(authorization.slice(7).trim());
      if (principal === null) {
        throw new AppError(
          401,
          "unauthorized",
          "The API token is invalid, expired or revoked. Create a new one under API tokens.",
        );
      }
    } else {
      const cookie = request.cookies[sessionCookieName(request)];
      principal = cookie ? await auth.authenticateSession(cookie) : null;
      if (principal === null) {
        throw new AppError(
          401,
          "unauthorized",
          "Sign in to continue: your session has ended or you are not signed in.",
        );
      }
      if (mutating) {
        assertSameOrigin(request, publicOrigin);
        const presented = request.headers[CSRF_HEADER];
        if (
          principal.via.kind !== "session" ||
          !auth.verifyCsrf(principal.via.sessionId, typeof presented === "string" ? presented : undefined)
        ) {
          throw new AppError(
            403,
            "forbidden",
            `The request lacks a valid ${CSRF_HEADER} header. Reload Patchbay and try again.`,
          );
        }
      }
    }
    if (request.routeOptions.config.sessionOnly && principal.via.kind !== "session") {
      throw new AppError(
        403,
        "forbidden",
        "Managing users and API tokens needs a person signed in to Patchbay, not an API token.",
      );
    }
    if (level === "admin" && principal.role !== "admin") {
      throw new AppError(
        403,
        "forbidden",
        `Your role (${principal.role}) cannot do this: it needs an admin. Ask an admin to do it, or to change your role.`,
      );
    }
    request.principal = principal;
  });
}

export default fp(guardPlugin, { name: "patchbay-guard", dependencies: ["@fastify/cookie"] });
