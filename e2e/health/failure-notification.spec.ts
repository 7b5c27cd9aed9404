import { expect, test } from "@playwright/test";
import { createDb } from "@switchboard/db/client";
import { getClusterByName } from "@switchboard/db/repos/clusters";
import { createConnector } from "@switchboard/db/repos/connectors";
import { addContact, getTeamByName } from "@switchboard/db/repos/teams";
import { putConnector, resetCluster } from "@switchboard/stack/cluster-fixture";
import { DATABASE_URL, SMTP_PORT, WEBHOOK_PORT } from "../src/support/env";
import { startSmtpReceiver, startWebhookReceiver } from "../src/support/receivers";
import { signIn } from "../src/support/session";

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;

test.beforeAll(async () => {
  smtp = await startSmtpReceiver(SMTP_PORT);
  webhook = await startWebhookReceiver(WEBHOOK_PORT);
  await resetCluster();
});

test.afterAll(async () => {
  await smtp.close();
  await webhook.close();
});

test("a connector whose task fails shows FAILED on the board and its owners are notified", async ({ page }) => {
  const name = `e2e-failing-${Date.now()}`;
  const config = {
    "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",
    topics: "sb-e2e",
    "tasks.max": "1",
    mock_mode: "task-failure",
    delay_ms: "500",
  };
  // The connector is defined in Switchboard (owned by payments, who also get webhooks) and runs on the cluster.
  const db = createDb(DATABASE_URL);
  const team = await getTeamByName(db, "payments");
  const cluster = await getClusterByName(db, "local");
  if (!team || !cluster) throw new Error("the seed has no payments team or local cluster");
  await addContact(db, null, { kind: "webhook", target: webhook.url, teamId: team.id });
  const connector = await createConnector(db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config, secrets: {} });
  await db.$disconnect();

  const startedAt = Date.now();
  await putConnector(name, { ...config, "switchboard.id": connector.id, "switchboard.version": String(connector.version) });

  await expect.poll(() => webhook.hooks.filter((h) => JSON.stringify(h.body).includes(name)).length, { timeout: 90_000 }).toBe(1);
  const hook = webhook.hooks.find((h) => JSON.stringify(h.body).includes(name))!;
  expect(typeof (hook.body as { text?: unknown }).text).toBe("string");
  // Failure happens delay_ms after the task starts; this is an upper bound on failure → webhook.
  test.info().annotations.push({ type: "failure-to-webhook-ms", description: String(hook.at - startedAt - 500) });

  await expect.poll(() => smtp.mails.filter((m) => m.subject.includes(name)).length, { timeout: 60_000 }).toBe(1);
  expect(smtp.mails.find((m) => m.subject.includes(name))!.to).toContain("payments-oncall@example.com");

  await signIn(page, "owner@example.com");
  await page.goto(`/?q=${name}`);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("FAILED");

  await page.goto("/notifications");
  await expect(page.getByRole("main")).toContainText(name);

  // Once per incident: later polls do not notify again.
  await page.waitForTimeout(5_000);
  expect(webhook.hooks.filter((h) => JSON.stringify(h.body).includes(name))).toHaveLength(1);
});
