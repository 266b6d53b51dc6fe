import AxeBuilder from "@axe-core/playwright";
import {
  type APIRequestContext,
  test as base,
  expect,
  type Page,
  request as playwrightRequest,
} from "@playwright/test";
import { SIM_SEED } from "../src/simulator/seed";
import { adminStorageState, decoyPort, e2eAdmin, simulatorPort } from "./playwright.config";

export const simulatorOrigin = `https://127.0.0.1:${simulatorPort}`;
export const decoyOrigin = `https://127.0.0.1:${decoyPort}`;
export const seed = SIM_SEED;

export { e2eAdmin };

/** Sign in through the API; the cookie lands in the request context's jar. Returns the anti-CSRF header. */
export async function signInApi(
  request: APIRequestContext,
  credentials: { email: string; password: string } = e2eAdmin,
) {
  const response = await request.post("/api/session", { data: credentials });
  expect(response.status()).toBe(200);
  const body: unknown = await response.json();
  const csrf = typeof body === "object" && body !== null ? Reflect.get(body, "csrfToken") : undefined;
  return { "x-csrf-token": typeof csrf === "string" ? csrf : "" };
}

/** The anti-CSRF header of the session a request context is signed in with. */
async function csrfHeader(request: APIRequestContext) {
  const body: unknown = await (await request.get("/api/session")).json();
  const csrf = typeof body === "object" && body !== null ? Reflect.get(body, "csrfToken") : undefined;
  return { "x-csrf-token": typeof csrf === "string" ? csrf : "" };
}

/** Every connection disconnected, so each spec starts from an empty Integrations page. */
async function disconnectEverything(request: APIRequestContext) {
  const headers = await csrfHeader(request);
  // The active ones are the newest, and a run makes far fewer than 500 connections.
  const response = await request.get("/api/integrations?limit=500");
  const body: unknown = await response.json();
  const list = typeof body === "object" && body !== null ? Reflect.get(body, "integrations") : undefined;
  for (const item of Array.isArray(list) ? list : []) {
    const id: unknown = Reflect.get(item, "id");
    if (typeof id === "string") await request.delete(`/api/integrations/${id}`, { headers });
  }
}

/** Specs start signed in as the e2e admin (global setup); `test.use({ storageState: signedOut })` starts signed out. */
export const signedOut = { cookies: [], origins: [] };

export const test = base.extend<{ cleanSlate: undefined; noCspViolations: undefined }>({
  /** Every page of every spec runs under the production CSP; a single violation fails the spec. */
  noCspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        if (message.text().includes("Content Security Policy")) violations.push(message.text());
      });
      await use(undefined);
      expect(violations).toEqual([]);
    },
    { auto: true },
  ],
  cleanSlate: [
    async ({ playwright, baseURL }, use) => {
      const admin = await playwright.request.newContext({ baseURL, storageState: adminStorageState });
      await disconnectEverything(admin);
      await admin.dispose();
      await use(undefined);
    },
    { auto: true },
  ],
});
export { expect };

/** axe finds nothing on the page as it is now. */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
    ),
  ).toEqual([]);
}

/** Switch a simulator fault through its control endpoint (its certificate is self-signed). */
export async function setFault(tenantId: string, fault: object | null) {
  const context = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
  const url = `${simulatorOrigin}/__simulator/faults/${tenantId}`;
  const response = fault === null ? await context.delete(url) : await context.put(url, { data: fault });
  expect(response.status()).toBeLessThan(500);
  await context.dispose();
}

export interface Credentials {
  baseUrl?: string;
  tenantId: string;
  appId: string;
  appSecret: string;
}

/** Open the connect form from the Integrations page, as an admin would. */
export async function openConnectForm(page: Page) {
  await page.goto("/integrations");
  await page.getByRole("link", { name: "Connect Microsoft Defender for Endpoint" }).click();
  await expect(page.getByLabel("Base URL")).toBeVisible();
}

export async function fillConnectForm(page: Page, credentials: Credentials) {
  await page.getByLabel("Base URL").fill(credentials.baseUrl ?? simulatorOrigin);
  await page.getByLabel("Tenant ID").fill(credentials.tenantId);
  await page.getByLabel("App ID").fill(credentials.appId);
  await page.getByLabel("App Secret", { exact: true }).fill(credentials.appSecret);
}
