// `npm run demo`: the Microsoft simulator and Patchbay wired together on a fresh demo data directory, with the
// values to paste printed, so a newcomer can connect and disconnect in the browser within a minute.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { generateBulk } from "../src/simulator/bulk-data";
import { FALCON_SEED } from "../src/simulator/falcon-seed";
import { SIM_SEED } from "../src/simulator/seed";
import { SIM_S1_SEED } from "../src/simulator/sentinelone-seed";
import { startSimulator } from "../src/simulator/server";
import { bin, ensureBuilt, root } from "./lib";

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
const dataDir = resolve(root, process.env.PATCHBAY_DEMO_DIR ?? "data/demo");
const quiet = process.argv.includes("--quiet");
// A demo admin with a password made for this run only: Patchbay has no default password anywhere.
const adminEmail = process.env.PATCHBAY_ADMIN_EMAIL ?? "admin@demo.patchbay.test";
const adminPassword = process.env.PATCHBAY_ADMIN_PASSWORD ?? `demo-${randomBytes(9).toString("base64url")}`;

await rm(dataDir, { recursive: true, force: true });
// Owner-only, as Patchbay requires of its data directory (it refuses one that others can read).
await mkdir(dataDir, { recursive: true, mode: 0o700 });
await ensureBuilt();

const simulator = await startSimulator({
  port: Number(process.env.SIMULATOR_PORT ?? 9443),
  decoyPort: Number(process.env.SIMULATOR_DECOY_PORT ?? 9444),
  sentinelOnePort: Number(process.env.SIMULATOR_SENTINELONE_PORT ?? 9445),
  certDir: join(dataDir, "simulator"),
});

// A tenant with volume, so the Data section's charts and the Alerts and Devices pages have something to show.
const volume = { alerts: 20_000, machines: 2_000, days: 14 };
generateBulk(SIM_SEED.bulkSync.tenantId, volume);

const server = spawn(bin("tsx"), ["src/server/main.ts"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PORT: String(port),
    HOST: host,
    DATA_DIR: dataDir,
    PATCHBAY_EXTRA_DEFENDER_HOSTS: `${simulator.hostPort},${simulator.decoyHostPort}`,
    PATCHBAY_EXTRA_SENTINELONE_HOSTS: `${simulator.sentinelOneHostPort},${simulator.decoyHostPort}`,
    PATCHBAY_ENTRA_AUTHORITY: simulator.origin,
    PATCHBAY_GRAPH_ORIGIN: simulator.origin,
    PATCHBAY_SECURITY_API_ORIGIN: simulator.origin,
    PATCHBAY_FALCON_ORIGINS: simulator.falcon.envValue,
    NODE_EXTRA_CA_CERTS: simulator.certPath,
    PATCHBAY_ADMIN_EMAIL: adminEmail,
    PATCHBAY_ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  },
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await simulator.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
server.on("exit", (code) => void stop(code ?? 1));

const url = `http://${host}:${port}`;
for (let i = 0; i < 120; i += 1) {
  const healthy = await fetch(`${url}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (healthy) break;
  await new Promise((r) => setTimeout(r, 250));
}

if (!quiet) {
  const s = SIM_SEED;
  const row = (label: string, value: string) => `    ${label.padEnd(12)} ${value}`;
  process.stdout.write(
    [
      "",
      "Patchbay demo — Microsoft is simulated; nothing leaves this machine.",
      "",
      `  Open ${url}/integrations and sign in as ${adminEmail} with password ${adminPassword}`,
      "  (a demo admin made for this run). Then click Connect on Microsoft Defender for Endpoint.",
      "  Choose “Operator-configured endpoint” as the region (or paste the Base URL), then paste:",
      "",
      row("Base URL", simulator.origin),
      row("Tenant ID", s.healthy.tenantId),
      row("App ID", s.healthy.appId),
      row("App Secret", s.healthy.appSecret),
      "",
      "  To see failures, keep Base URL and use one of these Tenant ID / App ID / App Secret sets:",
      ...(
        [
          ["expired secret", s.expiredSecret],
          ["no admin consent", s.noConsent],
          ["missing Alert.Read.All", s.machinesOnly],
          ["Defender not set up", s.noDefender],
        ] as const
      ).map(([what, v]) => `    ${what.padEnd(24)} ${v.tenantId}  ${v.appId}  ${v.appSecret}`),
      `    wrong endpoint           Base URL ${simulator.decoyOrigin} with the first set`,
      `    secret ID pasted         App Secret ${s.healthy.secretId}`,
      "",
      "  One app registration for every use-case (Defender for Endpoint, Defender XDR incidents, Microsoft Graph):",
      ...(
        [
          ["every permission granted", s.allFeatures],
          ["Graph not consented", s.graphNotConsented],
          ["secret ends in 5 days", s.secretExpiringSoon],
          ["no Intune licence", s.intuneUnlicensed],
          ["more roles than needed", s.overPrivileged],
          ["ambiguous secret hint", s.ambiguousSecretHint],
        ] as const
      ).map(([what, v]) => `    ${what.padEnd(24)} ${v.tenantId}  ${v.appId}  ${v.appSecret}`),
      "",
      `  Data that flows at volume (${volume.alerts.toLocaleString("en-US")} alerts over ${volume.days} days, ${volume.machines.toLocaleString("en-US")} devices): connect`,
      `    ${"Lamna Healthcare".padEnd(24)} ${s.bulkSync.tenantId}  ${s.bulkSync.appId}  ${s.bulkSync.appSecret}`,
      "  and open its Data section: the first sync starts at once and shows its progress; then Alerts and Devices.",
      "",
      "  CrowdStrike Falcon (four simulated clouds): click Connect on CrowdStrike Falcon, keep Cloud on Auto-discover, paste:",
      "",
      row("Client ID", FALCON_SEED.demo.clientId),
      row("Secret", FALCON_SEED.demo.clientSecret),
      "",
      "  It lives in US-2: US-1 sends Patchbay on there, as Falcon does. To see failures, use one of these:",
      ...(
        [
          ["missing Alerts: Read", FALCON_SEED.noAlerts],
          ["IP allowlist blocks", FALCON_SEED.ipBlocked],
          ["GovCloud (choose US-GOV-1)", FALCON_SEED.gov],
          ["EU-1 by X-CS-Region", FALCON_SEED.eu1],
        ] as const
      ).map(([what, v]) => `    ${what.padEnd(28)} ${v.clientId}  ${v.clientSecret}`),
      "  SentinelOne (simulated console): click Connect on SentinelOne and paste",
      row("Console URL", simulator.sentinelOneOrigin),
      row("API token", SIM_S1_SEED.healthy.token),
      `    (${SIM_S1_SEED.healthy.description})`,
      "  Other API tokens, same Console URL:",
      ...(
        [
          ["expired token", SIM_S1_SEED.expired],
          ["role without threats", SIM_S1_SEED.noThreats],
          ["site-scoped token", SIM_S1_SEED.siteScoped],
          ["rate limited (429)", SIM_S1_SEED.rateLimited],
        ] as const
      ).map(([what, v]) => `    ${what.padEnd(24)} ${v.token}`),
      `    console answering HTML   Console URL ${simulator.decoyOrigin} with the first token`,
      `    site-scoped token's Site ID: ${SIM_S1_SEED.siteScoped.siteIds[0]}; healthy token's Account ID: ${SIM_S1_SEED.healthy.accountId}`,
      "",
      `  Data: ${dataDir} (wiped on every demo start). Stop with Ctrl+C.`,
      "",
    ].join("\n"),
  );
}
