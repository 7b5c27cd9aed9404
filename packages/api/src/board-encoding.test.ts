import superjson from "superjson";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createTestDb } from "@switchboard/db/testing";
import { recordClusterHealth } from "@switchboard/db/repos/health";
import { createConnector } from "@switchboard/db/repos/connectors";
import { boardSnapshot } from "@switchboard/domain/board-snapshot";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { buildWorld, type World } from "./routers/board-admin.fixture";
import { appRouter } from "./root";
import { createContextInner } from "./trpc";

const t = await createTestDb();
let w: World;
beforeAll(async () => {
  w = await buildWorld(t.db);
  await createConnector(t.db, null, { name: "pay-00", clusterId: w.cluster.id, teamId: w.payments.id, desiredState: "RUNNING", config: { "connector.class": "org.example.S3Sink", topics: "p" }, secrets: {} });
});
afterAll(async () => {
  boardSnapshot(t.db).close();
  await t.cleanup();
});

async function board(actor: "viewer" | "owner", input: object): Promise<string> {
  const url = `http://local/api/trpc/connector.board?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req: new Request(url), router: appRouter, createContext: () => createContextInner({ user: w.users[actor], db: t.db }) });
  expect(res.status).toBe(200);
  return res.text();
}

it("encodes a board page once per version and query, and again after a change", async () => {
  const serialize = vi.spyOn(superjson, "serialize");
  try {
    const input = { page: 1, pageSize: 50, mine: true };
    const first = await board("owner", input);
    expect(await board("owner", input)).toBe(first);
    expect(serialize).toHaveBeenCalledTimes(1);
    // Another query (the viewer's "mine": no teams) is its own page.
    expect(JSON.parse(await board("viewer", input)).result.data.json.total).toBe(0);
    expect(serialize).toHaveBeenCalledTimes(2);

    await recordClusterHealth(t.db, w.cluster.id, [{ connectorName: "pay-00", state: "FAILED", tasksRunning: 0, tasksTotal: 1, tasksFailed: 1 }]);
    const after = JSON.parse(await board("owner", input)).result.data.json;
    expect(after.counts.FAILED).toBe(1);
    expect(serialize).toHaveBeenCalledTimes(3);
  } finally {
    serialize.mockRestore();
  }
});
