import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startSimulator } from "../simulator/server";

/**
 * Starts the real Entra + Defender simulator over HTTPS once for the server test project, and makes Node in the
 * test workers trust its certificate (NODE_EXTRA_CA_CERTS is read when a process starts, so it is set here,
 * before Vitest forks them).
 */
export default async function setup(project: TestProject) {
  const certDir = await mkdtemp(join(tmpdir(), "patchbay-sim-"));
  const simulator = await startSimulator({ certDir });
  process.env.NODE_EXTRA_CA_CERTS = simulator.certPath;
  project.provide("simulator", {
    origin: simulator.origin,
    hostPort: simulator.hostPort,
    decoyOrigin: simulator.decoyOrigin,
    decoyHostPort: simulator.decoyHostPort,
    sentinelOneOrigin: simulator.sentinelOneOrigin,
    sentinelOneHostPort: simulator.sentinelOneHostPort,
    certPath: simulator.certPath,
    falconOrigins: simulator.falcon.envValue,
  });
  return async () => {
    await simulator.close();
    await rm(certDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    simulator: {
      origin: string;
      hostPort: string;
      decoyOrigin: string;
      decoyHostPort: string;
      sentinelOneOrigin: string;
      sentinelOneHostPort: string;
      certPath: string;
      /** PATCHBAY_FALCON_ORIGINS for the Falcon simulator's clouds. */
      falconOrigins: string;
    };
  }
}
