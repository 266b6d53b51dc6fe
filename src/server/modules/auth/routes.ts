import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  apiTokenListSchema,
  apiTokenSchema,
  createApiTokenSchema,
  createdApiTokenSchema,
  createUserSchema,
  currentSessionSchema,
  resetPasswordSchema,
  sessionSchema,
  setupSchema,
  setupStatusSchema,
  signInSchema,
  updateUserSchema,
  userListSchema,
  userSchema,
} from "../../../shared/auth";
import { parseInput } from "../../lib/app-error";
import { principalOf, requestMeta, sessionCookieName } from "./guard";
import type { AuthService } from "./service";

const idParams = z.object({ id: z.string() });

export function authRoutes(
  auth: AuthService,
  options: { sessionMaxHours: number; mutationLimit: { max: number; timeWindow: number } },
) {
  const setCookie = (request: FastifyRequest, reply: FastifyReply, value: string) =>
    reply.setCookie(sessionCookieName(request), value, {
      httpOnly: true,
      sameSite: "lax",
      secure: request.protocol === "https",
      path: "/",
      maxAge: options.sessionMaxHours * 3600,
    });
  const signInLimit = {
    max: Math.min(options.mutationLimit.max, 30),
    timeWindow: options.mutationLimit.timeWindow,
  };
  const admin = { auth: "admin" as const, rateLimit: options.mutationLimit, sessionOnly: true };

  return async function routes(fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    // --- setup of the first admin ---
    app.get(
      "/api/setup",
      { config: { auth: "public" }, schema: { response: { 200: setupStatusSchema } } },
      async () => ({
        needed: !(await auth.isSetUp()),
      }),
    );
    app.post(
      "/api/setup",
      { config: { auth: "public", rateLimit: signInLimit }, schema: { response: { 201: sessionSchema } } },
      async (request, reply) => {
        const started = await auth.completeSetup(parseInput(setupSchema, request.body), requestMeta(request));
        setCookie(request, reply, started.cookieValue);
        return reply.status(201).send(started.session);
      },
    );

    // --- session ---
    app.post(
      "/api/session",
      { config: { auth: "public", rateLimit: signInLimit }, schema: { response: { 200: sessionSchema } } },
      async (request, reply) => {
        const input = parseInput(signInSchema, request.body);
        const started = await auth.signIn(
          input.email,
          input.password,
          requestMeta(request),
          request.cookies[sessionCookieName(request)],
        );
        setCookie(request, reply, started.cookieValue);
        return started.session;
      },
    );
    app.get(
      "/api/session",
      { config: { auth: "viewer" }, schema: { response: { 200: sessionSchema } } },
      async (request) => auth.describe(principalOf(request)),
    );
    app.get(
      "/api/session/current",
      { config: { auth: "public" }, schema: { response: { 200: currentSessionSchema } } },
      async (request) => {
        const cookie = request.cookies[sessionCookieName(request)];
        const principal = cookie ? await auth.authenticateSession(cookie) : null;
        return { session: principal === null ? null : await auth.describe(principal) };
      },
    );
    app.delete("/api/session", { config: { auth: "viewer" } }, async (request, reply) => {
      await auth.signOut(principalOf(request), requestMeta(request));
      reply.clearCookie(sessionCookieName(request), { path: "/" });
      return reply.status(204).send();
    });

    // --- users ---
    app.get(
      "/api/users",
      { config: { auth: "admin" }, schema: { response: { 200: userListSchema } } },
      async () => ({
        users: await auth.listUsers(),
      }),
    );
    app.post(
      "/api/users",
      { config: admin, schema: { response: { 201: userSchema } } },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await auth.createUser(
              principalOf(request),
              parseInput(createUserSchema, request.body),
              requestMeta(request),
            ),
          ),
    );
    app.patch(
      "/api/users/:id",
      { config: admin, schema: { params: idParams, response: { 200: userSchema } } },
      async (request) =>
        auth.updateUser(
          principalOf(request),
          request.params.id,
          parseInput(updateUserSchema, request.body),
          requestMeta(request),
        ),
    );
    app.post(
      "/api/users/:id/password",
      { config: admin, schema: { params: idParams } },
      async (request, reply) => {
        const { password } = parseInput(resetPasswordSchema, request.body);
        await auth.resetPassword(principalOf(request), request.params.id, password, requestMeta(request));
        return reply.status(204).send();
      },
    );

    // --- API tokens ---
    app.get(
      "/api/tokens",
      { config: { auth: "admin" }, schema: { response: { 200: apiTokenListSchema } } },
      async () => ({
        tokens: await auth.listTokens(),
      }),
    );
    app.post(
      "/api/tokens",
      { config: admin, schema: { response: { 201: createdApiTokenSchema } } },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await auth.createToken(
              principalOf(request),
              parseInput(createApiTokenSchema, request.body),
              requestMeta(request),
            ),
          ),
    );
    app.delete(
      "/api/tokens/:id",
      { config: admin, schema: { params: idParams, response: { 200: apiTokenSchema } } },
      async (request) => auth.revokeToken(principalOf(request), request.params.id, requestMeta(request)),
    );
  };
}
