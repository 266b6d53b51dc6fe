import type { FastifyRequest } from "fastify";

/**
 * The request's path as the router sees it: without the query and percent-decoded, so `/%61pi/health` is
 * `/api/health` here just as it is to the router. A path that cannot be decoded stays raw (Fastify refuses it).
 */
export function routedPath(request: FastifyRequest): string {
  const raw = request.url.split("?")[0] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/**
 * Is this a request for the API? Decided on the route that matched (`/api/integrations/:id`) or, when none did
 * (a 404), on the decoded path: never on the raw URL, whose spelling the client chooses.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return (route !== undefined && isApiPath(route)) || isApiPath(routedPath(request));
}
