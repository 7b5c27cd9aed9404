import { expect, test } from "@playwright/test";
import { resetCluster } from "@switchboard/stack/cluster-fixture";
import { signIn } from "../src/support/session";

test.beforeAll(async () => {
  await resetCluster();
});

test("an owner creates a connector through a change request, an approver approves and deploys, the board shows it RUNNING", async ({ page }) => {
  const name = `e2e-orders-sink-${Date.now()}`;

  // The owner drafts the change from the MockSink template and submits it for review.
  await signIn(page, "owner@example.com");
  await page.goto("/connectors/new");
  await page.getByRole("radio", { name: /MockSink/ }).check();
  await page.getByLabel("Connector name").fill(name);
  await page.getByLabel("Topics", { exact: true }).fill("sb-e2e-orders");
  await page.getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await expect(page.getByRole("main")).toContainText(name);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  // The author cannot approve their own change: no Approve button for them.
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

  // An approver approves, then deploys after saying what the deploy will do.
  await signIn(page, "approver@example.com");
  await page.goto(changeUrl);
  const actions = page.getByRole("complementary", { name: "Status and actions" });
  await actions.getByRole("button", { name: "Approve", exact: true }).click();
  await actions.getByRole("button", { name: "Deploy 1 change to local" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(name);
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();

  // Live progress ends in the report.
  await expect(page.getByRole("heading", { name: "Deployed" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole("link", { name: "Download report (JSON)" })).toBeVisible();

  // The board shows the connector RUNNING (the monitor has observed it).
  await page.goto(`/?q=${name}`);
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("RUNNING", { timeout: 60_000 });
});
