import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { inject } from "vitest";
import { buildApp } from "../server/app";
import { parseEnv } from "../server/env";
import type { SimFault } from "../simulator/server";

/** The real app on an in-memory PGlite, wired to the simulator, with every log line captured. */
export interface TestApp {
  app: FastifyInstance;
  /** Every line the app logged, raw. */
  logs: string[];
  simulator: ReturnType<typeof inject<"simulator">>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  mutationsPerMinute = 1000,
): Promise<TestApp> {
  const simulator = inject("simulator");
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const app = await buildApp({
    env: parseEnv({
      DATA_DIR: "memory://",
      PATCHBAY_MASTER_KEY: randomBytes(32).toString("base64"),
      PATCHBAY_EXTRA_DEFENDER_HOSTS: `${simulator.hostPort},${simulator.decoyHostPort}`,
      PATCHBAY_ENTRA_AUTHORITY: simulator.origin,
      PATCHBAY_HTTP_TIMEOUT_MS: "1500",
      PATCHBAY_VERIFY_DEADLINE_MS: "8000",
      LOG_LEVEL: "debug",
      PATCHBAY_RECHECK_MINUTES: "0",
      ...env,
    }),
    logStream,
    mutationsPerMinute,
    serveClient: false,
    jobPollingSeconds: 0.5,
  });
  return { app, logs, simulator };
}

/** Switch a fault on (or off, with null) for one simulated tenant, through the simulator's control endpoint. */
export async function setSimulatorFault(tenantId: string, fault: SimFault | null): Promise<void> {
  const { origin } = inject("simulator");
  const response = await fetch(`${origin}/__simulator/faults/${tenantId}`, {
    method: fault === null ? "DELETE" : "PUT",
    ...(fault === null
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(fault) }),
  });
  if (!response.ok && response.status !== 404)
    throw new Error(`simulator refused the fault: ${response.status}`);
}
