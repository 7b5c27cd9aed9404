/**
 * What the state-file fuzz (fuzz.test.ts) found in the sync endpoint, one focused case each: the
 * server's own bounds on a file (config value length, key length and count, connectors per change)
 * answered 400 details with no place (path "" and no line), and quoted a long key whole.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import { buildWorkerWorld, MOCK_SINK, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { createRestClient } from "./rest-client.fixture";

let t: TestDb;
let w: WorkerWorld;
let rest: ReturnType<typeof createRestClient>;
let token: string;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
  rest = createRestClient(t.db, { connectFor: () => w.fake });
  token = (await createToken(t.db, w.owner, { name: "ci", expiresInDays: 30, role: "owner" })).secret;
});
afterEach(async () => {
  await t.cleanup();
});

const sync = (text: string) => rest.call(token, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { text, teamId: w.team.id, mode: "propose" } });
const details = async (text: string) => {
  const answer = await sync(text);
  expect(answer.status).toBe(400);
  return answer.body.error.details as Array<{ path: string; message: string; line?: number; column?: number }>;
};

describe("the server's bounds on a state file, as 400 details with a place", () => {
  it("a config value over 65,536 characters: the line and column of its key, and its path", async () => {
    const text = ["{", '  "connectors": [', `    { "id": "a", "name": "a", "config": { "connector.class": "${MOCK_SINK}",`, `      "big": "${"v".repeat(65_537)}" } }`, "  ]", "}"].join("\n");
    expect(await details(text)).toEqual([{ path: "connectors[0].config.big", line: 4, column: 7, message: "connector a: config.big: Config values have at most 65,536 characters." }]);
  });

  it("a seed-001 entry's key over 256 characters: placed in connectorConfig, the key cut in the message", async () => {
    const key = "k".repeat(1_000);
    const text = JSON.stringify({ connectors: [{ nameSpace: "payments", connectorName: "orders-sink", connectorConfig: { "connector.class": MOCK_SINK, [key]: "v" }, ownerName: "Olive", ownerEmail: "olive@example.com" }] }, null, 2);
    const [d, ...rest] = await details(text);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ path: `connectors[0].connectorConfig.${key}`, line: 8, column: 9 });
    expect(d?.message).toBe(`connector orders-sink: ${`config.${key}`.slice(0, 80)}…: Config keys have at most 256 characters.`);
  });

  it("more than 500 config keys: the connector's entry", async () => {
    const config = Object.fromEntries([["connector.class", MOCK_SINK], ...Array.from({ length: 500 }, (_, i) => [`k${i}`, "v"])]);
    const text = JSON.stringify({ connectors: [{ id: "a", name: "a", config: { "connector.class": MOCK_SINK } }, { id: "b", name: "b", config }] }, null, 2);
    expect(await details(text)).toEqual([{ path: "connectors[1]", line: 10, column: 5, message: "connector b: config: A config has at most 500 keys (this one has 501)." }]);
  });

  it("more connectors than one change request holds: the connectors list", async () => {
    const text = JSON.stringify({ connectors: Array.from({ length: 201 }, (_, i) => ({ id: `c${i}`, name: `c${i}`, config: { "connector.class": MOCK_SINK } })) });
    expect(await details(text)).toEqual([{ path: "connectors", message: "the file changes 201 connectors; one change request holds at most 200: split the file" }]);
  });
});
