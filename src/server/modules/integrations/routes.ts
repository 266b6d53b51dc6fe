import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  integrationEventListSchema,
  integrationListSchema,
  integrationSchema,
  verificationReportSchema,
} from "../../../shared/contract";
import { disconnectQuerySchema, integrationListQuerySchema } from "../../../shared/data-contract";
import { parseInput } from "../../lib/app-error";
import type { Actor } from "../audit/audit";
import { requestActor } from "../auth/guard";
import type { IntegrationService } from "./service";

// Anything that is not a UUID names no integration: 404, never a database cast error.
const idParams = z.object({ id: z.string() });

export function integrationRoutes(
  service: IntegrationService,
  mutationLimit: { max: number; timeWindow: number },
  sync: {
    /** Disconnect and delete synced data: the synced module erases it (src/server/modules/synced/erase.ts). */
    erase: (id: string, actor: Actor) => Promise<void>;
    /** A connection was made or changed: start its first (or newly enabled) sources now, not at the next sweep. */
    start: (id: string) => void;
  },
) {
  const read = { auth: "viewer" as const };
  const write = { auth: "admin" as const, rateLimit: mutationLimit };

  return async function routes(fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      "/api/integrations",
      { config: read, schema: { response: { 200: integrationListSchema } } },
      async (request) => service.page(parseInput(integrationListQuerySchema, request.query, "query")),
    );

    app.post(
      "/api/integrations/test",
      { config: write, schema: { response: { 200: verificationReportSchema } } },
      async (request) => service.test(request.body, requestActor(request)),
    );

    app.post(
      "/api/integrations",
      { config: write, schema: { response: { 201: integrationSchema } } },
      async (request, reply) => {
        const connected = await service.connect(request.body, requestActor(request));
        sync.start(connected.id);
        return reply.status(201).send(connected);
      },
    );

    app.get(
      "/api/integrations/:id",
      { config: read, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => service.get(request.params.id),
    );

    app.patch(
      "/api/integrations/:id",
      { config: write, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => {
        const updated = await service.update(request.params.id, request.body, requestActor(request));
        sync.start(updated.id);
        return updated;
      },
    );

    app.post(
      "/api/integrations/:id/check",
      { config: write, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => service.check(request.params.id, requestActor(request)),
    );

    app.delete(
      "/api/integrations/:id",
      { config: write, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => {
        const { deleteData } = parseInput(disconnectQuerySchema, request.query, "query");
        const actor = requestActor(request);
        const disconnected = await service.disconnect(request.params.id, actor);
        if (deleteData !== "true") return disconnected;
        await sync.erase(disconnected.id, actor);
        return service.get(disconnected.id);
      },
    );

    app.get(
      "/api/integrations/:id/events",
      { config: read, schema: { params: idParams, response: { 200: integrationEventListSchema } } },
      async (request) => ({ events: await service.events(request.params.id) }),
    );
  };
}
