/**
 * Attacks on bulk changes and labels over real HTTP, with sessions from next-auth's own endpoints:
 * the server resolves a selection itself and keeps it to the caller's teams, whatever the request
 * names; viewers open nothing; another team's labels are not the caller's to set.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { demoIds, signInOverHttp, trpcMutation, trpcOk, trpcQuery } from "../src/support/session";

const users = ["owner@example.com", "owner2@example.com", "viewer@example.com"] as const;
let as: Record<(typeof users)[number], APIRequestContext>;
let ids: Awaited<ReturnType<typeof demoIds>>;
type BoardItem = { id: string; name: string; team: { id: string; name: string } };

test.beforeAll(async ({ playwright, baseURL }) => {
  const contexts = await Promise.all(users.map(async (email) => [email, await playwright.request.newContext({ baseURL })] as const));
  for (const [email, request] of contexts) await signInOverHttp(request, email);
  as = Object.fromEntries(contexts) as typeof as;
  ids = await demoIds(as["owner@example.com"]);
});

test.afterAll(async () => {
  await Promise.all(Object.values(as).map((r) => r.dispose()));
});

async function board(request: APIRequestContext): Promise<BoardItem[]> {
  return ((await trpcOk(request, "query", "connector.board", { pageSize: 200 })) as { items: BoardItem[] }).items;
}

const drafts = async (request: APIRequestContext) => ((await trpcOk(request, "query", "changeRequest.list", { status: "draft" })) as { total: number }).total;

test("a bulk change never holds another team's connectors, whatever the request names; viewers open none", async () => {
  const items = await board(as["owner2@example.com"]);
  const payments = items.filter((c) => c.team.id === ids.teams.payments);
  expect(payments.length, "the seed's payments connectors").toBeGreaterThan(0);
  const before = await drafts(as["owner2@example.com"]);

  // The analytics owner names payments, then payments' ids: 400, nothing created.
  const byTeam = await trpcMutation(as["owner2@example.com"], "bulk.open", { selection: { teamId: ids.teams.payments }, operation: { action: "delete" } });
  expect(byTeam.status).toBe(400);
  expect(byTeam.error?.message).toContain("No connector you may act for matches this selection");
  const byIds = await trpcMutation(as["owner2@example.com"], "bulk.open", { selection: { connectorIds: payments.map((c) => c.id) }, operation: { action: "stop" } });
  expect(byIds.status).toBe(400);
  expect(await drafts(as["owner2@example.com"])).toBe(before);

  // A viewer: 403 for both the selection and the change.
  expect((await trpcQuery(as["viewer@example.com"], "bulk.select", { selection: {} })).status).toBe(403);
  expect((await trpcMutation(as["viewer@example.com"], "bulk.open", { selection: {}, operation: { action: "pause" } })).status).toBe(403);

  // No filter at all: the payments owner gets payments' connectors only, the rest counted as left out.
  const opened = (await trpcOk(as["owner@example.com"], "mutation", "bulk.open", { selection: {}, operation: { action: "pause" } })) as { changeRequests: Array<{ id: string }>; excluded: number };
  expect(opened.excluded).toBe(items.length - payments.length);
  for (const { id } of opened.changeRequests) {
    const detail = (await trpcOk(as["owner@example.com"], "query", "changeRequest.byId", { id })) as { items: Array<{ team: { name: string } | null }> };
    expect(detail.items.map((i) => i.team?.name)).toEqual(detail.items.map(() => "payments"));
    await trpcOk(as["owner@example.com"], "mutation", "changeRequest.cancel", { id });
  }
});

test("labels: another team's owner and a viewer are refused with 403; a malformed label is a 400 that changes nothing", async () => {
  const ledger = (await board(as["owner@example.com"])).find((c) => c.team.id === ids.teams.payments)!;
  expect((await trpcMutation(as["owner2@example.com"], "connector.setLabels", { id: ledger.id, labels: ["hijacked"] })).status).toBe(403);
  expect((await trpcMutation(as["viewer@example.com"], "connector.setLabels", { id: ledger.id, labels: ["x"] })).status).toBe(403);
  const bad = await trpcMutation(as["owner@example.com"], "connector.setLabels", { id: ledger.id, labels: ["no spaces allowed"] });
  expect(bad.status).toBe(400);
  expect((await trpcOk(as["owner@example.com"], "query", "connector.byId", { id: ledger.id })).labels).not.toContain("hijacked");
  // The board's label filter is validated too.
  expect((await trpcQuery(as["viewer@example.com"], "connector.board", { labels: ["%"] })).status).toBe(400);
});
