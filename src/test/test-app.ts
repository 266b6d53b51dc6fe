import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { inject } from "vitest";
import { z } from "zod";
import { buildApp } from "../server/app";
import { parseEnv } from "../server/env";
import { SESSION_COOKIE, sessionSchema } from "../shared/auth";
import type { SimFault } from "../simulator/server";

export const TEST_ADMIN = { email: "admin@patchbay.test", password: "correct horse battery staple" } as const;

/** Headers that make `app.inject` act as a signed-in browser session. */
export type SessionHeaders = { cookie: string; "x-csrf-token": string };

/** The real app on an in-memory PGlite, wired to the simulator, with every log line captured. */
export interface TestApp {
  app: FastifyInstance;
  /** The PostgreSQL database of this app when the suite runs on PostgreSQL (PATCHBAY_TEST_POSTGRES_URL), else null. */
  databaseUrl: string | null;
  /** A session of TEST_ADMIN (created from PATCHBAY_ADMIN_EMAIL/PASSWORD on start). */
  adminHeaders: SessionHeaders;
  /** `app.inject` as TEST_ADMIN. */
  inject: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  /** Every line the app logged, raw. */
  logs: string[];
  simulator: ReturnType<typeof inject<"simulator">>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  mutationsPerMinute = 1000,
  /** false: a fresh install with no user (first-start setup). */
  withAdmin = true,
): Promise<TestApp> {
  const simulator = inject("simulator");
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const databaseUrl = await freshPostgresDatabase();
  const app = await buildApp({
    env: parseEnv({
      DATA_DIR: "memory://",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
      PATCHBAY_EXTRA_DEFENDER_HOSTS: `${simulator.hostPort},${simulator.decoyHostPort}`,
      PATCHBAY_EXTRA_SENTINELONE_HOSTS: `${simulator.sentinelOneHostPort},${simulator.decoyHostPort}`,
      PATCHBAY_ENTRA_AUTHORITY: simulator.origin,
      PATCHBAY_GRAPH_ORIGIN: simulator.origin,
      PATCHBAY_SECURITY_API_ORIGIN: simulator.origin,
      PATCHBAY_FALCON_ORIGINS: simulator.falconOrigins,
      PATCHBAY_HTTP_TIMEOUT_MS: "1500",
      PATCHBAY_VERIFY_DEADLINE_MS: "8000",
      LOG_LEVEL: "debug",
      PATCHBAY_RECHECK_MINUTES: "0",
      PATCHBAY_SYNC: "off",
      ...(withAdmin
        ? { PATCHBAY_ADMIN_EMAIL: TEST_ADMIN.email, PATCHBAY_ADMIN_PASSWORD: TEST_ADMIN.password }
        : {}),
      ...env,
    }),
    logStream,
    mutationsPerMinute,
    serveClient: false,
    jobPollingSeconds: 0.5,
  });
  const adminHeaders = withAdmin
    ? await signIn(app, TEST_ADMIN.email, TEST_ADMIN.password)
    : { cookie: "", "x-csrf-token": "" };
  const asAdmin = (options: InjectOptions) =>
    app.inject({ ...options, headers: { ...adminHeaders, ...(options.headers ?? {}) } });
  return { app, logs, simulator, adminHeaders, inject: asAdmin, databaseUrl };
}

/**
 * With PATCHBAY_TEST_POSTGRES_URL (a server `npm test` starts when PostgreSQL is installed), every test app gets a
 * database of its own on that server, so the same suite proves the node-postgres path. Otherwise: null (PGlite).
 */
export async function freshPostgresDatabase(): Promise<string | null> {
  const serverUrl = process.env.PATCHBAY_TEST_POSTGRES_URL;
  if (!serverUrl) return null;
  const name = `patchbay_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Sign in through the API like a browser and return the headers of that session. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<SessionHeaders> {
  const response = await app.inject({ method: "POST", url: "/api/session", payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const session = sessionSchema.parse(response.json());
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error("sign-in set no session cookie");
  return { cookie: `${SESSION_COOKIE}=${cookie.value}`, "x-csrf-token": session.csrfToken };
}

/** How many requests one simulated tenant has made to paths starting with `path` (the simulator's request log). */
export async function simulatorRequestCount(tenantId: string, path: string): Promise<number> {
  const { origin } = inject("simulator");
  const log = z
    .object({ requests: z.array(z.object({ path: z.string(), tenant: z.string().optional() })) })
    .parse(await (await fetch(`${origin}/__simulator/requests`)).json());
  return log.requests.filter((r) => r.tenant === tenantId && r.path.startsWith(path)).length;
}

/** Switch a fault on (or off, with null) for one simulated tenant, through the simulator's control endpoint. */
export async function setSimulatorFault(tenantId: string, fault: SimFault | null): Promise<void> {
  const { origin } = inject("simulator");
  const request = () =>
    fetch(`${origin}/__simulator/faults/${tenantId}`, {
      method: fault === null ? "DELETE" : "PUT",
      ...(fault === null
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(fault) }),
    });
  // PUT and DELETE are idempotent: one retry covers a pooled keep-alive connection the simulator closed just as it
  // was reused ("other side closed"), which is the client's race, not the simulator's answer.
  const response = await request().catch(() => request());
  if (!response.ok && response.status !== 404)
    throw new Error(`simulator refused the fault: ${response.status}`);
}

/**
 * Drive the SentinelOne console stand-in of one scenario (src/simulator/sentinelone-api.ts): `fault` (PUT a fault,
 * DELETE it), `touch` (threats updated now), `remove-agents`; or `reset` every scenario.
 */
export async function sentinelOneControl(
  scenario: string,
  action: "fault" | "touch" | "remove-agents" | "reset",
  body: Record<string, unknown> | null,
): Promise<unknown> {
  const { sentinelOneOrigin } = inject("simulator");
  const url =
    action === "reset"
      ? `${sentinelOneOrigin}/__simulator/sentinelone/reset`
      : `${sentinelOneOrigin}/__simulator/sentinelone/${scenario}/${action}`;
  const method = action === "fault" ? (body === null ? "DELETE" : "PUT") : "POST";
  const request = () =>
    fetch(url, {
      method,
      ...(body === null
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
  const response = await request().catch(() => request());
  if (!response.ok) throw new Error(`simulator refused ${method} ${action}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}
