import type { Browser, Page } from "@playwright/test";
import { e2eAdmin, expect, expectNoAxeViolations, signedOut, test } from "./fixtures";

async function signInThroughTheForm(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A browser with nobody signed in. */
async function freshPage(browser: Browser) {
  const context = await browser.newContext({ storageState: signedOut });
  return { page: await context.newPage(), close: () => context.close() };
}

test.describe("signed out", () => {
  test.use({ storageState: signedOut });

  test("a signed-out visitor's console stays clean: the session probe is no failed request", async ({
    page,
  }) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await page.goto("/integrations");
    await expect(page.getByRole("heading", { name: "Sign in to Patchbay" })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("heading", { name: "Sign in to Patchbay" })).toBeVisible();
    expect(problems).toEqual([]);
  });

  test("a visitor is sent to sign in, told when the password is wrong, and taken back where they were", async ({
    page,
  }) => {
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Faudit/);
    await expect(page.getByRole("heading", { name: "Sign in to Patchbay" })).toBeVisible();
    await expectNoAxeViolations(page);

    await signInThroughTheForm(page, e2eAdmin.email, "not the password");
    await expect(page.getByRole("alert").filter({ hasText: "Email or password is wrong" })).toBeVisible();
    await expectNoAxeViolations(page);

    await signInThroughTheForm(page, e2eAdmin.email, e2eAdmin.password);
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(storage).not.toContain(e2eAdmin.password);
  });

  test("the API refuses the signed-out browser too", async ({ page }) => {
    const response = await page.request.get("/api/integrations");
    expect(response.status()).toBe(401);
  });
});

test("signing out ends the session; the back button does not bring it back", async ({ browser }) => {
  const { page, close } = await freshPage(browser);
  try {
    await page.goto("/sign-in");
    await signInThroughTheForm(page, e2eAdmin.email, e2eAdmin.password);
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/integrations");
    await expect(page).toHaveURL(/\/sign-in/);
    expect((await page.request.get("/api/integrations")).status()).toBe(401);
  } finally {
    await close();
  }
});

test("an admin manages users: adds a viewer, who sees everything and can change nothing, then deactivates them", async ({
  page,
  browser,
}) => {
  const viewer = {
    email: `viewer-${Date.now()}@e2e.patchbay.test`,
    name: "Vic Viewer",
    password: "viewer password 42",
  };
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);
  const form = page.getByRole("form", { name: "Add user" });
  await form.getByLabel("Email").fill(viewer.email);
  await form.getByLabel("Display name").fill(viewer.name);
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByLabel("Initial password").fill(viewer.password);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("cell", { name: viewer.email })).toBeVisible();

  const { page: viewerPage, close } = await freshPage(browser);
  try {
    await viewerPage.goto("/sign-in");
    await signInThroughTheForm(viewerPage, viewer.email, viewer.password);
    await expect(viewerPage.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await expect(viewerPage.getByText("Viewers can't make changes. Ask an admin.").first()).toBeVisible();
    await expect(viewerPage.getByRole("link", { name: "Users" })).toHaveCount(0);
    await expectNoAxeViolations(viewerPage);
    await viewerPage.goto("/integrations/connect/defender");
    await expect(viewerPage.getByText(/Viewers can't make changes/).first()).toBeVisible();
    await expect(viewerPage.getByLabel("Base URL")).toHaveCount(0);
    const forbidden = await viewerPage.request.post("/api/integrations/test", { data: {} });
    expect(forbidden.status()).toBe(403);

    await page.getByRole("button", { name: `Deactivate ${viewer.name}` }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText("revokes their API tokens");
    await expectNoAxeViolations(page);
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await expect(page.getByRole("button", { name: `Reactivate ${viewer.name}` })).toBeVisible();

    await viewerPage.goto("/audit");
    await expect(viewerPage).toHaveURL(/\/sign-in/);
  } finally {
    await close();
  }
});

test("an admin creates an API token, sees it once, and revokes it", async ({ page }) => {
  await page.goto("/tokens");
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("Name").fill("e2e SIEM sync");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Copy this token now: Patchbay shows it only once.")).toBeVisible();
  const panel = page.getByRole("region", { name: "Token “e2e SIEM sync” created" });
  const secret = (await panel.locator("code").filter({ hasText: /^pbt_/ }).textContent()) ?? "";
  expect(secret).toMatch(/^pbt_/);
  expect(
    (
      await page.request.get("/api/integrations", { headers: { authorization: `Bearer ${secret}` } })
    ).status(),
  ).toBe(200);
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);

  await page.getByRole("button", { name: "Revoke e2e SIEM sync" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
  await expect
    .poll(async () =>
      (
        await page.request.get("/api/integrations", { headers: { authorization: `Bearer ${secret}` } })
      ).status(),
    )
    .toBe(401);
});

test("the audit log shows who did what, and filters", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await expect(page.getByRole("cell", { name: /admin@e2e\.patchbay\.test/ }).first()).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("Action").selectOption({ value: "session.sign_in" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=session\.sign_in/);
  const rows = page.getByRole("row");
  await expect(rows.nth(1)).toContainText(/Signed in/);
});
