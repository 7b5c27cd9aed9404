import { expect, test } from "@playwright/test";
import { createDb } from "@switchboard/db/client";
import { getClusterByName } from "@switchboard/db/repos/clusters";
import { createConnector } from "@switchboard/db/repos/connectors";
import { getTeamByName } from "@switchboard/db/repos/teams";
import { putConnector, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { DATABASE_URL, MONITOR_INTERVAL_SECONDS } from "../src/support/env";
import { signIn } from "../src/support/session";

const FAILING = {
  "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",
  topics: "sb-e2e-live",
  "tasks.max": "1",
  mock_mode: "task-failure",
  delay_ms: "1500",
};

/** Polls Connect every 100 ms until a task of `name` is FAILED; returns when that was first seen. */
async function taskFailedAt(name: string): Promise<number> {
  const url = `${testEndpoints().connectUrls[0]}/connectors/${encodeURIComponent(name)}/status`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (res?.ok) {
      const status = (await res.json()) as { tasks?: { state: string }[] };
      if (status.tasks?.some((t) => t.state === "FAILED")) return Date.now();
    } else await res?.body?.cancel();
    if (Date.now() > deadline) throw new Error(`${name}: no task FAILED within 90 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.beforeAll(async () => {
  await resetCluster();
});

test("the board's event stream refuses a signed-out request with 401 and sends nothing", async ({ request }) => {
  const res = await request.get("/api/board/events", { headers: { accept: "text/event-stream" } });
  expect(res.status()).toBe(401);
  expect(res.headers()["content-type"]).not.toContain("text/event-stream");
  expect(await res.text()).not.toContain("event:");
});

test("the board's event stream refuses an invalid query with 400 and the reason", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  const input = encodeURIComponent(JSON.stringify({ page: 1, pageSize: 100_000 }));
  const res = await page.request.get(`/api/board/events?input=${input}`, { headers: { accept: "text/event-stream" } });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain("pageSize");
});

test("an open board shows a change pushed over its stream without any board request", async ({ page }) => {
  const prefix = `e2e-push-${Date.now()}`;
  const db = createDb(DATABASE_URL);
  try {
    const team = await getTeamByName(db, "payments");
    const cluster = await getClusterByName(db, "local");
    if (!team || !cluster) throw new Error("the seed has no payments team or local cluster");
    const create = (name: string) => createConnector(db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config: { ...FAILING, topics: name }, secrets: {} });
    await create(`${prefix}-a`);

    await signIn(page, "viewer@example.com");
    const boardRequests: string[] = [];
    let counting = false;
    page.on("request", (req) => {
      if (counting && new URL(req.url()).pathname.includes("connector.board")) boardRequests.push(req.url());
    });
    await page.goto(`/?q=${prefix}`);
    await expect(page.getByRole("row").filter({ hasText: `${prefix}-a` })).toBeVisible();
    await expect(page.getByText("Live", { exact: true })).toBeVisible();
    counting = true;

    // Written by another process: the server sees it by its probe and pushes the new page.
    await create(`${prefix}-b`);
    await expect(page.getByRole("row").filter({ hasText: `${prefix}-b` })).toBeVisible({ timeout: 5_000 });
    await expect(page.getByText("2 connectors match")).toBeVisible();
    expect(boardRequests).toEqual([]);

    // A new search loads its page once and reopens the stream with the new query, which then stays live.
    await page.getByRole("searchbox").fill(`${prefix}-a`);
    await expect(page.getByText("1 connector match")).toBeVisible();
    await expect(page.getByText("Live", { exact: true })).toBeVisible();
    const afterSearch = boardRequests.length;
    await create(`${prefix}-a2`);
    await expect(page.getByRole("row").filter({ hasText: `${prefix}-a2` })).toBeVisible({ timeout: 5_000 });
    await expect(page.getByText("2 connectors match")).toBeVisible();
    expect(boardRequests.length).toBe(afterSearch);
  } finally {
    await db.$disconnect();
  }
});

test("a failed task shows as FAILED in an open board within the monitor interval + 1 s, without a reload", async ({ page }) => {
  const name = `e2e-live-${Date.now()}`;
  const db = createDb(DATABASE_URL);
  const team = await getTeamByName(db, "payments");
  const cluster = await getClusterByName(db, "local");
  if (!team || !cluster) throw new Error("the seed has no payments team or local cluster");
  const connector = await createConnector(db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config: FAILING, secrets: {} });
  await db.$disconnect();

  await signIn(page, "viewer@example.com");
  await page.goto(`/?q=${name}`);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("not observed yet");
  // The page is on the live stream, so it does not poll.
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // A marker on the window: a reload or a navigation would drop it.
  await page.evaluate(() => ((window as unknown as { boardMarker: number }).boardMarker = 42));

  await putConnector(name, { ...FAILING, "switchboard.id": connector.id, "switchboard.version": String(connector.version) });
  const failedAt = await taskFailedAt(name);
  const budgetMs = MONITOR_INTERVAL_SECONDS * 1000 + 1000;
  await expect(row).toContainText("FAILED", { timeout: budgetMs });
  const shownAfterMs = Date.now() - failedAt;
  test.info().annotations.push({ type: "failure-to-board-ms", description: String(shownAfterMs) });
  expect(shownAfterMs).toBeLessThanOrEqual(budgetMs);
  expect(await page.evaluate(() => (window as unknown as { boardMarker?: number }).boardMarker)).toBe(42);
});
