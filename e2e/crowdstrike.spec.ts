import { FALCON_SEED } from "../src/simulator/falcon-seed";
import { expect, expectNoAxeViolations, test } from "./fixtures";

/** CrowdStrike Falcon from the Integrations page, as an admin meets it: connect, see its data, disconnect. */

test("an admin connects CrowdStrike Falcon by auto-discovery, sees its alerts, and disconnects", async ({
  page,
}) => {
  const client = FALCON_SEED.demo;
  await page.goto("/integrations");
  await expect(page.getByRole("heading", { name: "CrowdStrike Falcon" })).toBeVisible();
  await page.getByRole("link", { name: "Connect CrowdStrike Falcon" }).click();
  await expect(page.getByRole("complementary", { name: "Setup guide" })).toContainText(
    "API clients and keys",
  );
  await expect(page.getByRole("list", { name: "API client scopes to tick" })).toContainText("Alerts: Read");
  await expectNoAxeViolations(page);

  await page.getByLabel("Cloud").selectOption({ label: "Auto-discover (US-1, US-2, EU-1, US-3)" });
  await page.getByLabel("Client ID").fill(client.clientId);
  await page.getByLabel("Client Secret", { exact: true }).fill(client.clientSecret);
  await page.getByRole("button", { name: "Test connection" }).click();
  const steps = page.getByRole("list", { name: "Verification steps" });
  await expect(steps).toContainText("belongs to US-2");
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Connected", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("list", { name: "Required permissions" })).toContainText("Hosts: Read");
  const html = await page.content();
  expect(html).not.toContain(client.clientSecret);
  await expectNoAxeViolations(page);

  // The first sync starts on connect: Falcon's alerts reach the shared Alerts page, filterable by partner.
  const detail = page.url();
  await expect(async () => {
    await page.goto("/alerts?partner=crowdstrike");
    await expect(page.getByRole("table").getByRole("row").nth(1)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole("table")).toContainText("Suspicious process");

  // Disconnect and delete what the sync stored (specs that count synced records then see none of it).
  await page.goto(detail);
  await page.getByRole("button", { name: "Delete synced data and disconnect" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Client Secret");
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Delete and disconnect" }).click();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();
  await page.goto("/alerts?partner=crowdstrike");
  await expect(page.getByText(/No alerts/).first()).toBeVisible();
});

test("a Falcon client without Alerts: Read connects degraded, naming the scope or the allowlist", async ({
  page,
}) => {
  const client = FALCON_SEED.noAlerts;
  await page.goto("/integrations");
  await page.getByRole("link", { name: "Connect CrowdStrike Falcon" }).click();
  await page.getByLabel("Cloud").selectOption({ label: "Auto-discover (US-1, US-2, EU-1, US-3)" });
  await page.getByLabel("Client ID").fill(client.clientId);
  await page.getByLabel("Client Secret", { exact: true }).fill(client.clientSecret);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(
    page
      .getByText(/missing the Alerts: Read scope, or this address is not on the API client's IP allowlist/)
      .first(),
  ).toBeVisible();
  await expectNoAxeViolations(page);
});
