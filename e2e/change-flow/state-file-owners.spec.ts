import { expect, test } from "@playwright/test";
import { SMTP_PORT } from "../src/support/env";
import { startSmtpReceiver } from "../src/support/receivers";
import { signIn } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

test.beforeAll(async () => {
  smtp = await startSmtpReceiver(SMTP_PORT);
});
test.afterAll(async () => {
  await smtp.close();
});

test("a seed-001 state file's owner becomes the connector's contact, and its failure email reaches the owner", async ({ page }) => {
  const name = `e2e-owned-${Date.now()}`;
  const ownerEmail = `ivy.${Date.now()}@example.com`;
  // The task fails 15 s after it starts: after the deploy is verified, as a connector breaking later would.
  const file = {
    connectors: [
      {
        nameSpace: "payments",
        connectorName: name,
        connectorConfig: { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", "tasks.max": "1", topics: "sb-e2e-owned", mock_mode: "task-failure", delay_ms: "15000" },
        paused: false,
        ownerName: "Ivy Owner",
        ownerEmail,
      },
    ],
  };

  await signIn(page, "owner@example.com");
  await page.goto("/changes/import");
  await page.getByLabel("Cluster").selectOption({ label: "local" });
  await page.getByLabel("Contents").fill(JSON.stringify(file, null, 2));
  await page.getByRole("button", { name: "Check", exact: true }).click();
  await expect(page.getByRole("status")).toContainText(`Owner ${ownerEmail} becomes a contact once the connector is deployed`);
  await page.getByRole("button", { name: "Create draft change request" }).click();
  // The import page is /changes/import itself: wait for the change request's page.
  await expect(page).toHaveURL(/\/changes\/(?!import$)[^/]+$/);
  const changeUrl = page.url();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);

  await approveAndDeploy(page, changeUrl, { deployButton: "Deploy 1 change to local", timeoutMs: 120_000 });

  // The connector's page lists the owner as its own contact.
  await page.goto(`/?q=${name}`);
  await page.getByRole("row").filter({ hasText: name }).getByRole("link", { name }).click();
  await expect(page.getByRole("main")).toContainText("Ivy Owner");
  await expect(page.getByRole("main")).toContainText(ownerEmail);

  // When its task fails, the owner's email is among the notified.
  await expect.poll(() => smtp.mails.filter((m) => m.subject.includes(name) && m.to.includes(ownerEmail)).length, { timeout: 120_000 }).toBe(1);
});
