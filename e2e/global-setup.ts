import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { type FullConfig, request } from "@playwright/test";
import { adminStorageState, e2eAdmin } from "./playwright.config";

/** Sign the e2e admin in once; specs start from that browser state (one session, not one per test). */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL;
  const context = await request.newContext({ baseURL });
  const response = await context.post("/api/session", { data: e2eAdmin });
  if (response.status() !== 200)
    throw new Error(`e2e admin sign-in failed: ${response.status()} ${await response.text()}`);
  await mkdir(dirname(adminStorageState), { recursive: true });
  await context.storageState({ path: adminStorageState });
  await context.dispose();
}
