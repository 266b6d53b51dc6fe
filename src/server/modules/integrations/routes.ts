import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  integrationEventListSchema,
  integrationListSchema,
  integrationSchema,
  verificationReportSchema,
} from "../../../shared/contract";
import type { Actor, IntegrationService } from "./service";

const idParams = z.object({ id: z.string().max(64) });

function actorOf(request: FastifyRequest): Actor {
  const userAgent = request.headers["user-agent"];
  return {
    name: "anonymous",
    ip: request.ip,
    userAgent: typeof userAgent === "string" ? userAgent.slice(0, 300) : null,
  };
}

export function integrationRoutes(
  service: IntegrationService,
  mutationLimit: { max: number; timeWindow: number },
) {
  const limited = { rateLimit: mutationLimit };

  return async function routes(fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get("/api/integrations", { schema: { response: { 200: integrationListSchema } } }, async () => ({
      integrations: await service.list(),
    }));

    app.post(
      "/api/integrations/test",
      { config: limited, schema: { response: { 200: verificationReportSchema } } },
      async (request) => service.test(request.body),
    );

    app.post(
      "/api/integrations",
      { config: limited, schema: { response: { 201: integrationSchema } } },
      async (request, reply) => reply.status(201).send(await service.connect(request.body, actorOf(request))),
    );

    app.get(
      "/api/integrations/:id",
      { schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => service.get(request.params.id),
    );

    app.patch(
      "/api/integrations/:id",
      { config: limited, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => service.update(request.params.id, request.body, actorOf(request)),
    );

    app.post(
      "/api/integrations/:id/check",
      { config: limited, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => service.check(request.params.id, actorOf(request)),
    );

    app.delete(
      "/api/integrations/:id",
      { config: limited, schema: { params: idParams, response: { 200: integrationSchema } } },
      async (request) => service.disconnect(request.params.id, actorOf(request)),
    );

    app.get(
      "/api/integrations/:id/events",
      { schema: { params: idParams, response: { 200: integrationEventListSchema } } },
      async (request) => ({ events: await service.events(request.params.id) }),
    );
  };
}
