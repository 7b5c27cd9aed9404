import { expect, test } from "@playwright/test";
import { signIn } from "../src/support/session";

test("a viewer sees each worker of a cluster with its Kafka version, health and plugins", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clusters" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await page.getByRole("link", { name: "local", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Cluster local/ })).toBeVisible();

  // Both workers of the stack's cluster, each read on its own.
  const workers = page.getByRole("table", { name: "Workers of this cluster" });
  const rows = workers.getByRole("row").filter({ has: page.getByRole("rowheader") });
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    await expect(row).toContainText("Reachable");
    await expect(row).toContainText("4.3.1");
    await expect(row).toContainText("healthy");
  }
  await expect(page.getByText("2 of 2 answered")).toBeVisible();
  await expect(page.getByText(/connectors may pin plugin versions/)).toBeVisible();

  // Connector plugins by default, every one on every worker in one version.
  const plugins = page.getByRole("table", { name: "Plugins across the workers" });
  const mockSink = plugins.getByRole("row").filter({ hasText: "org.apache.kafka.connect.tools.MockSinkConnector" });
  await expect(mockSink).toContainText("sink");
  await expect(mockSink).toContainText("4.3.1");
  await expect(mockSink).toContainText("On every worker");
  await expect(plugins.getByRole("row").filter({ hasText: "JsonConverter" })).toHaveCount(0);
  await page.getByLabel("Show converters, transformations and predicates too").check();
  await expect(plugins.getByRole("row").filter({ hasText: "org.apache.kafka.connect.json.JsonConverter" })).toContainText("converter");
});

test("an owner pins a connector's plugin version from a template; a version no worker has is refused by the cluster's validator", async ({ page }) => {
  const name = `e2e-pinned-${Date.now()}`;
  await signIn(page, "owner@example.com");
  await page.goto("/connectors/new");
  await page.getByRole("radio", { name: /MockSink/ }).check();
  await page.getByLabel("Connector name").fill(name);
  await page.getByLabel("Topics", { exact: true }).fill("sb-e2e-pinned");
  const pin = page.getByLabel(/^Plugin version/);
  // A version no run asked for before (Connect words its first answer for a pin).
  await pin.fill(`9.9.${Date.now() % 1_000_000}`);
  await expect(pin).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/MockSinkConnector (has version 4\.3\.1 which does not match|not found that matches)/).first()).toBeVisible();

  await pin.fill("4.3.1");
  await expect(pin).not.toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  // An ordinary key: in the diff, and the live plan is valid.
  await expect(page.getByRole("table", { name: `Config changes of ${name}` })).toContainText("connector.plugin.version");
  await expect(page.getByRole("table", { name: `Config changes of ${name}` })).toContainText("4.3.1");
  await expect(page.getByText("✓ Valid: the cluster's validator accepts every config and nothing conflicts.")).toBeVisible();
});
