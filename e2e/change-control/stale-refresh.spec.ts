import { expect, test } from "@playwright/test";
import { demoIds, mockSinkConfig, switchUser, trpcOk, waitForDeploy } from "../src/support/session";

test("a change written before another one deployed is stale; its author refreshes it, the banner goes and its approvals are dismissed", async ({ page }) => {
  const name = `e2e-stale-${Date.now()}`;
  const create = (title: string, items: unknown[]) => trpcOk(page.request, "mutation", "changeRequest.create", { clusterId, title, items }) as Promise<{ id: string }>;
  const submit = (id: string) => trpcOk(page.request, "mutation", "changeRequest.submit", { id });
  const approve = (id: string) => trpcOk(page.request, "mutation", "changeRequest.review", { id, decision: "approve" });

  // The connector, deployed.
  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  const base = await create(`Create ${name}`, [{ action: "create", name, teamId: teams.payments, config: mockSinkConfig() }]);
  await submit(base.id);
  await switchUser(page, "approver@example.com");
  await approve(base.id);
  await trpcOk(page.request, "mutation", "changeRequest.deploy", { id: base.id });
  expect(await waitForDeploy(page.request, base.id)).toBe("deployed");
  const board = await trpcOk(page.request, "query", "connector.board", { clusterId, search: name });
  const connectorId = (board.items as Array<{ id: string; name: string }>).find((c) => c.name === name)!.id;

  // Two changes written against that version, both approved; the first deploys.
  await switchUser(page, "owner@example.com");
  const first = await create(`Note on ${name}`, [{ action: "update", connectorId, config: mockSinkConfig({ "e2e.note": "first" }) }]);
  const second = await create(`Other note on ${name}`, [{ action: "update", connectorId, config: mockSinkConfig({ "e2e.other": "second" }) }]);
  await submit(first.id);
  await submit(second.id);
  await switchUser(page, "approver@example.com");
  await approve(first.id);
  await approve(second.id);
  await trpcOk(page.request, "mutation", "changeRequest.deploy", { id: first.id });
  expect(await waitForDeploy(page.request, first.id)).toBe("deployed");

  // The second is stale now: it says so, and cannot deploy.
  await switchUser(page, "owner@example.com");
  await page.goto(`/changes/${second.id}`);
  const stale = page.getByRole("alert", { name: "Stale" });
  const actions = page.getByRole("complementary", { name: "Status and actions" });
  const approval = page.getByRole("list", { name: "Reviews" }).getByRole("listitem").filter({ hasText: "Alex Approver" });
  await expect(stale).toContainText(`${name} is at v2, this change was written against v1`);
  await expect(approval).toContainText("counts toward approval");
  await expect(page.getByRole("button", { name: /^Deploy/ })).toHaveCount(0);

  await stale.getByRole("button", { name: "Refresh", exact: true }).click();
  await expect(stale).toHaveCount(0);
  await expect(approval).toContainText("dismissed by a later edit: does not count");
  await expect(actions).toContainText("0 of 1 approval");
  await expect(page.locator("header").getByText("In review", { exact: true })).toBeVisible();
  // Refreshed onto the deployed version: the other change's key stays, this one's is still added.
  const diff = page.getByRole("table", { name: `Config changes of ${name}` });
  await expect(diff.getByRole("row").filter({ hasText: "e2e.other" })).toContainText("second");
  await expect(diff.getByRole("row").filter({ hasText: "e2e.note" })).toHaveCount(0);
});
