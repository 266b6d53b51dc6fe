// CLI entry for `npm run simulator`: starts the Entra ID + Defender + Microsoft Graph simulator and prints how to
// use it.

import { FALCON_SEED } from "./falcon-seed";
import { SIM_SEED, SIM_UNKNOWN_TENANT_ID, simSecretEndDateTime } from "./seed";
import { SIM_S1_SEED } from "./sentinelone-seed";
import { startSimulator } from "./server";

function parsePort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be a port number between 0 and 65535 (got "${raw}").`);
    process.exit(1);
  }
  return port;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  if (!header) return "";
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const port = parsePort("SIMULATOR_PORT", 9443);
  const decoyPort = parsePort("SIMULATOR_DECOY_PORT", 9444);
  const sentinelOnePort = parsePort("SIMULATOR_SENTINELONE_PORT", 9445);
  const certDir = process.env.SIMULATOR_CERT_DIR?.trim() || "./data/simulator";
  const host = process.env.SIMULATOR_HOST?.trim() || "127.0.0.1";

  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({ host, port, decoyPort, sentinelOnePort, certDir });
  } catch (err) {
    const code = err instanceof Error && "code" in err ? String(err.code) : "";
    const message = err instanceof Error ? err.message : String(err);
    if (code === "EADDRINUSE") {
      console.error(
        `Cannot start the simulator: ${message}. Another process uses the port; set SIMULATOR_PORT / SIMULATOR_DECOY_PORT to free ports.`,
      );
    } else {
      console.error(`Cannot start the simulator: ${message}`);
    }
    process.exit(1);
  }

  const scenarios = Object.entries(SIM_SEED).map(([name, s]) => [
    name,
    sim.origin,
    s.tenantId,
    s.appId,
    s.appSecret,
    s.description,
  ]);

  const out = [
    "",
    "Patchbay simulator: Microsoft Entra ID + Defender for Endpoint API + Defender XDR API + Microsoft Graph",
    "",
    `  URL (Entra authority + every API):    ${sim.origin}`,
    `  Decoy (HTML portal, "wrong endpoint"): ${sim.decoyOrigin}`,
    `  TLS certificate (self-signed):         ${sim.certPath}`,
    "",
    "Environment for Patchbay (operator-only test seams):",
    "",
    `  PATCHBAY_EXTRA_DEFENDER_HOSTS=${sim.hostPort},${sim.decoyHostPort}`,
    `  PATCHBAY_EXTRA_SENTINELONE_HOSTS=${sim.sentinelOneHostPort},${sim.decoyHostPort}`,
    `  PATCHBAY_ENTRA_AUTHORITY=${sim.origin}`,
    `  PATCHBAY_GRAPH_ORIGIN=${sim.origin}          (stands in for https://graph.microsoft.com)`,
    `  PATCHBAY_SECURITY_API_ORIGIN=${sim.origin}   (stands in for https://api.security.microsoft.com)`,
    `  PATCHBAY_FALCON_ORIGINS=${sim.falcon.envValue}`,
    `  NODE_EXTRA_CA_CERTS=${sim.certPath}`,
    "",
    "CrowdStrike Falcon API clients (Integrations > CrowdStrike Falcon > Connect; Cloud: Auto-discover):",
    "",
    table([
      ["Client", "Cloud", "Client ID", "Secret"],
      ...Object.entries(FALCON_SEED).flatMap(([name, c]) =>
        typeof c === "string" ? [] : [[name, c.cloud, c.clientId, c.clientSecret]],
      ),
    ]),
    "",
    "Seeded scenarios (paste into Integrations > Microsoft Defender for Endpoint > Connect):",
    "",
    table([["Scenario", "Base URL", "Tenant ID", "App ID", "App Secret", "Demonstrates"], ...scenarios]),
    "",
    "One app registration, three resources (scope=<resource>/.default; roles are per resource):",
    "  WindowsDefenderATP           https://api.securitycenter.microsoft.com  /api/machines, alerts, vulnerabilities, Software,",
    "                                                                          recommendations, indicators, exposureScore,",
    "                                                                          POST /api/advancedqueries/run",
    "  Microsoft Threat Protection  https://api.security.microsoft.com        /api/incidents",
    "  Microsoft Graph              https://graph.microsoft.com               /v1.0/applications(appId='…'), /v1.0/devices,",
    "                                                                          /v1.0/deviceManagement/managedDevices,",
    "                                                                          /v1.0/deviceManagement/deviceCompliancePolicies,",
    "                                                                          POST /v1.0/security/runHuntingQuery,",
    "                                                                          /beta/security/rules/detectionRules",
    ...Object.entries(SIM_SEED).flatMap(([name, s]) => {
      const end = simSecretEndDateTime(s, sim.startedAt);
      return end === null
        ? []
        : [
            `  ${name}: the secret in use ends ${end} (Graph passwordCredentials, hint ${s.appSecret.slice(0, 3)})`,
          ];
    }),
    "",
    `SentinelOne console (Management API /web/api/v2.1/, Authorization: ApiToken <token>): ${sim.sentinelOneOrigin}`,
    "",
    table([
      ["Scenario", "Console URL", "API token", "Demonstrates"],
      ...Object.entries(SIM_S1_SEED).map(([name, s]) => [
        name,
        sim.sentinelOneOrigin,
        s.token,
        s.description,
      ]),
    ]),
    `  Console answering HTML: Console URL ${sim.decoyOrigin}`,
    `  Faults: curl --cacert ${sim.certPath} -X PUT ${sim.sentinelOneOrigin}/__simulator/sentinelone/faults/fault \\`,
    `    -H 'content-type: application/json' -d '{"kind":"rate_limit","retryAfterSeconds":30,"path":"threats"}'`,
    "",
    "More failure paths:",
    `  - Unknown tenant (AADSTS90002): Tenant ID ${SIM_UNKNOWN_TENANT_ID}`,
    "  - App ID from another scenario's tenant (AADSTS700016), or a wrong secret (AADSTS7000215)",
    `  - Secret ID instead of the Value, e.g. ${SIM_SEED.healthy.secretId} (AADSTS7000215)`,
    "  - A wrong secret for 'blockedByPolicy' still gives AADSTS7000215 (Conditional Access runs after sign-in)",
    `  - Base URL ${sim.decoyOrigin}: answers HTML like a portal (wrong API endpoint)`,
    "",
    "Faults for the 'faults' tenant (or any tenant):",
    `  curl --cacert ${sim.certPath} -X PUT ${sim.origin}/__simulator/faults/${SIM_SEED.faults.tenantId} \\`,
    `    -H 'content-type: application/json' -d '{"kind":"rate_limit","retryAfterSeconds":30,"target":"api"}'`,
    `  curl --cacert ${sim.certPath} -X DELETE ${sim.origin}/__simulator/faults/${SIM_SEED.faults.tenantId}`,
    "  kinds: rate_limit {retryAfterSeconds}, server_error, slow {delayMs}, non_json, hostile_text;",
    '        target: "token" | "api" (Defender for Endpoint) | "graph" | "threat-protection" (incidents)',
    '        unauthorized; target: "api" | "graph" | "threat-protection" (401 for valid tokens, like another cloud)',
    "",
    "Press Ctrl+C to stop.",
    "",
  ];
  console.log(out.join("\n"));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nReceived ${signal}, stopping the simulator...`);
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`Error while stopping: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

void main();
