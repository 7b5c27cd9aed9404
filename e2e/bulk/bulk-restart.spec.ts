import { mkdirSync, rmSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { createDb } from "@switchboard/db/client";
import { getClusterByName } from "@switchboard/db/repos/clusters";
import { createConnector, markConnectorDeployed, setConnectorLabels } from "@switchboard/db/repos/connectors";
import { getTeamByName } from "@switchboard/db/repos/teams";
import { putConnector, resetCluster } from "@switchboard/stack/cluster-fixture";
import { DATABASE_URL } from "../src/support/env";
import { signIn } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

const stamp = Date.now();
const dir = `/tmp/sb-e2e-bulk-${stamp}`;
const label = `e2e-bulk=${stamp}`;
const names = ["a", "b", "c"].map((s) => `e2e-bulk-${stamp}-${s}`);
const healthy = `e2e-bulk-${stamp}-ok`;
const opsLabel = `e2e-bulk-ops=${stamp}`;
const ops = ["x", "y"].map((s) => `e2e-bulk-ops-${stamp}-${s}`);

test.beforeAll(async () => {
  await resetCluster();
  // Three FileStream sinks writing under a directory that does not exist yet fail their task at
  // start; a fourth, with the same label, writes to /tmp and runs. All owned by payments.
  const db = createDb(DATABASE_URL);
  const team = await getTeamByName(db, "payments");
  const cluster = await getClusterByName(db, "local");
  if (!team || !cluster) throw new Error("the seed has no payments team or local cluster");
  for (const name of [...names, healthy, ...ops]) {
    const failing = names.includes(name);
    const config = { "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "tasks.max": "1", topics: "sb-e2e-bulk", file: failing ? `${dir}/${name}.txt` : `/tmp/${name}.txt` };
    const c = await createConnector(db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config, secrets: {} });
    await setConnectorLabels(db, null, c.id, [ops.includes(name) ? opsLabel : label]);
    await markConnectorDeployed(db, null, c.id, 1);
    await putConnector(name, { ...config, "switchboard.id": c.id, "switchboard.version": "1", "switchboard.managed-by": `web/${cluster.id}` });
  }
  await db.$disconnect();
});

test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("restart every FAILED connector with a label: two clicks on the board, an approval by someone else, a deploy, a report", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await page.goto("/");
  // Filter by label (typed), then by state (the FAILED count chip).
  await page.getByRole("textbox", { name: /^Label/ }).fill(label);
  await page.getByRole("textbox", { name: /^Label/ }).press("Enter");
  await expect(page).toHaveURL(new RegExp(`label=${encodeURIComponent(label).replace(/%3D/g, "(=|%3D)")}`));
  const rows = page.getByRole("row").filter({ hasText: `e2e-bulk-${stamp}` });
  await expect(rows).toHaveCount(4);
  await expect(page.getByRole("row").filter({ hasText: names[0]! })).toContainText("FAILED", { timeout: 90_000 });
  await expect(page.getByRole("row").filter({ hasText: names[2]! })).toContainText("FAILED", { timeout: 90_000 });
  await page.getByRole("group", { name: "Filter by state" }).getByRole("button", { name: /FAILED/ }).click();
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole("row").filter({ hasText: healthy })).toHaveCount(0);

  // The owner fixes the cause (the directory), then: click 1, click 2.
  mkdirSync(dir, { recursive: true });
  await page.getByRole("button", { name: "Restart all (3)" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("restart these 3 connectors");
  await dialog.getByRole("button", { name: "Open change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await expect(page.getByRole("main")).toContainText("Restart 3 connectors (state FAILED, label " + label + ")");
  await expect(page.getByTestId("apply-options")).toContainText("4 connectors at a time, at most 10 per second; halts after 5 failures");
  // Opened straight into review; its author cannot approve it.
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

  // Another user approves and deploys.
  await approveAndDeploy(page, changeUrl, { deployButton: /^Deploy \d+ changes? to local$/ });
  const summary = page.getByRole("list", { name: "Outcome summary" });
  await expect(summary.getByRole("listitem").filter({ hasText: "restarted" })).toContainText("3 restarted");
  await expect(page.getByText("4 at a time, at most 10 per second, halting after 5 failures")).toBeVisible();

  // The board shows them RUNNING again.
  await page.goto(`/?label=${encodeURIComponent(label)}`);
  for (const name of names) await expect(page.getByRole("row").filter({ hasText: name })).toContainText("RUNNING", { timeout: 90_000 });
});

/** One bulk operation from the board's bar by the owner, approved and deployed by the approver; resolves when deployed. */
async function bulkFromBoard(page: Page, option: string, button: string, listed: string) {
  await signIn(page, "owner@example.com");
  await page.goto(`/?label=${encodeURIComponent(opsLabel)}`);
  await expect(page.getByRole("row").filter({ hasText: `e2e-bulk-ops-${stamp}` })).toHaveCount(2);
  await page.getByLabel("Bulk action").selectOption({ label: option });
  await page.getByRole("button", { name: button }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Open change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await approveAndDeploy(page, changeUrl, { deployButton: /^Deploy \d+ changes? to local$/ });
  await expect(page.getByRole("list", { name: "Outcome summary" }).getByRole("listitem").filter({ hasText: listed })).toContainText(`2 ${listed}`);
}

test("pause, resume, stop and delete every connector with a label from the board, each through an approved change request", async ({ page }) => {
  await bulkFromBoard(page, "Pause", "Pause all (2)", "paused");
  await bulkFromBoard(page, "Resume", "Resume all (2)", "resumed");
  await bulkFromBoard(page, "Stop", "Stop all (2)", "stopped");
  await bulkFromBoard(page, "Delete", "Delete all (2)", "removed");
  await page.goto(`/?label=${encodeURIComponent(opsLabel)}`);
  await expect(page.getByText("No connectors match these filters")).toBeVisible();
});
