import { expect, test } from "@playwright/test";
import { Kafka, logLevel } from "kafkajs";
import { testEndpoints } from "@switchboard/stack/cluster-fixture";
import { signIn } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

const { bootstrap } = testEndpoints();

test("an owner asks for a topic in a change request, another user approves and deploys it, and the broker has it", async ({ page }) => {
  const topic = `e2e-payments-refunds-${Date.now()}`;

  // The owner drafts a change request with one topic creation and submits it.
  await signIn(page, "owner@example.com");
  await page.goto("/changes/new");
  await page.getByLabel("Title").fill(`Topic ${topic}`);
  const cluster = page.getByLabel("Cluster");
  await cluster.selectOption((await cluster.locator("option", { hasText: /^local \(/ }).getAttribute("value")) ?? "");
  // A new change request starts with one item.
  await page.getByLabel("Action").selectOption({ label: "Create a topic" });
  await page.getByLabel("Topic name").fill(topic);
  await page.getByLabel("For team").selectOption({ label: "payments" });
  await page.getByLabel("Partitions").fill("3");
  await page.getByLabel("Cleanup policy").selectOption("compact");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/changes\/(?!new$)[^/]+$/);
  const changeUrl = page.url();
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { name: new RegExp(`create topic\\s*${topic}`) })).toBeVisible();
  await expect(main).toContainText("3 partitions, replication factor 1");
  await expect(main).toContainText("1 topic to create");
  // The preview read the broker's topics: this one is not there yet.
  await expect(main).toContainText("On the cluster: absent: will be created.", { timeout: 30_000 });
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

  // An approver (not the author) approves and deploys.
  await approveAndDeploy(page, changeUrl, { deployButton: "Deploy 1 change to local", confirmContains: `create topic ${topic}`, timeoutMs: 120_000 });
  // The report lists the topic with its size and outcome.
  const topicRow = page.getByRole("table", { name: "Each topic's result against the plan" }).getByRole("row").filter({ hasText: topic });
  await expect(topicRow.getByRole("cell")).toHaveText(["created", "3", "1", "created"]);

  // The topic is on the broker with its partitions and config.
  const admin = new Kafka({ brokers: [bootstrap], clientId: "e2e-topics", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ["cleanup.policy"] }] });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe("compact");
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
});
