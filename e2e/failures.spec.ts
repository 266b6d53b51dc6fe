import {
  decoyOrigin,
  expect,
  expectNoAxeViolations,
  fillConnectForm,
  openConnectForm,
  seed,
  setFault,
  test,
} from "./fixtures";

test.describe("each validation message, before anything is sent", () => {
  const cases: [string, string, string | RegExp][] = [
    ["Base URL", "https://api.securitycenter.microsoft.com/api/", "Leave /api off the Base URL"],
    ["Base URL", "https://api.securitycenter.microsoft.com/api", "Leave /api off the Base URL"],
    ["Base URL", "http://api.security.microsoft.com", "must use https://"],
    ["Base URL", "https://example.com", "not a Microsoft Defender for Endpoint API host"],
    ["Base URL", "https://10.0.0.1", "not an IP address"],
    ["Base URL", "https://admin:pw@api.security.microsoft.com", "user name or password"],
    ["Base URL", "https://api.security.microsoft.com:8443", "must not include a port"],
    ["Base URL", "https://api.security.microsoft.com/?tenant=1", "query string"],
    ["Base URL", "https://api.security.microsoft.com/#x", "fragment"],
    ["Tenant ID", "contoso.onmicrosoft.com", "must be the GUID, not a domain name"],
    ["Tenant ID", "1234", "must be a GUID"],
    ["App ID", "", "App ID is required"],
    ["App Secret", seed.healthy.secretId, "looks like the secret's ID, not its Value"],
    ["App Secret", "x".repeat(1025), "longer than 1024 characters"],
  ];
  for (const [label, value, message] of cases) {
    test(`${label} “${value.slice(0, 50)}” → ${String(message)}`, async ({ page }) => {
      await openConnectForm(page);
      const field = page.getByLabel(label, { exact: true });
      await field.fill(value);
      await field.blur();
      await expect(field).toHaveAttribute("aria-invalid", "true");
      await expect(page.getByRole("alert").filter({ hasText: message })).toBeVisible();
    });
  }

  test("the errors are announced and axe finds nothing with them showing", async ({ page }) => {
    await openConnectForm(page);
    await page.getByLabel("Base URL").fill("https://api.security.microsoft.com/api/");
    await page.getByLabel("Tenant ID").fill("nope");
    await page.getByLabel("App ID").focus();
    await expect(page.getByRole("alert").filter({ hasText: "Leave /api off" })).toBeVisible();
    await expectNoAxeViolations(page);
  });
});

test("an expired secret is explained with where to make a new one, and nothing is saved", async ({
  page,
}) => {
  await openConnectForm(page);
  await fillConnectForm(page, seed.expiredSecret);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const steps = page.getByRole("list", { name: "Verification steps" });
  await expect(steps).toContainText("The App Secret has expired");
  await expect(steps).toContainText("Certificates & secrets");
  await expect(steps).toContainText("AADSTS7000222");
  await expectNoAxeViolations(page);
  await page.goto("/integrations");
  await expect(page.getByRole("link", { name: /^Manage/ })).toHaveCount(0);
});

test("missing admin consent says to grant it", async ({ page }) => {
  await openConnectForm(page);
  await fillConnectForm(page, seed.noConsent);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("list", { name: "Verification steps" })).toContainText("Grant admin consent");
});

test("a Base URL that is not the Defender API is called a wrong endpoint", async ({ page }) => {
  await openConnectForm(page);
  await fillConnectForm(page, { ...seed.healthy, baseUrl: decoyOrigin });
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("list", { name: "Verification steps" })).toContainText(
    "answered, but not like the Microsoft Defender for Endpoint API",
  );
});

test("a missing permission connects as degraded and names the permission to add", async ({ page }) => {
  await openConnectForm(page);
  await fillConnectForm(page, seed.machinesOnly);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Degraded", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(/lacks Alert\.Read\.All/).first()).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a throttled re-check turns a connection amber and says when to retry", async ({ page }) => {
  await openConnectForm(page);
  await fillConnectForm(page, seed.faults);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  await setFault(seed.faults.tenantId, { kind: "rate_limit", retryAfterSeconds: 30, target: "api" });
  try {
    // exact: the Permissions section also has "Re-check after granting".
    await page.getByRole("button", { name: "Re-check", exact: true }).click();
    await expect(page.getByText("Degraded", { exact: true }).first()).toBeVisible();
    await expect(page.getByText(/throttling this app/).first()).toBeVisible();
  } finally {
    await setFault(seed.faults.tenantId, null);
  }
});
