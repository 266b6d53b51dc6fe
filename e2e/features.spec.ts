import { expect, expectNoAxeViolations, fillConnectForm, openConnectForm, seed, test } from "./fixtures";

/** One app registration, many features: choosing them, consenting to them, and the secret's countdown (issue 7). */

test("an admin chooses features, grants consent from the guide, and sees the secret's expiry count down", async ({
  page,
}) => {
  const app = seed.secretExpiringSoon;
  await openConnectForm(page);
  const features = page.getByRole("group", { name: "Features" });
  await expect(features.getByRole("checkbox", { name: "Alerts", exact: true })).toBeChecked();
  await expect(features.getByRole("checkbox", { name: "Devices", exact: true })).toBeChecked();
  await features.getByRole("checkbox", { name: "Secret expiry", exact: true }).check();

  // The guide follows the choice: Graph's Application.Read.All is now among the permissions to add.
  const guide = page.getByRole("complementary", { name: "Setup guide" });
  await expect(guide).toContainText("Microsoft Graph");
  await expect(guide).toContainText("Application.Read.All");

  await fillConnectForm(page, app);
  const consent = guide.getByRole("link", { name: /Grant admin consent/ });
  await expect(consent).toHaveAttribute(
    "href",
    `https://login.microsoftonline.com/${app.tenantId}/adminconsent?client_id=${app.appId}`,
  );
  await expect(consent).toHaveAttribute("target", "_blank");
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Degraded", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(/Expires on .* \(in 5 days\)/).first()).toBeVisible();
  await expect(page.getByText("read from Microsoft Graph").first()).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: /^Disconnect/ }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByText("Disconnected", { exact: true }).first()).toBeVisible();
});
