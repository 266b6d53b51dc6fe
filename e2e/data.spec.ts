import type { APIRequestContext, Browser, Locator, Page } from "@playwright/test";
import {
  expect,
  expectNoAxeViolations,
  fillConnectForm,
  openConnectForm,
  seed,
  simulatorOrigin,
  test,
} from "./fixtures";

/**
 * Data flows (issue 8): a connection's first sync, the Data section's charts, the Alerts and Devices pages, and
 * Delete synced data. The demo gives Lamna Healthcare (the bulkSync seed) 20,000 alerts over 14 days and 2,000
 * devices. Each test starts with every connection disconnected (fixtures' cleanSlate); what a disconnected
 * connection synced stays listed, so the tests after the first reuse Lamna's data, and sync it themselves when
 * they run alone.
 */

const LAMNA = "Lamna Healthcare";
/** The acceptance: alerts and devices arrive within a minute of connecting. */
const FIRST_SYNC_MS = 60_000;

type Json = Record<string, unknown>;

async function json(request: APIRequestContext, path: string): Promise<Json> {
  const response = await request.get(path);
  expect(response.status(), `GET ${path}`).toBe(200);
  const body: unknown = await response.json();
  return typeof body === "object" && body !== null ? (body as Json) : {};
}

/** The anti-CSRF header of the session the request context is signed in with. */
async function csrf(request: APIRequestContext) {
  const token = (await json(request, "/api/session")).csrfToken;
  return { "x-csrf-token": typeof token === "string" ? token : "" };
}

/** Every source of the connection has finished its first sync and stored records. */
async function firstSyncDone(request: APIRequestContext, id: string): Promise<boolean> {
  const sources = (await json(request, `/api/integrations/${id}/sync`)).sources;
  return (
    Array.isArray(sources) &&
    sources.length > 0 &&
    sources.every((s: Json) => s.firstSyncDone === true && typeof s.records === "number" && s.records > 0)
  );
}

/** Connect through the API (for tests about what comes after connecting) and wait for the first sync. */
async function connectAndSync(
  request: APIRequestContext,
  credentials: { tenantId: string; appId: string; appSecret: string },
  name: string,
): Promise<string> {
  const response = await request.post("/api/integrations", {
    headers: await csrf(request),
    data: {
      partner: "defender",
      name,
      baseUrl: simulatorOrigin,
      tenantId: credentials.tenantId,
      appId: credentials.appId,
      appSecret: credentials.appSecret,
      features: ["alerts", "devices"],
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  const id = (await response.json()).id as string;
  await expect.poll(() => firstSyncDone(request, id), { timeout: 90_000, intervals: [1_000] }).toBe(true);
  return id;
}

/** Lamna Healthcare with its first sync complete: an earlier test's connection, or a new one. */
async function syncedLamna(request: APIRequestContext): Promise<string> {
  const list = (await json(request, `/api/integrations?q=${encodeURIComponent(LAMNA)}&limit=500`))
    .integrations;
  for (const item of Array.isArray(list) ? (list as Json[]) : []) {
    if (item.name === LAMNA && typeof item.id === "string" && (await firstSyncDone(request, item.id)))
      return item.id;
  }
  return connectAndSync(request, seed.bulkSync, LAMNA);
}

/** The detail page's Data section (a section headed "Data"). */
function dataSection(page: Page): Locator {
  return page.locator("section", { has: page.getByRole("heading", { name: "Data", level: 2, exact: true }) });
}

/**
 * A chart's image, named by its text alternative. (The drawing inside, Recharts' svg, has role img too; it is
 * presentational under the named image, but Playwright still lists it.)
 */
function chartImage(figure: Locator): Locator {
  return figure.getByRole("img").first();
}

/** Press Tab until `target` has focus (and nothing but Tab). */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${max} presses of Tab never reached ${target.toString()}`);
}

/** The text of one column of a table's body rows (1-based, counting the cells of the row). */
function columnTexts(table: Locator, column: number): Promise<string[]> {
  return table.locator(`tbody tr > :nth-child(${column})`).allTextContents();
}

function count(text: string | null): number {
  return Number((text ?? "").replace(/[^\d]/g, "") || "0");
}

test("a newcomer connects Lamna Healthcare and sees its alerts and devices arrive within a minute, with the charts", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await openConnectForm(page);
  await fillConnectForm(page, seed.bulkSync);
  await page.getByRole("textbox", { name: /^Name/ }).fill(LAMNA);
  const features = page.getByRole("group", { name: "Features" });
  await expect(features.getByRole("checkbox", { name: "Alerts", exact: true })).toBeChecked();
  await expect(features.getByRole("checkbox", { name: "Devices", exact: true })).toBeChecked();
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const connectedAt = Date.now();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: LAMNA, level: 1 })).toBeVisible();

  const data = dataSection(page);
  const sources = data.getByRole("table", { name: "Sync sources" });
  for (const label of ["Alerts", "Devices"]) {
    await expect(sources.getByRole("rowheader", { name: label, exact: true })).toBeVisible();
  }

  // The first sync completes without a reload: each source up to date, records stored, a last successful sync.
  const remaining = () => Math.max(1_000, FIRST_SYNC_MS - (Date.now() - connectedAt));
  for (const label of ["Alerts", "Devices"]) {
    const row = sources
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: label, exact: true }) });
    const cells = row.getByRole("cell");
    await expect(cells.nth(0)).toHaveText("Up to date", { timeout: remaining() });
    expect(count(await cells.nth(1).textContent())).toBeGreaterThan(0);
    await expect(cells.nth(2)).not.toHaveText("Never");
    await expect(cells.nth(2).locator("time")).toBeVisible();
  }
  const alertRecords = count(
    await sources
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "Alerts", exact: true }) })
      .getByRole("cell")
      .nth(1)
      .textContent(),
  );
  expect(alertRecords).toBeGreaterThanOrEqual(19_000);

  // The charts, still within the minute and still without a reload.
  const alertsChart = data.getByRole("figure", { name: "Alerts by severity, last 14 days" });
  await expect(alertsChart).toBeVisible({ timeout: remaining() });
  await expect(chartImage(alertsChart)).toHaveAccessibleName(/^[\d,]+ alerts created in the last 14 days: /);
  const devicesChart = data.getByRole("figure", { name: /^Device health \(/ });
  await expect(devicesChart).toBeVisible({ timeout: remaining() });
  await expect(devicesChart).toHaveAccessibleName("Device health (2,000 devices)");
  await expect(chartImage(devicesChart)).toHaveAccessibleName(/Health status: .*Active [\d,]+/);

  // "Show as table": the same numbers, a row per day for 14 days.
  await alertsChart.getByText("Show as table").click();
  const perDay = alertsChart.getByRole("table", { name: "Alerts created per UTC day, by severity" });
  await expect(perDay).toBeVisible();
  await expect(perDay.getByRole("rowheader")).toHaveCount(14);
  await expect(perDay.getByRole("columnheader")).toHaveText([
    "Day",
    "Critical",
    "High",
    "Medium",
    "Low",
    "Informational",
    "Unknown",
    "Total",
  ]);
  await devicesChart.getByText("Show as table").click();
  const health = devicesChart.getByRole("table", { name: "Health status" });
  await expect(health).toBeVisible();
  await expect(health.getByRole("rowheader", { name: "Active", exact: true })).toBeVisible();
  expect(Date.now() - connectedAt).toBeLessThanOrEqual(FIRST_SYNC_MS);

  // Each chart leads to its list.
  await expect(data.getByRole("link", { name: "All alerts from this connection" })).toHaveAttribute(
    "href",
    /\/alerts\?integrationId=[0-9a-f-]{36}$/,
  );
  await expect(data.getByRole("link", { name: "All devices from this connection" })).toHaveAttribute(
    "href",
    /\/devices\?integrationId=[0-9a-f-]{36}$/,
  );
});

test("the Data section of a synced connection shows alerts by severity and device health, each with its table", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const id = await syncedLamna(page.request);
  await page.goto(`/integrations/${id}`);
  const data = dataSection(page);
  await expect(data.getByRole("table", { name: "Sync sources" })).toBeVisible();

  const alertsChart = data.getByRole("figure", { name: "Alerts by severity, last 14 days" });
  await expect(chartImage(alertsChart)).toHaveAccessibleName(
    /^[\d,]+ alerts created in the last 14 days: [\d,]+ high, [\d,]+ medium, [\d,]+ low, [\d,]+ informational/,
  );
  await alertsChart.getByText("Show as table").click();
  const perDay = alertsChart.getByRole("table", { name: "Alerts created per UTC day, by severity" });
  await expect(perDay).toBeVisible();
  await expect(perDay.getByRole("columnheader")).toHaveText([
    "Day",
    "Critical",
    "High",
    "Medium",
    "Low",
    "Informational",
    "Unknown",
    "Total",
  ]);
  await expect(perDay.getByRole("rowheader")).toHaveCount(14);
  // The table and the chart's text alternative count the same alerts.
  const totals = (await perDay.locator("tbody tr > td:last-child").allTextContents()).map(count);
  const sum = totals.reduce((a, b) => a + b, 0);
  expect(sum).toBeGreaterThan(0);
  await expect(chartImage(alertsChart)).toHaveAccessibleName(
    new RegExp(`^${sum.toLocaleString("en-US")} alerts created`),
  );

  const devicesChart = data.getByRole("figure", { name: "Device health (2,000 devices)" });
  await expect(chartImage(devicesChart)).toHaveAccessibleName(/^2,000 devices\. Health status: /);
  await devicesChart.getByText("Show as table").click();
  for (const caption of ["Health status", "Onboarding status", "Risk level", "Exposure level"]) {
    await expect(devicesChart.getByRole("table", { name: caption })).toBeVisible();
  }
  const health = devicesChart.getByRole("table", { name: "Health status" });
  await expect(health.getByRole("rowheader", { name: "Active", exact: true })).toBeVisible();
  const byHealth = (await health.locator("tbody td").allTextContents()).map(count);
  expect(byHealth.reduce((a, b) => a + b, 0)).toBe(2_000);
});

test("the Alerts page filters by severity, sorts, pages, and opens an alert with its evidence and portal link", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await syncedLamna(page.request);
  await page.goto("/integrations");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
  const table = page.getByRole("table", { name: "Alerts", exact: true });
  await expect(table.getByRole("row")).toHaveCount(51);
  const pager = page.getByRole("navigation", { name: "Pages" });
  await expect(pager.getByRole("status")).toHaveText("Alerts 1–50, by time created, newest first.");
  await expect(table.getByRole("columnheader", { name: "Created" })).toHaveAttribute(
    "aria-sort",
    "descending",
  );

  // Severity: High.
  const filters = page.getByRole("form", { name: "Filter alerts" });
  await filters.getByLabel("Severity").selectOption({ label: "High" });
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]severity=high(&|$)/);
  await expect(table.getByRole("row")).toHaveCount(51);
  await expect.poll(async () => [...new Set(await columnTexts(table, 2))]).toEqual(["High"]);
  await expect(filters.getByLabel("Severity")).toHaveValue("high");

  // Sort by title: A to Z, then Z to A; the filter stays.
  const titleHeader = table.getByRole("columnheader", { name: "Title" });
  await expect(titleHeader).not.toHaveAttribute("aria-sort");
  await titleHeader.getByRole("button").click();
  await expect(titleHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(table.getByRole("columnheader", { name: "Created" })).not.toHaveAttribute("aria-sort");
  await expect(page).toHaveURL(/severity=high.*sort=title&order=asc/);
  await expect(pager.getByRole("status")).toHaveText("Alerts 1–50, by title, A to Z.");
  await titleHeader.getByRole("button").click();
  await expect(titleHeader).toHaveAttribute("aria-sort", "descending");
  await expect(page).toHaveURL(/sort=title&order=desc/);
  await expect(pager.getByRole("status")).toHaveText("Alerts 1–50, by title, Z to A.");
  await expect.poll(async () => [...new Set(await columnTexts(table, 2))]).toEqual(["High"]);

  // Next page.
  const firstOfPage1 = await table.getByRole("row").nth(1).getByRole("button").textContent();
  await pager.getByRole("button", { name: "Next page" }).click();
  await expect(pager.getByRole("status")).toHaveText("Alerts 51–100, by title, Z to A.");
  await expect(pager.getByText("Page 2")).toBeVisible();
  await expect(table.getByRole("row").nth(1).getByRole("button")).not.toHaveText(firstOfPage1 ?? "");
  await expect.poll(async () => [...new Set(await columnTexts(table, 2))]).toEqual(["High"]);

  // Open a row: its title, evidence and a link to the Defender portal; Escape goes back to the row.
  const opener = table.getByRole("row").nth(3).getByRole("button");
  const title = (await opener.textContent()) ?? "";
  await opener.click();
  const drawer = page.getByRole("dialog", { name: title });
  await expect(drawer).toBeVisible();
  await expect(drawer).toHaveAccessibleDescription(`Alert from ${LAMNA}`);
  const evidence = drawer.getByRole("list", { name: "Evidence" });
  await expect(evidence.getByRole("listitem").first()).toBeVisible();
  await expect(evidence.getByRole("listitem").first()).toContainText(/File\s*f\d+\.exe/);
  const portal = drawer.getByRole("link", { name: /^Open in Microsoft Defender portal/ });
  await expect(portal).toHaveAttribute(
    "href",
    /^https:\/\/security\.microsoft\.com\/alerts\/da[0-9a-f]+_\d+$/,
  );
  await expect(portal).toHaveAttribute("target", "_blank");
  await expect(drawer.getByText("High", { exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(opener).toBeFocused();
});

test("the Devices page filters by health, searches by name, and opens a device", async ({ page }) => {
  test.setTimeout(150_000);
  await syncedLamna(page.request);
  await page.goto("/integrations");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" }).click();
  await expect(page.getByRole("heading", { name: "Devices", level: 1 })).toBeVisible();
  const table = page.getByRole("table", { name: "Devices", exact: true });
  await expect(table.getByRole("row")).toHaveCount(51);
  await expect(table.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");

  const filters = page.getByRole("form", { name: "Filter devices" });
  await filters.getByLabel("Health").selectOption({ label: "Inactive" });
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]health=Inactive(&|$)/);
  await expect.poll(async () => [...new Set(await columnTexts(table, 2))]).toEqual(["Inactive"]);

  await filters.getByRole("searchbox", { name: "Search" }).fill("host-0001");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/health=Inactive.*q=host-0001/);
  await expect
    .poll(async () => (await columnTexts(table, 1)).every((name) => name.includes("host-0001")))
    .toBe(true);
  const rows = table.getByRole("row");
  await expect.poll(() => rows.count()).toBeGreaterThan(1);
  await expect.poll(async () => [...new Set(await columnTexts(table, 2))]).toEqual(["Inactive"]);

  const opener = rows.nth(1).getByRole("button");
  const name = (await opener.textContent()) ?? "";
  expect(name).toMatch(/^host-0001\d\d\.bulk\.example$/);
  await opener.click();
  const drawer = page.getByRole("dialog", { name });
  await expect(drawer).toBeVisible();
  await expect(drawer).toHaveAccessibleDescription(`Device from ${LAMNA}`);
  await expect(drawer.getByRole("definition").first()).toHaveText("Inactive");
  await expect(drawer.getByRole("link", { name: /^Open in Microsoft Defender portal/ })).toHaveAttribute(
    "href",
    /^https:\/\/security\.microsoft\.com\/machines\/v2\/[0-9a-f]{40}\/overview$/,
  );
  await drawer.getByRole("button", { name: "Close" }).click();
  await expect(drawer).toBeHidden();
  await expect(opener).toBeFocused();
});

test("a keyboard-only user filters, sorts and opens an alert with Tab and Enter", async ({ page }) => {
  test.setTimeout(150_000);
  await syncedLamna(page.request);
  await page.goto("/alerts");
  const table = page.getByRole("table", { name: "Alerts", exact: true });
  await expect(table.getByRole("row")).toHaveCount(51);

  const filters = page.getByRole("form", { name: "Filter alerts" });
  const severity = filters.getByLabel("Severity");
  await tabTo(page, severity);
  // A closed select changes with the keyboard: typing "H" picks High.
  await page.keyboard.press("h");
  await expect(severity).toHaveValue("high");
  await tabTo(page, filters.getByRole("button", { name: "Apply filters" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]severity=high(&|$)/);
  await expect.poll(async () => [...new Set(await columnTexts(table, 2))]).toEqual(["High"]);
  // Applying keeps the keyboard user's place: focus is not dropped to the top of the document.
  await expect(
    filters.getByRole("button", { name: "Apply filters" }),
    "focus after Apply filters",
  ).toBeFocused();

  const titleHeader = table.getByRole("columnheader", { name: "Title" });
  await tabTo(page, titleHeader.getByRole("button"));
  await page.keyboard.press("Enter");
  await expect(titleHeader).toHaveAttribute("aria-sort", "ascending");
  // Sorting keeps focus on the header that was pressed, so pressing it again reverses the order.
  await expect(titleHeader.getByRole("button"), "focus after sorting by Title").toBeFocused();

  const opener = table.getByRole("row").nth(1).getByRole("button");
  const title = (await opener.textContent()) ?? "";
  await tabTo(page, opener);
  await page.keyboard.press("Enter");
  const drawer = page.getByRole("dialog", { name: title });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole("list", { name: "Evidence" })).toBeVisible();
  // Focus is inside the drawer, and Tab stays there.
  await expect.poll(() => drawer.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press("Tab");
    expect(await drawer.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(opener).toBeFocused();
});

test("axe finds nothing on the Alerts page, with an alert's drawer open, and with its raw record unfolded", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await syncedLamna(page.request);
  await page.goto("/alerts");
  const alerts = page.getByRole("table", { name: "Alerts", exact: true });
  await expect(alerts.getByRole("row")).toHaveCount(51);
  await expectNoAxeViolations(page);

  const opener = alerts.getByRole("row").nth(1).getByRole("button");
  // The name first: with the drawer open, the page behind it is hidden from the accessibility tree.
  const title = (await opener.textContent()) ?? "";
  await opener.click();
  const drawer = page.getByRole("dialog", { name: title });
  await expect(drawer.getByRole("list", { name: "Evidence" })).toBeVisible();
  await expectNoAxeViolations(page);

  await drawer.getByText("Raw record (JSON)").click();
  await expect(drawer.locator("pre")).toBeVisible();
  await expectNoAxeViolations(page);
});

test("axe finds nothing on the Devices page, with a device's drawer open", async ({ page }) => {
  test.setTimeout(150_000);
  await syncedLamna(page.request);
  await page.goto("/devices");
  const devices = page.getByRole("table", { name: "Devices", exact: true });
  await expect(devices.getByRole("row")).toHaveCount(51);
  await expectNoAxeViolations(page);

  const opener = devices.getByRole("row").nth(1).getByRole("button");
  const name = (await opener.textContent()) ?? "";
  await opener.click();
  const drawer = page.getByRole("dialog", { name });
  await expect(drawer.getByRole("link", { name: /^Open in Microsoft Defender portal/ })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("axe finds nothing on a connection's Data section with its charts' tables open", async ({ page }) => {
  test.setTimeout(150_000);
  const id = await syncedLamna(page.request);
  await page.goto(`/integrations/${id}`);
  const data = dataSection(page);
  await expect(data.getByRole("table", { name: "Sync sources" })).toBeVisible();
  const charts = [
    data.getByRole("figure", { name: "Alerts by severity, last 14 days" }),
    data.getByRole("figure", { name: /^Device health \(/ }),
  ];
  for (const chart of charts) await expect(chart).toBeVisible();
  await expectNoAxeViolations(page);
  for (const chart of charts) {
    await chart.getByText("Show as table").click();
    await expect(chart.getByRole("table").first()).toBeVisible();
  }
  await expectNoAxeViolations(page);
});

test("Delete synced data and disconnect names what it erases; afterwards the connection is disconnected and its alerts are gone", async ({
  page,
}) => {
  test.setTimeout(150_000);
  // A connection of its own (Contoso, the healthy seed: a handful of alerts and devices), with a unique name.
  const name = `Contoso erase ${Date.now().toString(36)}`;
  const id = await connectAndSync(page.request, seed.healthy, name);

  // Its alerts are there first, from the Data section's link.
  await page.goto(`/integrations/${id}`);
  await dataSection(page).getByRole("link", { name: "All alerts from this connection" }).click();
  await expect(page).toHaveURL(new RegExp(`/alerts\\?integrationId=${id}$`));
  const table = page.getByRole("table", { name: "Alerts", exact: true });
  await expect.poll(() => table.getByRole("row").count()).toBeGreaterThan(1);
  await expect.poll(async () => [...new Set(await columnTexts(table, 5))]).toEqual([name]);

  await page.goto(`/integrations/${id}`);
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  await page.getByRole("button", { name: "Delete synced data and disconnect" }).click();
  const dialog = page.getByRole("alertdialog", {
    name: `Delete the data synced from ${name} and disconnect it?`,
  });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleDescription(
    new RegExp(`deletes the alerts, incidents, devices, vulnerabilities and software synced from ${name}`),
  );
  await expect(dialog).toContainText("erasing the stored App Secret");
  await expect(dialog).toContainText("This cannot be undone");
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Delete and disconnect" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete synced data and disconnect" })).toHaveCount(0);

  // The Alerts page, filtered to that connection, has nothing left.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  const filters = page.getByRole("form", { name: "Filter alerts" });
  await filters.getByLabel("Connection").selectOption({ label: `${name} (disconnected)` });
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`integrationId=${id}`));
  await expect(page.getByText("No alerts match these filters.")).toBeVisible();
  await expect(table).toHaveCount(0);
  await page.goto(`/devices?integrationId=${id}`);
  await expect(page.getByText("No devices match these filters.")).toBeVisible();
});

/** A browser signed in as a new viewer (made through the API by the admin). */
async function viewerPage(browser: Browser, admin: APIRequestContext) {
  const viewer = {
    email: `data-viewer-${Date.now()}@e2e.patchbay.test`,
    displayName: "Dana Viewer",
    role: "viewer",
    password: "data viewer password 7",
  };
  const created = await admin.post("/api/users", { headers: await csrf(admin), data: viewer });
  expect(created.status(), await created.text()).toBe(201);
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByLabel("Password", { exact: true }).fill(viewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  return { page, close: () => context.close() };
}

test("a viewer sees the Alerts page and opens an alert too", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await syncedLamna(page.request);
  const { page: viewer, close } = await viewerPage(browser, page.request);
  try {
    await viewer.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
    await expect(viewer.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
    const table = viewer.getByRole("table", { name: "Alerts", exact: true });
    await expect(table.getByRole("row")).toHaveCount(51);
    const opener = table.getByRole("row").nth(1).getByRole("button");
    const title = (await opener.textContent()) ?? "";
    await opener.click();
    const drawer = viewer.getByRole("dialog", { name: title });
    await expect(drawer.getByRole("list", { name: "Evidence" })).toBeVisible();
    await expect(drawer.getByRole("link", { name: /^Open in Microsoft Defender portal/ })).toBeVisible();
  } finally {
    await close();
  }
});
