import { expect, test } from "@playwright/test";
import { createDb } from "@switchboard/db/client";
import { createCluster, getClusterByName } from "@switchboard/db/repos/clusters";
import { createConnector, markConnectorDeployed } from "@switchboard/db/repos/connectors";
import { getTeamByName } from "@switchboard/db/repos/teams";
import { putConnector, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { DATABASE_URL } from "../src/support/env";
import { signIn } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

const name = `e2e-move-${Date.now()}`;
let connectorId = "";

test.beforeAll(async () => {
  const { connectUrls, connectUrlsB, bootstrap } = testEndpoints();
  await resetCluster(connectUrls);
  await resetCluster(connectUrlsB);
  // The seed knows one cluster; the stack's second Connect cluster is added as "local-b".
  const db = createDb(DATABASE_URL);
  const team = await getTeamByName(db, "payments");
  const local = await getClusterByName(db, "local");
  if (!team || !local) throw new Error("the seed has no payments team or local cluster");
  if (!(await getClusterByName(db, "local-b"))) {
    await createCluster(db, null, { name: "local-b", environment: "prod", connectUrls: connectUrlsB, bootstrapServers: bootstrap, approvalsRequired: 1 });
  }
  // A MockSink of payments running on local, as a deploy would have left it.
  const config = { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", "tasks.max": "1", topics: "sb-e2e-move" };
  const c = await createConnector(db, null, { name, clusterId: local.id, teamId: team.id, desiredState: "RUNNING", config, secrets: {} });
  await markConnectorDeployed(db, null, c.id, 1);
  await putConnector(name, { ...config, "switchboard.id": c.id, "switchboard.version": "1", "switchboard.managed-by": `web/${local.id}` }, connectUrls);
  connectorId = c.id;
  await db.$disconnect();
});

test("an owner moves a connector to another cluster through a change request; another user approves and deploys; the report shows both clusters", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await page.goto(`/connectors/${connectorId}`);
  await page.getByRole("button", { name: "Move to another cluster…" }).click();
  await page.getByLabel("Target cluster").selectOption({ label: "local-b (prod, 1 approval)" });
  await page.getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await expect(page.getByRole("main")).toContainText(`To cluster local-b`);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

  await approveAndDeploy(page, changeUrl, { deployButton: "Deploy 1 change to local", confirmContains: name, timeoutMs: 180_000 });
  await expect(page.getByText("Moved from local to local-b")).toBeVisible();
  const table = page.getByRole("table", { name: `Move of ${name}: what happened on each cluster` });
  const row = (role: string) => table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: role, exact: true }) });
  await expect(row("From")).toContainText("local");
  await expect(row("From")).toContainText("delete");
  await expect(row("From")).toContainText("ABSENT");
  await expect(row("To")).toContainText("local-b");
  await expect(row("To")).toContainText("create");
  await expect(row("To")).toContainText("start");
  await expect(row("To")).toContainText("RUNNING");

  // The connector page now shows it on local-b.
  await page.goto(`/connectors/${connectorId}`);
  await expect(page.getByRole("definition").filter({ hasText: "local-b" })).toBeVisible();
});
