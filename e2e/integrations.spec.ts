import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { z } from "zod";
import { syncFreshnessSchema } from "../src/shared/data-contract";
import { expect, expectNoAxeViolations, seed, simulatorOrigin, test } from "./fixtures";

/**
 * The Integrations page as the partner list grows: cards grouped by category, a search box (partner, vendor,
 * description, connection name) whose query lives in the URL and whose count is announced, and each connection's
 * data freshness and features. Keyboard only; axe with a search applied, with and without results.
 */

const CONTOSO = "Contoso SOC";
const FABRIKAM = "Fabrikam devices";

/** The anti-CSRF header of the session the request context shares with the page (signing in again would end it). */
async function csrf(request: APIRequestContext) {
  const body = z.object({ csrfToken: z.string() }).parse(await (await request.get("/api/session")).json());
  return { "x-csrf-token": body.csrfToken };
}

/** Connect through the API (the connect form has its own spec) and answer the new connection's id. */
async function connect(
  request: APIRequestContext,
  credentials: { tenantId: string; appId: string; appSecret: string },
  name: string,
  features: string[],
): Promise<string> {
  const response = await request.post("/api/integrations", {
    headers: await csrf(request),
    data: { partner: "defender", name, baseUrl: simulatorOrigin, ...credentials, features },
  });
  expect(response.status(), await response.text()).toBe(201);
  return z.object({ id: z.string() }).parse(await response.json()).id;
}

/** When data last arrived for a connection, as the cards read it (null until then). */
async function lastDataAt(request: APIRequestContext, id: string): Promise<string | null> {
  const response = await request.get("/api/sync/freshness");
  expect(response.status()).toBe(200);
  const entry = syncFreshnessSchema
    .parse(await response.json())
    .integrations.find((i) => i.integrationId === id);
  return entry?.lastDataAt ?? null;
}

/** Press Tab until `target` has focus (and nothing but Tab). */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${max} presses of Tab never reached ${target.toString()}`);
}

test("a keyboard user finds a connection by name in the grouped cards, and axe finds nothing with a search applied", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const contosoId = await connect(request, seed.healthy, CONTOSO, ["alerts", "devices"]);
  await connect(request, seed.machinesOnly, FABRIKAM, ["devices"]);
  // The first sync starts on connecting; the card's "last received" comes from it.
  await expect
    .poll(() => lastDataAt(request, contosoId), { timeout: 90_000, intervals: [1_000] })
    .not.toBeNull();

  await page.goto("/integrations");
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  // A heading per category, the partner's card inside it.
  const edr = page.getByRole("region", { name: "EDR" });
  await expect(edr.getByRole("heading", { name: "EDR", level: 2 })).toBeVisible();
  const card = edr.getByRole("article", { name: "Microsoft Defender for Endpoint" });
  await expect(
    card.getByRole("heading", { name: "Microsoft Defender for Endpoint", level: 3 }),
  ).toBeVisible();
  const contosoRow = card
    .getByRole("listitem")
    .filter({ has: page.getByRole("link", { name: `Manage ${CONTOSO}` }) });
  await expect(contosoRow).toContainText(/Connected\s*Contoso SOC/);
  await expect(contosoRow).toContainText(/Data: last received (just now|\d+ minutes? ago)/);
  await expect(card.getByRole("list", { name: `${CONTOSO} features` })).toHaveText(/Alerts\s*Devices/);
  await expect(card.getByRole("list", { name: `${FABRIKAM} features` })).toHaveText("Devices");

  // Keyboard only: Tab to the search box and type.
  const search = page.getByRole("searchbox", { name: "Search integrations" });
  await expect(page.getByRole("search", { name: "Integrations" })).toBeVisible();
  await tabTo(page, search);
  await page.keyboard.type("fabrikam");
  await expect(page).toHaveURL(/\/integrations\?q=fabrikam$/);
  await expect(page.getByRole("status")).toHaveText("1 partner matches “fabrikam”.");
  await expect(card.getByRole("link", { name: `Manage ${FABRIKAM}` })).toBeVisible();
  await expect(card.getByRole("link", { name: `Manage ${CONTOSO}` })).toHaveCount(0);
  // Other specs' connections (disconnected ones are listed too) share the card: how many depends on the run.
  await expect(card).toContainText(/\d+ other connections? do(es)? not match the search\./);
  await expectNoAxeViolations(page);

  // Open the match with Tab and Enter; Back returns to the same search.
  await tabTo(page, card.getByRole("link", { name: `Manage ${FABRIKAM}` }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: FABRIKAM, level: 1 })).toBeVisible();
  await page.goBack();
  await expect(search).toHaveValue("fabrikam");
  await expect(card.getByRole("link", { name: `Manage ${CONTOSO}` })).toHaveCount(0);

  // Words may fall on the partner and the connection: "microsoft contoso".
  await search.focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("microsoft contoso");
  await expect(card.getByRole("link", { name: `Manage ${CONTOSO}` })).toBeVisible();
  await expect(card.getByRole("link", { name: `Manage ${FABRIKAM}` })).toHaveCount(0);

  // Nothing matches: said once, in the live region and the page, with a way back.
  await page.keyboard.press("Control+A");
  await page.keyboard.type("okta");
  await expect(page.getByRole("status")).toHaveText("No partner matches “okta”.");
  await expect(page.getByRole("article")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "EDR" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await tabTo(page, page.getByRole("button", { name: "Clear search" }));
  await page.keyboard.press("Enter");
  await expect(search).toBeFocused();
  await expect(search).toHaveValue("");
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(card.getByRole("link", { name: `Manage ${CONTOSO}` })).toBeVisible();
});

test("the Alerts and Devices pages filter by partner from the catalog, by keyboard, kept in the URL", async ({
  page,
}) => {
  for (const [path, heading] of [
    ["/alerts", "Alerts"],
    ["/devices", "Devices"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    const partner = page.getByRole("combobox", { name: "Partner" });
    await tabTo(page, partner);
    // A closed select changes with the keyboard: typing "M" picks Microsoft Defender for Endpoint.
    await page.keyboard.press("m");
    await expect(partner).toHaveValue("defender");
    await tabTo(page, page.getByRole("button", { name: "Apply filters" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`${path}\\?partner=defender$`));
    await expect(partner).toHaveValue("defender");
    await expectNoAxeViolations(page);
  }
});
