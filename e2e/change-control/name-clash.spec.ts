import { expect, test } from "@playwright/test";
import { putConnector, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { demoIds, mockSinkConfig, switchUser, trpcMutation, trpcOk, waitForDeploy } from "../src/support/session";

test("two teams draft the same new connector name; once payments deploys it, analytics' change is refused, naming the owning team", async ({ page }) => {
  const name = `e2e-shared-${Date.now()}`;
  const draft = async (teamId: string) => {
    const { id } = (await trpcOk(page.request, "mutation", "changeRequest.create", { clusterId, title: `Create ${name}`, items: [{ action: "create", name, teamId, config: mockSinkConfig() }] })) as { id: string };
    await trpcOk(page.request, "mutation", "changeRequest.submit", { id });
    return id;
  };

  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  const payments = await draft(teams.payments!);
  await switchUser(page, "owner2@example.com");
  const analytics = await draft(teams.analytics!);

  await switchUser(page, "approver@example.com");
  for (const id of [payments, analytics]) await trpcOk(page.request, "mutation", "changeRequest.review", { id, decision: "approve" });
  await trpcOk(page.request, "mutation", "changeRequest.deploy", { id: payments });
  expect(await waitForDeploy(page.request, payments)).toBe("deployed");

  // The approver sees why analytics' change cannot deploy, and has no deploy button for it.
  await page.goto(`/changes/${analytics}`);
  const blocking = page.getByRole("alert", { name: "Blocking problems" });
  await expect(blocking).toContainText(`A connector named ${name} already exists on this cluster, owned by team payments.`);
  await expect(page.getByRole("button", { name: /^Deploy/ })).toHaveCount(0);
  // The API refuses the deploy with the same words.
  const refused = await trpcMutation(page.request, "changeRequest.deploy", { id: analytics });
  expect(refused.status).toBe(412);
  expect(refused.error?.message).toContain("owned by team payments");

  // Its author sees the same.
  await switchUser(page, "owner2@example.com");
  await page.goto(`/changes/${analytics}`);
  await expect(page.getByRole("alert", { name: "Blocking problems" })).toContainText("owned by team payments");
});

test("a name held on the cluster by a connector Switchboard does not manage blocks the deploy: the plan's conflict shows and no deploy is offered", async ({ page }) => {
  const name = `e2e-unmanaged-${Date.now()}`;
  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  const { id } = (await trpcOk(page.request, "mutation", "changeRequest.create", { clusterId, title: `Create ${name}`, items: [{ action: "create", name, teamId: teams.payments, config: mockSinkConfig() }] })) as { id: string };
  await trpcOk(page.request, "mutation", "changeRequest.submit", { id });
  await switchUser(page, "approver@example.com");
  await trpcOk(page.request, "mutation", "changeRequest.review", { id, decision: "approve" });

  // Someone creates the name on the cluster behind Switchboard's back.
  await putConnector(name, mockSinkConfig());
  try {
    await page.goto(`/changes/${id}`);
    await expect(page.getByRole("alert", { name: "Blocking problems" })).toContainText(`The name ${name} is taken on the cluster by a connector Switchboard does not manage`);
    await expect(page.getByRole("button", { name: /^Deploy/ })).toHaveCount(0);
    await expect(page.getByRole("complementary", { name: "Status and actions" })).toContainText("The plan against the live cluster has conflicts");
  } finally {
    await fetch(`${testEndpoints().connectUrls[0]}/connectors/${encodeURIComponent(name)}`, { method: "DELETE" });
  }
});
