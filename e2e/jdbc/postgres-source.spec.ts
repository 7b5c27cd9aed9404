import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { Kafka, logLevel } from "kafkajs";
import { resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { postgresAdminUrl, postgresConfig } from "@switchboard/stack/postgres";
import { signIn } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

const run = Date.now().toString(36);
const database = `sb_e2e_dbz_${run}`;
const slot = `sb_e2e_slot_${run}`;
const PASSWORD = "e2e-db-password-never-shown";

function psql(sql: string, db = "postgres"): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${db}`;
  return execFileSync("psql", [url.toString(), "-v", "ON_ERROR_STOP=1", "-tAc", sql], { encoding: "utf8" }).trim();
}

test.beforeAll(async () => {
  await resetCluster();
  psql(`CREATE DATABASE ${database}`);
  psql("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL)", database);
});

test.afterAll(async () => {
  await resetCluster();
  // The replication slot outlives the connector; it is dropped once the stopped task let go of it.
  for (let i = 0; i < 60; i++) {
    psql(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}' AND NOT active`);
    if (psql(`SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${slot}'`) === "0") break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

test("an owner creates a PostgreSQL source from its template, another user approves and deploys it, and inserted rows reach its topic", async ({ page }) => {
  const name = `e2e-orders-cdc-${run}`;
  const prefix = `e2e-cdc-${run}`;

  await signIn(page, "owner@example.com");
  await page.goto("/connectors/new");
  await page.getByRole("radio", { name: /PostgreSQL source \(Debezium\)/ }).check();
  await page.getByLabel("Connector name").fill(name);
  await page.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await page.getByLabel("Port", { exact: true }).fill(String(postgresConfig().port));
  await page.getByLabel("Database", { exact: true }).fill(database);
  await page.getByLabel("User", { exact: true }).fill("postgres");
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByLabel("Topic prefix", { exact: true }).fill(prefix);
  await page.getByLabel(/^Tables/).fill("public.orders");
  await page.getByLabel("Replication slot", { exact: true }).fill(slot);
  await page.getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/(?!new$)[^/]+$/);
  const changeUrl = page.url();
  // The cluster's validator types the password PASSWORD: stored as a secret, never shown again.
  await expect(page.getByRole("main")).toContainText("database.password");
  await expect(page.getByRole("main")).not.toContainText(PASSWORD);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);

  await approveAndDeploy(page, changeUrl, { deployButton: "Deploy 1 change to local" });
  await expect(page.getByRole("main")).not.toContainText(PASSWORD);

  psql("INSERT INTO orders (item) VALUES ('first'), ('second')", database);
  const kafka = new Kafka({ brokers: [testEndpoints().bootstrap], clientId: "e2e-cdc", logLevel: logLevel.NOTHING });
  const topic = `${prefix}.public.orders`;
  const admin = kafka.admin();
  await admin.connect();
  await expect.poll(async () => (await admin.listTopics()).includes(topic), { timeout: 60_000 }).toBe(true);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `e2e-cdc-${run}` });
  const items: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value?.toString() ?? "null") as { after?: { item: string } } | null;
        if (value?.after) items.push(value.after.item);
      },
    });
    await expect.poll(() => items.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  } finally {
    await consumer.disconnect();
  }
  expect(items).toEqual(["first", "second"]);
});
