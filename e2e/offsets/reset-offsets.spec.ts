import { appendFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { demoIds, signIn, switchUser, trpcOk, trpcQuery, waitForDeploy } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

const FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

test("the connector page shows committed offsets; a reset goes through a change request, another user approves and deploys, the report keeps the snapshot; rolling that deployment back restores it", async ({ page }) => {
  const stamp = Date.now();
  const name = `e2e-offsets-${stamp}`;
  // A FileStreamSource commits {filename} → {position} once it has read the file (the workers flush every 2 s).
  const file = join(tmpdir(), `sb-e2e-offsets-${stamp}.txt`);
  writeFileSync(file, "one\ntwo\nthree\n");

  // Deployed through the API first: an owner's change request, approved and deployed by an approver.
  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  const created = (await trpcOk(page.request, "mutation", "changeRequest.create", {
    clusterId,
    title: `Add ${name}`,
    items: [{ action: "create", name, teamId: teams.payments, config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file, topic: `sb-e2e-offsets-${stamp}` } }],
  })) as { id: string };
  await trpcOk(page.request, "mutation", "changeRequest.submit", { id: created.id });
  const connectorId = ((await trpcOk(page.request, "query", "changeRequest.byId", { id: created.id })) as { items: Array<{ id: string }> }).items[0]!.id;
  await switchUser(page, "approver@example.com");
  await trpcOk(page.request, "mutation", "changeRequest.review", { id: created.id, decision: "approve", comment: "" });
  await trpcOk(page.request, "mutation", "changeRequest.deploy", { id: created.id });
  expect(await waitForDeploy(page.request, created.id)).toBe("deployed");

  // The owner sees the committed offsets on the connector page and asks for a reset.
  await signIn(page, "owner@example.com");
  await expect
    .poll(
      async () => {
        await page.goto(`/connectors/${connectorId}`);
        const section = page.getByRole("region", { name: "Offsets" });
        await expect(section.getByText(/Asking the cluster/)).toHaveCount(0);
        return section.innerText();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toContain("position=14");
  const offsets = page.getByRole("region", { name: "Offsets" });
  await expect(offsets.getByRole("table")).toContainText(`filename=${file}`);
  await offsets.getByRole("button", { name: "Reset offsets…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("saved in the deployment report");
  await dialog.getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await expect(page.getByRole("main")).toContainText(`reset offsets of`);
  // The preview shows the live offsets and none after.
  await expect(page.getByRole("table", { name: `Offsets of ${name}: live now and after the change` })).toContainText("position=14");
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

  // Another user approves and deploys; the report keeps the snapshot.
  await approveAndDeploy(page, changeUrl, { deployButton: "Deploy 1 change to local", timeoutMs: 120_000 });
  const snapshot = page.getByRole("table", { name: `Offsets of ${name} before and after` });
  await expect(snapshot).toContainText(`filename=${file}`);
  await expect(snapshot).toContainText("position=14");

  // The source reads the file again from the start, and two more lines: its offset moves past the snapshot.
  appendFileSync(file, "four\nfive\n");
  await expect
    .poll(async () => JSON.stringify((await trpcQuery(page.request, "offsets.live", { id: connectorId })).data), { timeout: 60_000, intervals: [1_000] })
    .toContain('"position":24');

  // Rolling the deployment back opens a draft back to the snapshot; its author (this approver) cannot approve it.
  await page.getByRole("button", { name: "Roll back this deployment" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).not.toHaveURL(changeUrl);
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const rollbackUrl = page.url();
  await expect(page.getByRole("main")).toContainText("set offsets of");
  await expect(page.getByRole("table", { name: `Offsets of ${name}: live now and after the change` })).toContainText("position=24");
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

  await signIn(page, "approver2@example.com");
  await page.goto(rollbackUrl);
  const rollbackActions = page.getByRole("complementary", { name: "Status and actions" });
  await rollbackActions.getByRole("button", { name: "Approve", exact: true }).click();
  await rollbackActions.getByRole("button", { name: "Deploy 1 change to local" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Deployed" })).toBeVisible({ timeout: 120_000 });
  // Before: 24; read back while stopped: the snapshot's 14.
  const restored = page.getByRole("table", { name: `Offsets of ${name} before and after` });
  await expect(restored.getByRole("row").filter({ hasText: `filename=${file}` })).toContainText(/position=24\s*position=14/);
});
