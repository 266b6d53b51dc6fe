// `npm run bench`: how the integrations list scales with stored connections, as ratios against GET /api/health
// measured in the same run (absolute times on a shared 2-core machine mean little; ratios travel). `--short` (what
// `npm test` runs, so the benchmark cannot rot unnoticed again) uses fewer sizes and iterations and asserts no
// timing: it proves the benchmark still runs end to end, signed in, and prints its table.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "./app";
import { createSecretBox } from "./crypto/secret-box";
import { openDatabase } from "./db/client";
import { integrations } from "./db/schema";
import { parseEnv } from "./env";

const dataDir = await mkdtemp(join(tmpdir(), "patchbay-bench-"));
const masterKey = randomBytes(32);
const short = process.argv.includes("--short");
const admin = { email: "bench@patchbay.test", password: randomBytes(18).toString("base64url") };
const env = parseEnv({
  DATA_DIR: dataDir,
  PATCHBAY_MASTER_KEY: masterKey.toString("base64"),
  PATCHBAY_ADMIN_EMAIL: admin.email,
  PATCHBAY_ADMIN_PASSWORD: admin.password,
  PATCHBAY_RECHECK_MINUTES: "0",
  LOG_LEVEL: "silent",
});

async function seed(count: number) {
  const { db, close } = await openDatabase({ dataDir });
  const box = createSecretBox(masterKey);
  const now = new Date();
  const rows = Array.from({ length: count }, () => {
    const id = randomUUID();
    const sealed = box.seal(`Bench~${randomBytes(17).toString("hex")}`, id);
    const config = {
      baseUrl: "https://api.security.microsoft.com",
      tenantId: randomUUID(),
      appId: randomUUID(),
      cloud: "commercial" as const,
      features: ["alerts", "devices"],
    };
    return {
      id,
      partner: "defender",
      identityKey: `${config.tenantId}|${config.appId}`,
      name: "Microsoft Defender for Endpoint",
      status: "connected",
      config,
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretKeyId: sealed.keyId,
      secretFingerprint: sealed.fingerprint,
      secretUpdatedAt: now,
      permissions: {
        required: [
          { name: "Alert.Read.All", api: "WindowsDefenderATP" },
          { name: "Machine.Read.All", api: "WindowsDefenderATP" },
        ],
        granted: [
          { name: "Alert.Read.All", api: "WindowsDefenderATP" },
          { name: "Machine.Read.All", api: "WindowsDefenderATP" },
        ],
        missing: [],
        unused: [],
      },
      lastError: null,
      lastReport: null,
      lastCheckedAt: now,
      lastSuccessAt: now,
      createdAt: now,
      updatedAt: now,
      disconnectedAt: null,
    };
  });
  if (rows.length > 0) await db.insert(integrations).values(rows);
  await close();
}

type App = Awaited<ReturnType<typeof buildApp>>;

/** Sign in as the bench admin, as a browser would; the list is only for signed-in people. */
async function sessionCookie(app: App): Promise<string> {
  const response = await app.inject({ method: "POST", url: "/api/session", payload: admin });
  const cookie = response.cookies.find((c) => c.name.endsWith("patchbay_session"));
  if (response.statusCode !== 200 || !cookie)
    throw new Error(`bench sign-in answered ${response.statusCode}`);
  return `${cookie.name}=${cookie.value}`;
}

async function timePerRequest(app: App, url: string, iterations: number, cookie: string) {
  const request = { method: "GET" as const, url, headers: { cookie } };
  for (let i = 0; i < Math.min(20, iterations); i += 1) await app.inject(request); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const response = await app.inject(request);
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

const results: string[] = [];
let seeded = 0;
for (const count of short ? [1, 10] : [1, 10, 100, 500]) {
  await seed(count - seeded);
  seeded = count;
  const app = await buildApp({ env, serveClient: false });
  const cookie = await sessionCookie(app);
  const baseline = await timePerRequest(app, "/api/health", short ? 30 : 300, cookie);
  const list = await timePerRequest(app, "/api/integrations", short ? 10 : 100, cookie);
  results.push(
    `GET /api/integrations with ${String(count).padStart(3)} connections: ${(list / baseline).toFixed(1)}× GET /api/health (${list.toFixed(2)} ms vs ${baseline.toFixed(2)} ms)`,
  );
  await app.close();
}
await rm(dataDir, { recursive: true, force: true });
process.stdout.write(`${results.join("\n")}\n`);
