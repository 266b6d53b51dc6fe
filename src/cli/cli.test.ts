import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { auditPageSchema, createdApiTokenSchema } from "../shared/auth";
import { integrationListSchema, integrationSchema, verificationReportSchema } from "../shared/contract";
import { syncStateSchema } from "../shared/data-contract";
import { apiErrorSchema } from "../shared/errors";
import { FALCON_SEED } from "../simulator/falcon-seed";
import { SIM_SEED } from "../simulator/seed";
import { SIM_S1_SEED } from "../simulator/sentinelone-seed";
import { createTestApp, type TestApp } from "../test/test-app";

/**
 * The `patchbay` CLI as an admin runs it: spawned processes (stdin a pipe, never a TTY) with real exit codes,
 * against a real server on a port and the HTTPS simulator behind it.
 */

const BIN = fileURLToPath(new URL("./bin.mjs", import.meta.url));
const SPAWN_TIMEOUT_MS = 25_000;
const healthy = SIM_SEED.healthy;
const expired = SIM_SEED.expiredSecret;
const machinesOnly = SIM_SEED.machinesOnly;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let t: TestApp;
let serverUrl: string;
let adminToken: string;
let viewerToken: string;
let configHome: string;
let baseUrl: string;
const runs: Run[] = [];

async function createToken(name: string, role: "admin" | "viewer"): Promise<string> {
  const response = await t.app.inject({
    method: "POST",
    url: "/api/tokens",
    headers: t.adminHeaders,
    payload: { name, role },
  });
  expect(response.statusCode, response.body).toBe(201);
  return createdApiTokenSchema.parse(response.json()).secret;
}

function cli(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  const env: Record<string, string> = {};
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: configHome,
    XDG_CONFIG_HOME: configHome,
    TMPDIR: process.env.TMPDIR,
    NO_COLOR: "1",
    PATCHBAY_URL: serverUrl,
    PATCHBAY_TOKEN: adminToken,
    ...options.env,
  };
  for (const [key, value] of Object.entries(merged)) if (value !== undefined) env[key] = value;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), SPAWN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const run = { code, stdout, stderr };
      runs.push(run);
      resolve(run);
    });
    child.stdin.end(options.stdin ?? "");
  });
}

const connectArgs = (scenario: { tenantId: string; appId: string; appSecret: string }) => [
  "--api",
  baseUrl,
  "--user",
  scenario.tenantId,
  "--secret",
  `${scenario.appId}/${scenario.appSecret}`,
];

/**
 * A server that only counts requests (and keeps their bodies), answering each with a 500: proves that a refused
 * input never leaves the machine, and what an accepted one would send.
 */
async function countingServer(): Promise<{
  server: Server;
  url: string;
  count: () => number;
  bodies: () => unknown[];
}> {
  let requests = 0;
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    requests += 1;
    let text = "";
    req.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
    });
    req.on("end", () => {
      bodies.push(text === "" ? undefined : JSON.parse(text));
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, count: () => requests, bodies: () => bodies };
}

beforeAll(async () => {
  t = await createTestApp();
  serverUrl = await t.app.listen({ port: 0, host: "127.0.0.1" });
  baseUrl = t.simulator.origin;
  adminToken = await createToken("cli test", "admin");
  viewerToken = await createToken("cli viewer", "viewer");
  configHome = await mkdtemp(join(tmpdir(), "patchbay-cli-"));
});

afterAll(async () => {
  await t?.app.close();
  if (configHome) await rm(configHome, { recursive: true, force: true });
});

describe("patchbay CLI", { timeout: 60_000 }, () => {
  it("documents commands and exit codes, and prints its version", async () => {
    const [help, version, sub] = await Promise.all([
      cli(["--help"]),
      cli(["--version"]),
      cli(["partner", "detach", "--help"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      "patchbay partner attach --api URL --user TENANT_ID --secret APP_ID/APP_SECRET",
    );
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*3 {2}verification failed[\s\S]*8 {2}rate limited/);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^patchbay \d+\.\d+\.\d+/);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("--yes");
  });

  it("documents --features (every feature with its API and permissions) and --probe-all on attach and test", async () => {
    const [attachHelp, testHelp] = await Promise.all([
      cli(["partner", "attach", "--help"]),
      cli(["partner", "test", "--help"]),
    ]);
    for (const help of [attachHelp, testHelp]) {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("--features LIST");
      expect(help.stdout).toContain("--probe-all");
      expect(help.stdout).toContain("Features of DEFENDER (default: alerts,devices)");
      expect(help.stdout).toMatch(/incidents +Incidents — Microsoft Threat Protection: Incident\.Read\.All/);
      expect(help.stdout).toMatch(/secret-expiry +Secret expiry — Microsoft Graph: Application\.Read\.All/);
    }
  });

  /** The healthy app's values with a Microsoft Base URL, which the CLI checks without asking the server. */
  const microsoftArgs = () => [
    "--api",
    "https://api.securitycenter.microsoft.com",
    "--user",
    healthy.tenantId,
    "--secret",
    `${healthy.appId}/${healthy.appSecret}`,
  ];

  it("refuses an unknown or empty --features list locally with the shared schema's message (exit 2), sending nothing", async () => {
    const counter = await countingServer();
    const env = { PATCHBAY_URL: counter.url };
    try {
      const [unknown, empty, testUnknown] = await Promise.all([
        cli(["partner", "attach", ...microsoftArgs(), "--features", "alerts,bogus-feature", "DEFENDER"], {
          env,
        }),
        cli(["partner", "attach", ...microsoftArgs(), "--features", " , ", "--json", "DEFENDER"], { env }),
        cli(
          ["partner", "test", ...microsoftArgs(), "--features", "alerts,Not-A-Feature", "--json", "DEFENDER"],
          {
            env,
          },
        ),
      ]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("The input is not valid; nothing was sent.");
      expect(unknown.stderr).toContain("--features: each feature must be one of: alerts, devices,");
      expect(unknown.stdout).toBe("");
      expect(unknown.stderr).not.toContain("bogus-feature");

      expect(empty.code).toBe(2);
      expect(apiErrorSchema.parse(JSON.parse(empty.stdout)).error.fields).toEqual({
        features: "Choose at least one feature.",
      });

      expect(testUnknown.code).toBe(2);
      const envelope = apiErrorSchema.parse(JSON.parse(testUnknown.stdout));
      expect(envelope.error.code).toBe("validation_failed");
      expect(envelope.error.fields?.features).toMatch(/^each feature must be one of: /);

      expect(counter.count()).toBe(0);
    } finally {
      counter.server.close();
    }
  });

  it("sends --features as a list of ids (trimmed, lower case, de-duplicated) and --probe-all as probeAll", async () => {
    const counter = await countingServer();
    const env = { PATCHBAY_URL: counter.url };
    try {
      const [withFeatures, plain] = await Promise.all([
        cli(
          ["partner", "test", ...microsoftArgs()].concat([
            "--features",
            "alerts, Devices,incidents,,alerts",
            "--probe-all",
            "DEFENDER",
          ]),
          { env },
        ),
        cli(["partner", "test", ...microsoftArgs(), "DEFENDER"], { env }),
      ]);
      // The stand-in answers 500: the point is what reached it.
      expect(withFeatures.code).not.toBe(2);
      expect(plain.code).not.toBe(2);
      const bodies = counter.bodies().map((body) => z.record(z.string(), z.unknown()).parse(body));
      const sent = bodies.find((body) => Array.isArray(body.features));
      expect(sent).toMatchObject({ features: ["alerts", "devices", "incidents"], probeAll: true });
      // Without the flags, neither is sent: the server applies the partner's default features.
      const defaults = bodies.find((body) => !Array.isArray(body.features));
      expect(defaults).toBeDefined();
      expect(defaults).not.toHaveProperty("features");
      expect(defaults).not.toHaveProperty("probeAll");
    } finally {
      counter.server.close();
    }
  });

  it("refuses invalid input locally with the shared schema's messages, sending nothing", async () => {
    const counter = await countingServer();
    const env = { PATCHBAY_URL: counter.url };
    const microsoft = "https://api.securitycenter.microsoft.com";
    try {
      const [apiPath, slashless, secretId, unknown] = await Promise.all([
        cli(["partner", "attach", ...connectArgs(healthy), "DEFENDER", "--api", `${microsoft}/api/`], {
          env,
        }),
        cli(
          [
            "partner",
            "test",
            "--api",
            microsoft,
            "--user",
            healthy.tenantId,
            "--secret",
            healthy.appSecret,
          ].concat(["defender"]),
          { env },
        ),
        cli(
          ["partner", "attach", "--api", microsoft, "--user", healthy.tenantId, "--json", "DEFENDER"].concat([
            "--secret",
            `${healthy.appId}/${healthy.secretId}`,
          ]),
          { env },
        ),
        cli(["partner", "list", "OKTA"], { env }),
      ]);
      expect(apiPath.code).toBe(2);
      expect(apiPath.stderr).toContain("--api: Leave /api off the Base URL — Patchbay adds /api itself.");
      expect(apiPath.stdout).toBe("");

      expect(slashless.code).toBe(2);
      expect(slashless.stderr).toContain("--secret must be APP_ID/APP_SECRET");

      expect(secretId.code).toBe(2);
      const envelope = apiErrorSchema.parse(JSON.parse(secretId.stdout));
      expect(envelope.error.code).toBe("validation_failed");
      expect(envelope.error.fields?.appSecret).toContain("looks like the secret's ID");

      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        "Unknown partner “OKTA”. Known partners: DEFENDER, CROWDSTRIKE, SENTINELONE.",
      );

      expect(counter.count()).toBe(0);
    } finally {
      counter.server.close();
    }
  });

  let healthyId = "";

  it("attaches a healthy app (Connected, exit 0), then refuses the same tenant and app again (exit 5)", async () => {
    const first = await cli([
      "partner",
      "attach",
      ...connectArgs(healthy),
      "--name",
      "Defender prod",
      "DEFENDER",
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Connected: “Defender prod”");
    expect(first.stdout).toMatch(/\[ok\] +Read from /);
    healthyId = /ID: ([0-9a-f-]{36})/.exec(first.stdout)?.[1] ?? "";
    expect(healthyId).not.toBe("");

    const again = await cli(["partner", "attach", ...connectArgs(healthy), "defender", "--json"]);
    expect(again.code).toBe(5);
    const envelope = apiErrorSchema.parse(JSON.parse(again.stdout));
    expect(envelope.error.code).toBe("conflict");
  });

  it("attaches CrowdStrike Falcon with the seed's syntax, the secret from stdin, and never prints it", async () => {
    const falcon = FALCON_SEED.eu1;
    const run = await cli(
      [
        "partner",
        "attach",
        "--api",
        "https://api.crowdstrike.com",
        "--user",
        falcon.clientId,
        "--secret",
        "-",
        "CROWDSTRIKE",
      ],
      { stdin: `${falcon.clientSecret}\n` },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Connected");
    expect(run.stdout).toMatch(/\[ok\] +Find the Falcon cloud/);
    expect(run.stdout + run.stderr).not.toContain(falcon.clientSecret);

    const blocked = await cli([
      "partner",
      "attach",
      "--user",
      FALCON_SEED.ipBlocked.clientId,
      "--secret",
      FALCON_SEED.ipBlocked.clientSecret,
      "crowdstrike",
    ]);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain("IP allowlist");
    expect(blocked.stdout + blocked.stderr).not.toContain(FALCON_SEED.ipBlocked.clientSecret);

    // Leave the tests after this one the connections they expect.
    const id = /ID: ([0-9a-f-]{36})/.exec(run.stdout)?.[1] ?? "";
    const detached = await cli(["partner", "detach", "--instance", id, "--yes", "CROWDSTRIKE"]);
    expect(detached.code, detached.stderr).toBe(0);
  });

  it("reads APP_ID/APP_SECRET from stdin with --secret -, and exits 3 with the checklist when verification fails", async () => {
    const run = await cli(
      ["partner", "attach", "--api", baseUrl, "--user", expired.tenantId, "--secret", "-", "Defender"],
      { stdin: `${expired.appId}/${expired.appSecret}\n` },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("The App Secret has expired (AADSTS7000222)");
    expect(run.stderr).toMatch(/\[failed\] +Sign in to Microsoft Entra ID/);
    expect(run.stderr).toContain("Fix: ");
    expect(run.stderr).toContain("Nothing was saved.");
  });

  it("tests without storing: --json report parsed by the shared schema; exit 0 when ok, 3 when not", async () => {
    const [ok, failed] = await Promise.all([
      cli(
        [
          "partner",
          "test",
          "--api",
          baseUrl,
          "--user",
          machinesOnly.tenantId,
          "--secret",
          "-",
          "DEFENDER",
          "--json",
        ],
        {
          stdin: `${machinesOnly.appId}/${machinesOnly.appSecret}\n`,
        },
      ),
      cli(["partner", "test", ...connectArgs(expired), "DEFENDER"]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const report = verificationReportSchema.parse(JSON.parse(ok.stdout));
    expect(report.status).toBe("degraded");
    expect(report.permissions.missing).toEqual([{ name: "Alert.Read.All", api: "WindowsDefenderATP" }]);

    expect(failed.code).toBe(3);
    expect(failed.stdout).toMatch(/\[failed\] +Sign in to Microsoft Entra ID/);
    expect(failed.stdout).toContain("Test failed: The App Secret has expired");
  });

  it("lists, shows status and re-checks, in JSON parsed by the shared schemas and as text", async () => {
    const [list, table, status, detail, missing] = await Promise.all([
      cli(["partner", "list", "--json"]),
      cli(["partner", "list"]),
      cli(["partner", "status", "DEFENDER", "--json"]),
      cli(["partner", "status", "--instance", healthyId]),
      cli(["partner", "status", "--instance", "00000000-0000-4000-8000-000000000000"]),
    ]);
    expect(list.code).toBe(0);
    const { integrations } = integrationListSchema.parse(JSON.parse(list.stdout));
    // Only the healthy Defender connection: neither the failed attach nor the dry runs stored anything (the Falcon
    // test above attached and detached its own).
    expect(integrations.filter((i) => i.partner === "defender").map((i) => i.id)).toEqual([healthyId]);

    expect(table.stdout).toMatch(/^ID +PARTNER +NAME +STATUS +IDENTITY +LAST CHECKED/);
    expect(table.stdout).toContain(healthyId);

    expect(status.code).toBe(0);
    expect(integrationSchema.parse(JSON.parse(status.stdout)).status).toBe("connected");

    expect(detail.stdout).toContain("Defender prod — Connected");
    expect(detail.stdout).toMatch(
      /Granted +(Machine\.Read\.All, Alert\.Read\.All|Alert\.Read\.All, Machine\.Read\.All) \(WindowsDefenderATP\)/,
    );
    expect(detail.stdout).toMatch(/^ {2}Features +alerts, devices$/m);
    expect(detail.stdout).toMatch(/^ {2}\[working\] +Alerts /m);

    expect(missing.code).toBe(6);

    const check = await cli(["partner", "check", "DEFENDER", "--json"]);
    expect(check.code, check.stderr).toBe(0);
    const checked = integrationSchema.parse(JSON.parse(check.stdout));
    expect(checked.id).toBe(healthyId);
    expect(checked.lastReport?.ok).toBe(true);

    const synced = await cli(["partner", "sync", "DEFENDER", "--json"]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(syncStateSchema.parse(JSON.parse(synced.stdout)).sources.map((s) => s.source)).toEqual([
      "alerts",
      "devices",
    ]);
    const syncText = await cli(["partner", "sync", "DEFENDER"]);
    expect(syncText.stdout).toMatch(/^SOURCE +STATE +RECORDS +LAST SUCCESS +NEXT RUN/m);
  });

  it("lists synced alerts and devices, filtered and paged by the server, refusing a bad flag by name", async () => {
    const [healthy] = integrationListSchema
      .parse(
        (await t.app.inject({ method: "GET", url: "/api/integrations", headers: t.adminHeaders })).json(),
      )
      .integrations.filter((i) => i.status !== "disconnected");
    if (!healthy) throw new Error("no connection to sync");
    for (const source of ["alerts", "devices"]) {
      await t.app.syncEngine.syncNow(healthy.id);
      await t.app.syncEngine.runStream(healthy.id, source, { maxPages: 20 });
    }
    const page = z.object({
      items: z.array(z.object({ severity: z.string() })),
      nextCursor: z.string().nullable(),
    });
    const high = await cli(["alerts", "list", "--severity", "HIGH", "--json"]);
    expect(high.code, high.stderr).toBe(0);
    const highItems = page.parse(JSON.parse(high.stdout)).items;
    expect(highItems.length).toBeGreaterThan(0);
    expect(highItems.every((a) => a.severity === "high")).toBe(true);

    const first = await cli(["alerts", "list", "--since", "365d", "--limit", "1", "--json"]);
    const { nextCursor } = page.parse(JSON.parse(first.stdout));
    expect(nextCursor).not.toBeNull();
    const next = await cli([
      "alerts",
      "list",
      "--since",
      "365d",
      "--limit",
      "1",
      "--cursor",
      nextCursor ?? "",
    ]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/^CREATED +SEVERITY +STATUS +TITLE +DEVICE +ID/m);

    const devices = await cli(["devices", "list"]);
    expect(devices.code, devices.stderr).toBe(0);
    expect(devices.stdout).toMatch(/^NAME +HEALTH +OS +RISK +LAST SEEN +ID/m);

    const bad = await cli(["alerts", "list", "--severity", "urgent"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "Check --severity: severity must be one of: informational, low, medium, high",
    );
    const partnerPage = z.object({ items: z.array(z.object({ partner: z.string() })) });
    const defenderAlerts = await cli(["alerts", "list", "--partner", "DEFENDER", "--json"]);
    expect(defenderAlerts.code, defenderAlerts.stderr).toBe(0);
    const ownAlerts = partnerPage.parse(JSON.parse(defenderAlerts.stdout)).items;
    expect(ownAlerts.length).toBeGreaterThan(0);
    expect(ownAlerts.every((a) => a.partner === "defender")).toBe(true);
    const defenderDevices = await cli(["devices", "list", "--partner", "defender", "--json"]);
    expect(defenderDevices.code, defenderDevices.stderr).toBe(0);
    expect(
      partnerPage.parse(JSON.parse(defenderDevices.stdout)).items.every((d) => d.partner === "defender"),
    ).toBe(true);
    for (const list of ["alerts", "devices"]) {
      const unknownPartner = await cli([list, "list", "--partner", "acme"]);
      expect(unknownPartner.code, list).toBe(2);
      expect(unknownPartner.stderr, list).toContain("Check --partner: partner must be “defender”");
    }
    const tooMany = await cli(["devices", "list", "--limit", "501", "--json"]);
    expect(tooMany.code).toBe(2);
    const envelope = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
    expect(envelope.parse(JSON.parse(tooMany.stdout)).error).toEqual({
      code: "usage",
      message: "Check --limit: limit must be a whole number from 1 to 500.",
    });
    const unknown = await cli(["alerts", "show"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Commands: alerts list");
  });

  it("detaches only with confirmation: no TTY and no --yes → exit 2; several → --instance; --yes disconnects", async () => {
    const refused = await cli(["partner", "detach", "DEFENDER"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Pass --yes");

    const second = await cli(["partner", "attach", ...connectArgs(machinesOnly), "DEFENDER"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("Degraded:");
    expect(second.stdout).toContain("Missing permission: Alert.Read.All");

    const ambiguous = await cli(["partner", "detach", "DEFENDER", "--yes"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("pass --instance ID");
    expect(ambiguous.stderr).toContain(healthyId);

    const detached = await cli(["partner", "detach", "DEFENDER", "--instance", healthyId, "--yes", "--json"]);
    expect(detached.code, detached.stderr).toBe(0);
    expect(integrationSchema.parse(JSON.parse(detached.stdout)).status).toBe("disconnected");

    const status = await cli(["partner", "status", "--instance", healthyId, "--json"]);
    const after = integrationSchema.parse(JSON.parse(status.stdout));
    expect(after.status).toBe("disconnected");
    expect(after.secret.configured).toBe(false);

    const last = await cli(["partner", "detach", "defender", "--yes"]);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toContain("Disconnected:");
    const none = await cli(["partner", "status", "DEFENDER"]);
    expect(none.code).toBe(6);
  });

  it("records the CLI's changes in the audit trail under the token's name", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: "/api/audit?action=integration.disconnect",
      headers: t.adminHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    const { events } = auditPageSchema.parse(response.json());
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.actor.type).toBe("token");
      expect(event.actor.name).toContain("cli test");
    }
  });

  it("exits 4 for a refused or read-only token, 7 when the server is unreachable", async () => {
    const closed = await countingServer();
    const { port } = closed.server.address() as AddressInfo;
    await new Promise((resolve) => closed.server.close(resolve));

    const [badToken, viewer, unreachable, unconfigured] = await Promise.all([
      cli(["partner", "list"], { env: { PATCHBAY_TOKEN: "pbt_not-a-real-token" } }),
      cli(["partner", "attach", ...connectArgs(healthy), "DEFENDER"], {
        env: { PATCHBAY_TOKEN: viewerToken },
      }),
      cli(["partner", "list", "--json"], { env: { PATCHBAY_URL: `http://127.0.0.1:${port}` } }),
      cli(["partner", "list"], { env: { PATCHBAY_URL: undefined, PATCHBAY_TOKEN: undefined } }),
    ]);
    expect(badToken.code).toBe(4);
    expect(viewer.code).toBe(4);
    expect(unreachable.code).toBe(7);
    const envelope = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
    expect(envelope.parse(JSON.parse(unreachable.stdout)).error).toMatchObject({
      code: "unreachable",
      message: expect.stringContaining("Cannot reach the Patchbay server"),
    });
    expect(unconfigured.code).toBe(4);
  });

  it("logs in with --token-stdin (profile 0600, verified first), uses the profile, and logs out", async () => {
    const noEnv = { PATCHBAY_URL: undefined, PATCHBAY_TOKEN: undefined };
    const wrong = await cli(["login", "--url", serverUrl, "--token-stdin"], {
      env: noEnv,
      stdin: "pbt_not-a-real-token\n",
    });
    expect(wrong.code).toBe(4);

    const login = await cli(["login", "--url", `${serverUrl}/`, "--token-stdin"], {
      env: noEnv,
      stdin: `${adminToken}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    const profile = join(configHome, "patchbay", "profile.json");
    expect((await stat(profile)).mode & 0o777).toBe(0o600);

    const list = await cli(["partner", "list", "--json"], { env: noEnv });
    expect(list.code, list.stderr).toBe(0);
    integrationListSchema.parse(JSON.parse(list.stdout));

    const logout = await cli(["logout"], { env: noEnv });
    expect(logout.code).toBe(0);
    await expect(stat(profile)).rejects.toThrow();
    expect((await cli(["partner", "list"], { env: noEnv })).code).toBe(4);
  });

  it("never prints a secret or the token, in any run", () => {
    expect(runs.length).toBeGreaterThan(20);
    const secrets = [healthy.appSecret, expired.appSecret, machinesOnly.appSecret, adminToken, viewerToken];
    for (const run of runs) {
      for (const secret of secrets) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
    }
  });
});

describe("patchbay CLI with SENTINELONE", { timeout: 60_000 }, () => {
  const s1Runs: Run[] = [];
  const run = async (args: readonly string[], options: { stdin?: string } = {}) => {
    const result = await cli(args, options);
    s1Runs.push(result);
    return result;
  };

  it("attaches with --api CONSOLE_URL and the token on stdin (--secret -), no --user; says what it removed", async () => {
    const attached = await run(
      [
        "partner",
        "attach",
        "--api",
        `${t.simulator.sentinelOneOrigin}/web/api/v2.1/`,
        "--secret",
        "-",
        "--name",
        "S1 prod",
        "SENTINELONE",
      ],
      { stdin: `${SIM_S1_SEED.healthy.token}\n` },
    );
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.stdout).toContain("Connected: “S1 prod”");
    expect(attached.stdout).toMatch(/\[ok\] +Read the API token's expiry date/);
    expect(attached.stderr).toContain("Warning: Console URL: Patchbay uses only the console's address");

    const status = await run(["partner", "status", "SENTINELONE", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    const integration = integrationSchema.parse(JSON.parse(status.stdout));
    expect(integration.config).toMatchObject({ consoleUrl: t.simulator.sentinelOneOrigin });
    expect(integration.secret.expiresAt).not.toBeNull();

    const detached = await run(["partner", "detach", "SENTINELONE", "--yes"]);
    expect(detached.code, detached.stderr).toBe(0);
  });

  it("refuses --user (exit 2) without echoing it, and exits 3 with the fix for an expired token", async () => {
    const withUser = await run([
      "partner",
      "attach",
      "--api",
      t.simulator.sentinelOneOrigin,
      "--user",
      SIM_S1_SEED.healthy.token,
      "--secret",
      SIM_S1_SEED.healthy.token,
      "SENTINELONE",
    ]);
    expect(withUser.code).toBe(2);
    expect(withUser.stderr).toContain("SentinelOne takes no --user: leave it out.");

    const expiredToken = await run(
      ["partner", "attach", "--api", t.simulator.sentinelOneOrigin, "--secret", "-", "SentinelOne"],
      { stdin: `${SIM_S1_SEED.expired.token}\n` },
    );
    expect(expiredToken.code).toBe(3);
    expect(expiredToken.stderr).toContain("refused the API token (401, code 4010010");
    expect(expiredToken.stderr).toContain("Nothing was saved.");

    const wrongHost = await run([
      "partner",
      "test",
      "--api",
      "https://console.sentinelone.net",
      "--secret",
      SIM_S1_SEED.healthy.token,
      "SENTINELONE",
    ]);
    expect(wrongHost.code).toBe(2);
    expect(wrongHost.stderr).toContain(
      "--api: console.sentinelone.net is not a management console of its own",
    );
  });

  it("never prints a SentinelOne token", () => {
    expect(s1Runs.length).toBeGreaterThanOrEqual(5);
    for (const result of s1Runs) {
      for (const token of [SIM_S1_SEED.healthy.token, SIM_S1_SEED.expired.token]) {
        expect(result.stdout).not.toContain(token);
        expect(result.stderr).not.toContain(token);
      }
    }
  });
});
