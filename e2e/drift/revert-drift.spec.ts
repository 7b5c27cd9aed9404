import { expect, test, type Page } from "@playwright/test";
import { putConnector, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { demoIds, signIn, switchUser, trpcOk, waitForDeploy } from "../src/support/session";
import { approveAndDeploy } from "../src/support/review";

const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

async function liveConfig(name: string): Promise<Record<string, string>> {
  const res = await fetch(`${testEndpoints().connectUrls[0]}/connectors/${name}/config`);
  expect(res.ok).toBe(true);
  return (await res.json()) as Record<string, string>;
}

/** A MockSink deployed through the API: an owner's change request, approved and deployed by an approver. */
async function deployedConnector(page: Page, name: string): Promise<string> {
  await switchUser(page, "owner@example.com");
  const { clusterId, teams } = await demoIds(page.request);
  const created = (await trpcOk(page.request, "mutation", "changeRequest.create", {
    clusterId,
    title: `Add ${name}`,
    items: [{ action: "create", name, teamId: teams.payments, config: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "sb-e2e-drift" } }],
  })) as { id: string };
  await trpcOk(page.request, "mutation", "changeRequest.submit", { id: created.id });
  const connectorId = ((await trpcOk(page.request, "query", "changeRequest.byId", { id: created.id })) as { items: Array<{ id: string }> }).items[0]!.id;
  await switchUser(page, "approver@example.com");
  await trpcOk(page.request, "mutation", "changeRequest.review", { id: created.id, decision: "approve", comment: "" });
  await trpcOk(page.request, "mutation", "changeRequest.deploy", { id: created.id });
  expect(await waitForDeploy(page.request, created.id)).toBe("deployed");
  return connectorId;
}

/** Submitted by its author (who cannot approve it), then approved and deployed by another user. */
async function submitThenApproveAndDeploy(page: Page, changeUrl: string, deployButton?: string): Promise<void> {
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveCount(0);
  await approveAndDeploy(page, changeUrl, { timeoutMs: 120_000, ...(deployButton ? { deployButton } : {}) });
}

test("a connector changed behind Switchboard's back shows DRIFTED on the board; a revert from its page, approved by another user and deployed, clears the mark", async ({ page }) => {
  test.setTimeout(300_000);
  const name = `e2e-drift-${Date.now()}`;

  const connectorId = await deployedConnector(page, name);

  // Someone edits it straight on Connect.
  await putConnector(name, { ...(await liveConfig(name)), "tasks.max": "2" });

  // The board marks it (the monitor's REST poll sees configs) and filters on the mark.
  await signIn(page, "owner@example.com");
  await page.goto(`/?drift=1&q=${name}`);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("DRIFTED", { timeout: 90_000 });
  await expect(page.getByRole("button", { name: /DRIFTED/ })).toHaveAttribute("aria-pressed", "true");

  // The connector page says what drifted, by key name, and opens a revert.
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/connectors/${connectorId}$`));
  const drift = page.getByRole("region", { name: "Drift" });
  await expect(drift).toContainText("config: changed tasks.max");
  await drift.getByRole("button", { name: "Revert…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await expect(page.getByRole("main")).toContainText(`Revert drift of ${name}`);
  // The item shows live → approved, not the stored definition against itself.
  await expect(page.getByRole("main")).toContainText("Live config differs from the approved one; deploying puts the approved one back", { timeout: 30_000 });
  await submitThenApproveAndDeploy(page, changeUrl, "Deploy 1 change to local");
  expect((await liveConfig(name))["tasks.max"]).toBe("1");

  // Back in step: the mark is gone from the board.
  await page.goto(`/?q=${name}`);
  const after = page.getByRole("row").filter({ hasText: name });
  await expect(after).toBeVisible();
  await expect(after).not.toContainText("DRIFTED", { timeout: 90_000 });
});

test("adopt from the connector page records the live config as the next revision; approved by another user and deployed, the mark goes", async ({ page }) => {
  test.setTimeout(300_000);
  const name = `e2e-adopt-drift-${Date.now()}`;
  const connectorId = await deployedConnector(page, name);
  await putConnector(name, { ...(await liveConfig(name)), "tasks.max": "3" });

  await signIn(page, "owner@example.com");
  await page.goto(`/connectors/${connectorId}`);
  const drift = page.getByRole("region", { name: "Drift" });
  await expect(drift).toContainText("config: changed tasks.max", { timeout: 90_000 });
  await drift.getByRole("button", { name: "Adopt live config…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Create draft change request" }).click();
  await expect(page).toHaveURL(/\/changes\/[^/]+$/);
  const changeUrl = page.url();
  await expect(page.getByRole("main")).toContainText(`Adopt the live config of ${name}`);
  // An adoption changes nothing on the cluster: it records what runs.
  await submitThenApproveAndDeploy(page, changeUrl, "Record 1 adopted config on local");

  await page.goto(`/connectors/${connectorId}`);
  await expect(page.getByRole("region", { name: "Drift" })).toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByRole("main")).toContainText("v2 · deployed");
  expect((await liveConfig(name))["tasks.max"]).toBe("3");
});
