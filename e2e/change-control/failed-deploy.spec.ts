import { expect, test } from "@playwright/test";
import { demoIds, mockSinkConfig, switchUser, trpcOk, waitForDeploy } from "../src/support/session";

test("a failed deploy says why, offers its approver Retry deploy (a new deployment) and its author Cancel", async ({ page }) => {
  const name = `e2e-failing-deploy-${Date.now()}`;
  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  // A class no worker has: the deploy plans, the cluster's validator refuses, the deploy fails without touching anything.
  const config = mockSinkConfig({ "connector.class": "org.example.NoSuchSinkConnector" });
  const { id } = (await trpcOk(page.request, "mutation", "changeRequest.create", { clusterId, title: `Create ${name}`, items: [{ action: "create", name, teamId: teams.payments, config }] })) as { id: string };
  await trpcOk(page.request, "mutation", "changeRequest.submit", { id });
  await switchUser(page, "approver@example.com");
  await trpcOk(page.request, "mutation", "changeRequest.review", { id, decision: "approve" });
  await trpcOk(page.request, "mutation", "changeRequest.deploy", { id });
  expect(await waitForDeploy(page.request, id)).toBe("failed");

  await page.goto(`/changes/${id}`);
  await expect(page.getByRole("note", { name: "Why it ended" })).toContainText("The deploy failed: the cluster's validator rejected the configuration");
  await expect(page.getByRole("main")).toContainText("The record of revision 1, as approved and deployed");
  await expect(page.getByRole("button", { name: "Re-plan" })).toHaveCount(0);
  const actions = page.getByRole("complementary", { name: "Status and actions" });
  await actions.getByRole("button", { name: "Retry deploy" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`create ${name}`);
  await dialog.getByRole("button", { name: "Retry deploy" }).click();
  // A second deployment runs (and fails the same way).
  await expect(page.getByRole("link", { name: "View deployment" })).toHaveCount(2, { timeout: 60_000 });
  expect(await waitForDeploy(page.request, id)).toBe("failed");

  // Its author may retry too, or cancel it.
  await switchUser(page, "owner@example.com");
  await page.goto(`/changes/${id}`);
  await expect(actions.getByRole("button", { name: "Retry deploy" })).toBeVisible();
  await actions.getByRole("button", { name: "Cancel request" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel request" }).click();
  await expect(page.locator("header").getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(page.getByRole("note", { name: "Why it ended" })).toContainText("Cancelled: cancelled by Olive Owner");
});
