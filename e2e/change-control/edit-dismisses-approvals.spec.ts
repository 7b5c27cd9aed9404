import { expect, test } from "@playwright/test";
import { demoIds, mockSinkConfig, switchUser, trpcOk } from "../src/support/session";

test("an edit by the author dismisses the approvals given so far: the approval shows as dismissed and the count drops", async ({ page }) => {
  const name = `e2e-edit-${Date.now()}`;
  await switchUser(page, "admin@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  // Two approvals, so that one leaves the change in review, where its author may still edit it.
  await trpcOk(page.request, "mutation", "cluster.update", { id: clusterId, approvalsRequired: 2 });
  try {
    await switchUser(page, "owner@example.com");
    const { id } = await trpcOk(page.request, "mutation", "changeRequest.create", {
      clusterId,
      title: `Create ${name}`,
      items: [{ action: "create", name, teamId: teams.payments, config: mockSinkConfig({ "connection.url": "jdbc:postgresql://app:e2e-pw-1@db.internal/orders", "db.password": "e2e-pw-2" }) }],
    });
    await trpcOk(page.request, "mutation", "changeRequest.submit", { id });

    await switchUser(page, "approver@example.com");
    await page.goto(`/changes/${id}`);
    const actions = page.getByRole("complementary", { name: "Status and actions" });
    const approval = page.getByRole("list", { name: "Reviews" }).getByRole("listitem").filter({ hasText: "Alex Approver" });
    await actions.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(approval).toContainText("counts toward approval");
    await expect(actions).toContainText("1 of 2 approvals");

    // The author sees the approval, has no way to approve, and edits the config.
    await switchUser(page, "owner@example.com");
    await page.goto(`/changes/${id}`);
    await expect(approval).toContainText("counts toward approval");
    await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);
    await actions.getByRole("link", { name: "Edit", exact: true }).click();
    await expect(page.getByRole("note")).toContainText("Saving dismisses the 1 approval given so far");
    // Stored credentials come back hidden and are kept unless retyped.
    const url = page.getByLabel("Value of connection.url");
    await expect(url).toHaveValue("jdbc:postgresql://app:(sensitive)@db.internal/orders");
    await expect(url).toHaveAccessibleDescription("The stored credential, shown as (sensitive), is kept. Replace (sensitive) to change it.");
    const password = page.getByLabel("Value of db.password");
    await expect(password).toHaveAttribute("type", "password");
    await expect(password).toHaveValue("");
    await expect(password).toHaveAttribute("placeholder", "unchanged (type to replace)");
    await page.getByLabel("Value of tasks.max").fill("2");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(new RegExp(`/changes/${id}$`));

    await expect(approval).toContainText("dismissed by a later edit: does not count");
    await expect(actions).toContainText("0 of 2 approvals");
    await expect(page.getByRole("main")).toContainText("Written by Olive Owner (rev 1–2)");
    const diff = page.getByRole("table", { name: `Config changes of ${name}` });
    await expect(diff.getByRole("row").filter({ hasText: "tasks.max" })).toContainText("2");
    await expect(diff.getByRole("row").filter({ hasText: "connection.url" })).toContainText("jdbc:postgresql://app:(sensitive)@db.internal/orders");
    await expect(diff.getByRole("row").filter({ hasText: "db.password" })).toContainText("(sensitive) added");
  } finally {
    await switchUser(page, "admin@example.com");
    await trpcOk(page.request, "mutation", "cluster.update", { id: clusterId, approvalsRequired: 1 });
  }
});
