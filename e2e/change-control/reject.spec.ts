import { expect, test } from "@playwright/test";
import { demoIds, mockSinkConfig, switchUser, trpcMutation, trpcOk } from "../src/support/session";

test("an approver rejects with a comment: the change request is Rejected, shows why, and cannot deploy", async ({ page }) => {
  const name = `e2e-reject-${Date.now()}`;
  const password = `pw-${Date.now()}-hunter2`;
  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  const config = mockSinkConfig({ "connection.url": `jdbc:postgresql://app:${password}@db.internal/orders`, "db.password": password });
  const { id } = await trpcOk(page.request, "mutation", "changeRequest.create", { clusterId, title: `Create ${name}`, items: [{ action: "create", name, teamId: teams.payments, config }] });
  await trpcOk(page.request, "mutation", "changeRequest.submit", { id });

  await switchUser(page, "approver@example.com");
  await page.goto(`/changes/${id}`);
  // The reviewer sees where the data goes with the credential hidden, and the secret only as added.
  const diff = page.getByRole("table", { name: `Config changes of ${name}` });
  const url = diff.getByRole("row").filter({ hasText: "connection.url" });
  await expect(url).toContainText("jdbc:postgresql://app:(sensitive)@db.internal/orders");
  await expect(url).toContainText("credentials hidden");
  await expect(diff.getByRole("row").filter({ hasText: "db.password" })).toContainText("(sensitive) added");
  expect(await page.content()).not.toContain(password);

  const why = "Take the password from the vault provider, not inline.";
  await page.getByLabel("Add a review comment").fill(why);
  await page.getByRole("button", { name: "Reject", exact: true }).click();

  await expect(page.getByRole("note", { name: "Why it ended" })).toHaveText(`Rejected by Alex Approver: ${why}`);
  await expect(page.locator("header").getByText("Rejected", { exact: true })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("The record of revision 1, as rejected");
  for (const action of [/^Deploy/, /^Approve/, /^Reject/, /^Retry/, /^Submit/]) await expect(page.getByRole("button", { name: action })).toHaveCount(0);
  // Nor can it be deployed through the API.
  const refused = await trpcMutation(page.request, "changeRequest.deploy", { id });
  expect(refused.status).toBe(412);
  expect(refused.error?.message).toContain("It is rejected");
});
