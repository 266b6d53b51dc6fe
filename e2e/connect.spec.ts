import {
  expect,
  expectNoAxeViolations,
  fillConnectForm,
  openConnectForm,
  seed,
  simulatorOrigin,
  test,
} from "./fixtures";

test("an admin connects Defender, sees it connected with every permission, reloads, and disconnects", async ({
  page,
}) => {
  await page.goto("/integrations");
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Microsoft Defender for Endpoint" })).toBeVisible();
  await expectNoAxeViolations(page);

  await openConnectForm(page);
  await expect(page.getByRole("complementary", { name: "Setup guide" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The region select fills Base URL.
  await page
    .getByLabel("Cloud and region")
    .selectOption({ label: `Operator-configured endpoint · ${simulatorOrigin.replace("https://", "")}` });
  await expect(page.getByLabel("Base URL")).toHaveValue(simulatorOrigin);
  await fillConnectForm(page, seed.healthy);
  await page.getByRole("button", { name: "Test connection" }).click();
  const steps = page.getByRole("list", { name: "Verification steps" });
  await expect(steps).toBeVisible();
  await expect(steps.getByRole("listitem")).toHaveCount(5);
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("list", { name: "Required permissions" })).toContainText("Machine.Read.All");
  await expect(page.getByRole("list", { name: "Required permissions" })).toContainText("Alert.Read.All");
  await expect(page.getByText(/Configured · [0-9a-f]{12}/)).toBeVisible();
  await expectNoAxeViolations(page);

  // Status survives a reload; the secret is nowhere in the page or the browser's storage.
  await page.reload();
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(seed.healthy.appSecret);
  const storage = await page.evaluate(
    () => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie,
  );
  expect(storage).not.toContain(seed.healthy.appSecret);
  expect(page.url()).not.toContain(seed.healthy.appSecret);

  await page.getByRole("button", { name: /^Disconnect/ }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("erases the stored App Secret");
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(/Configured ·/)).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();

  await page.goto("/integrations");
  await expect(page.getByRole("link", { name: "Connect Microsoft Defender for Endpoint" })).toBeVisible();
});

test("the App Secret is masked, with a show/hide toggle", async ({ page }) => {
  await openConnectForm(page);
  const secret = page.getByLabel("App Secret", { exact: true });
  await expect(secret).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Show App Secret" }).click();
  await expect(secret).toHaveAttribute("type", "text");
  await page.getByRole("button", { name: "Hide App Secret" }).click();
  await expect(secret).toHaveAttribute("type", "password");
});

test("a keyboard-only admin can connect", async ({ page }) => {
  await openConnectForm(page);
  await page.getByLabel("Base URL").focus();
  await page.keyboard.type(simulatorOrigin);
  await page.keyboard.press("Tab");
  await page.keyboard.type(seed.healthy.tenantId);
  await page.keyboard.press("Tab");
  await page.keyboard.type(seed.healthy.appId);
  await page.keyboard.press("Tab");
  await page.keyboard.type(seed.healthy.appSecret);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
});

test("the not-found page is accessible and leads back", async ({ page }) => {
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);
  await page
    .getByRole("link", { name: /integrations/i })
    .first()
    .click();
  await expect(page).toHaveURL(/\/integrations$/);
});
