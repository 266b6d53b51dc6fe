import { SIM_S1_SEED } from "../src/simulator/sentinelone-seed";
import { expect, expectNoAxeViolations, test } from "./fixtures";
import { sentinelOnePort } from "./playwright.config";

const consoleOrigin = `https://127.0.0.1:${sentinelOnePort}`;
const token = SIM_S1_SEED.healthy.token;

test("an admin connects SentinelOne, sees it connected with the token's expiry, reloads, and disconnects", async ({
  page,
}) => {
  // Five axe scans and two reloads on a 2-core machine shared with other work.
  test.slow();
  await page.goto("/integrations");
  await expect(page.getByRole("heading", { name: "SentinelOne" })).toBeVisible();
  await page.getByRole("link", { name: "Connect SentinelOne" }).first().click();
  await expect(page.getByLabel("Console URL", { exact: true })).toBeVisible();
  const guide = page.getByRole("complementary", { name: "Setup guide" });
  await expect(guide).toContainText("Settings → Users → Service Users → New Service User");
  await expect(guide).toContainText("Viewer");
  await expectNoAxeViolations(page);

  // A pasted API path is accepted and removed, with a warning saying so.
  await page.getByLabel("Console URL", { exact: true }).fill(`${consoleOrigin}/web/api/v2.1/`);
  await page.getByLabel("API token", { exact: true }).fill(token);
  await expect(page.getByText(/Patchbay uses only the console's address/).first()).toBeVisible();
  await expect(guide).toContainText(`${consoleOrigin}/web/api/v2.1/`);

  await page.getByRole("button", { name: "Test connection" }).click();
  const steps = page.getByRole("list", { name: "Verification steps" });
  await expect(steps).toBeVisible();
  await expect(steps.getByRole("listitem")).toHaveCount(5);
  await expect(steps).toContainText("Read the API token's expiry date");
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("list", { name: "Required permissions" })).toContainText("Threats: View");
  await expect(page.getByRole("list", { name: "Required permissions" })).toContainText("Endpoints: View");
  await expect(page.getByText(/Expires on .* \(in (199|200) days\)/).first()).toBeVisible();
  await expect(page.getByText("· read from SentinelOne").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "API token", exact: true })).toBeVisible();
  await expect(page.getByText(/Configured · [0-9a-f]{12}/)).toBeVisible();
  await expectNoAxeViolations(page);

  // Status survives a reload; the token is nowhere in the page, the URL or the browser's storage.
  await page.reload();
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  expect(await page.content()).not.toContain(token);
  const storage = await page.evaluate(
    () => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie,
  );
  expect(storage).not.toContain(token);
  expect(page.url()).not.toContain(token);

  await page.getByRole("button", { name: /^Disconnect/ }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("erases the stored API token");
  await expect(dialog).toContainText("Revoke API token");
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();

  // The first sync started on connect: erase what it stored, so specs that count synced records see none of it.
  const session: unknown = await (await page.request.get("/api/session")).json();
  const csrf =
    typeof session === "object" && session !== null ? Reflect.get(session, "csrfToken") : undefined;
  const id = /\/integrations\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? "";
  const erased = await page.request.delete(`/api/integrations/${id}?deleteData=true`, {
    headers: { "x-csrf-token": typeof csrf === "string" ? csrf : "" },
  });
  expect(erased.status()).toBe(200);
});

test("a role without threats is shown degraded, naming the permission and the role to give", async ({
  page,
}) => {
  await page.goto("/integrations");
  await page.getByRole("link", { name: "Connect SentinelOne" }).first().click();
  await page.getByLabel("Console URL", { exact: true }).fill(consoleOrigin);
  await page.getByLabel("API token", { exact: true }).fill(SIM_S1_SEED.noThreats.token);
  await page.getByRole("button", { name: "Test connection" }).click();
  const steps = page.getByRole("list", { name: "Verification steps" });
  await expect(steps).toContainText("may not read threats");
  await expect(page.getByText(/give it the Viewer role/).first()).toBeVisible();
  await expectNoAxeViolations(page);
});

test("console.sentinelone.net is refused in the form, with why", async ({ page }) => {
  await page.goto("/integrations");
  await page.getByRole("link", { name: "Connect SentinelOne" }).first().click();
  const url = page.getByLabel("Console URL", { exact: true });
  await url.fill("https://console.sentinelone.net");
  await url.blur();
  await expect(
    page.getByText(/console\.sentinelone\.net is not a management console of its own/),
  ).toBeVisible();
  await expectNoAxeViolations(page);
});
