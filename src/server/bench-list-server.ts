// The servers `npm run bench` loads (src/server/bench.ts starts this in a process of its own, so the load generator
// never shares their thread): a real Patchbay holding PATCHBAY_BENCH_CONNECTIONS connections, each a copy of one
// connection really verified against the simulator (its report, permissions and sealed secret), and a bare Fastify
// route answering the bytes Patchbay's list answered for the same request. Prints one JSON line, then serves until
// stdin closes.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { z } from "zod";
import { sessionSchema } from "../shared/auth";
import { integrationSchema } from "../shared/contract";
import { SIM_SEED } from "../simulator/seed";
import { buildApp } from "./app";
import { openDatabase } from "./db/client";
import { integrations } from "./db/schema";
import { parseEnv } from "./env";

const input = z
  .object({
    PATCHBAY_BENCH_CONNECTIONS: z.coerce.number().int().positive(),
    PATCHBAY_BENCH_SIMULATOR: z.url(),
    PATCHBAY_BENCH_SIMULATOR_HOST: z.string().min(1),
    /** A fresh PostgreSQL database to use instead of PGlite. */
    DATABASE_URL: z.string().optional(),
  })
  .parse(process.env);
const dataDir = await mkdtemp(join(tmpdir(), "patchbay-bench-list-"));
const admin = { email: "bench@patchbay.test", password: randomBytes(18).toString("base64url") };
const env = parseEnv({
  DATA_DIR: dataDir,
  ...(input.DATABASE_URL ? { DATABASE_URL: input.DATABASE_URL } : {}),
  PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
  PATCHBAY_ADMIN_EMAIL: admin.email,
  PATCHBAY_ADMIN_PASSWORD: admin.password,
  PATCHBAY_EXTRA_DEFENDER_HOSTS: input.PATCHBAY_BENCH_SIMULATOR_HOST,
  PATCHBAY_ENTRA_AUTHORITY: input.PATCHBAY_BENCH_SIMULATOR,
  PATCHBAY_GRAPH_ORIGIN: input.PATCHBAY_BENCH_SIMULATOR,
  PATCHBAY_SECURITY_API_ORIGIN: input.PATCHBAY_BENCH_SIMULATOR,
  PATCHBAY_RECHECK_MINUTES: "0",
  PATCHBAY_SYNC: "off",
  LOG_LEVEL: "silent",
});

type App = Awaited<ReturnType<typeof buildApp>>;
async function signIn(app: App): Promise<{ cookie: string; csrfToken: string }> {
  const response = await app.inject({ method: "POST", url: "/api/session", payload: admin });
  const cookie = response.cookies.find((c) => c.name.endsWith("patchbay_session"));
  if (response.statusCode !== 200 || !cookie) throw new Error(`sign-in answered ${response.statusCode}`);
  return {
    cookie: `${cookie.name}=${cookie.value}`,
    csrfToken: sessionSchema.parse(response.json()).csrfToken,
  };
}

// One connection made the way an admin makes it.
{
  const app = await buildApp({ env, serveClient: false });
  const { cookie, csrfToken } = await signIn(app);
  const seed = SIM_SEED.healthy;
  const connected = await app.inject({
    method: "POST",
    url: "/api/integrations",
    headers: { cookie, "x-csrf-token": csrfToken },
    payload: {
      partner: "defender",
      name: "Contoso production",
      baseUrl: input.PATCHBAY_BENCH_SIMULATOR,
      tenantId: seed.tenantId,
      appId: seed.appId,
      appSecret: seed.appSecret,
    },
  });
  if (connected.statusCode !== 201) throw new Error(`connect answered ${connected.statusCode}`);
  integrationSchema.parse(connected.json());
  await app.close();
}

// Copies of it, a second apart (the list sorts by creation), as further tenants of the same kind.
{
  const { db, close } = await openDatabase(
    input.DATABASE_URL ? { databaseUrl: input.DATABASE_URL, dataDir } : { dataDir },
  );
  const [original] = await db.select().from(integrations);
  if (!original) throw new Error("the connection was not stored");
  const copies = input.PATCHBAY_BENCH_CONNECTIONS - 1;
  for (let done = 0; done < copies; done += 500) {
    const rows = Array.from({ length: Math.min(500, copies - done) }, (_, i) => {
      const tenantId = randomUUID();
      const at = new Date(original.createdAt.getTime() - (done + i + 1) * 1000);
      return {
        ...original,
        id: randomUUID(),
        name: `Tenant ${done + i + 1}`,
        identityKey: `${tenantId}|${randomUUID()}`,
        config: { ...original.config, tenantId },
        createdAt: at,
        updatedAt: at,
      };
    });
    await db.insert(integrations).values(rows);
  }
  await close();
}

const app = await buildApp({ env, serveClient: false });
const { cookie } = await signIn(app);
const appUrl = await app.listen({ host: "127.0.0.1", port: 0 });
const sample = await fetch(`${appUrl}/api/integrations`, { headers: { cookie } });
const body = Buffer.from(await sample.arrayBuffer());
const contentType = sample.headers.get("content-type") ?? "application/json";

const bare = Fastify();
bare.get("/api/integrations", (_request, reply) => {
  reply.header("content-type", contentType).send(body);
});
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

process.stdout.write(`${JSON.stringify({ appUrl, bareUrl, cookie, bytes: body.length })}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await bare.close();
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
});
