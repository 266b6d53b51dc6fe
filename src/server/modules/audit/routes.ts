import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { auditPageSchema, auditQuerySchema } from "../../../shared/auth";
import type { Database } from "../../db/client";
import { parseInput } from "../../lib/app-error";
import { queryAudit } from "./audit";

export function auditRoutes(db: Database) {
  return async function routes(fastify: FastifyInstance) {
    fastify
      .withTypeProvider<ZodTypeProvider>()
      .get(
        "/api/audit",
        { config: { auth: "viewer" }, schema: { response: { 200: auditPageSchema } } },
        async (request) => queryAudit(db, parseInput(auditQuerySchema, request.query, "query")),
      );
  };
}
