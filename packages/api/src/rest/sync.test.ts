/**
 * POST /api/v1/clusters/{id}/sync (seed 001's sync under governance), through the real handler with
 * real tokens, the worker and the fake Connect; every answer is checked against the document.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConnector } from "@switchboard/db/repos/connectors";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import { parseStateFile } from "@switchboard/engine/load";
import { startWorker } from "@switchboard/worker/loop";
import { buildWorkerWorld, MOCK_SINK, SECRET, waitFor, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { createRestClient } from "./rest-client.fixture";

const NEW_SECRET = "orders-db-password-42";

let t: TestDb;
let w: WorkerWorld;
let stop: AbortController;
let rest: ReturnType<typeof createRestClient>;
let owner: string;
const faults: unknown[] = [];

beforeEach(async () => {
  faults.length = 0;
  stop = new AbortController();
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
  rest = createRestClient(t.db, { connectFor: () => w.fake, publicUrl: "https://switchboard.example.com/", onError: (err) => faults.push(err) });
  owner = (await createToken(t.db, w.owner, { name: "ci", expiresInDays: 30, role: "owner" })).secret;
});
afterEach(async () => {
  stop.abort();
  await t.cleanup();
});

const OWNER = { ownerName: "Olive", ownerEmail: "payments-oncall@example.com" };

/** Seed 001's shape: payments-sink paused (its secret kept as exported), orders-sink added. */
const seedFile = (extra: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      connectors: [
        { nameSpace: "payments", connectorName: "payments-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "payments.audit", "connection.password": "(sensitive)" }, paused: true, ...OWNER, ...extra },
        { nameSpace: "payments", connectorName: "orders-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders", "connection.password": NEW_SECRET }, paused: false, ...OWNER },
      ],
    },
    null,
    2,
  );

const sync = (token: string | null, body: Record<string, unknown>) => rest.call(token, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { teamId: w.team.id, ...body } });
const changeRequestCount = () => t.db.changeRequest.count();

describe("sync on a cluster that needs no approval", () => {
  it("queues the deploy at once (202 + Location of its operation), answers the lists, and the worker deploys it", async () => {
    await t.db.cluster.update({ where: { id: w.cluster.id }, data: { approvalsRequired: 0 } });
    const answer = await sync(owner, { text: seedFile() });
    expect(answer.status).toBe(202);
    const { deploymentId, changeRequestId } = answer.body as { deploymentId: string; changeRequestId: string };
    expect(answer.body).toMatchObject({ outcome: "deploying", added: ["orders-sink"], paused: ["payments-sink"], removed: [], resumed: [], updated: [], restarted: [] });
    expect(answer.body.operationId).toBe(deploymentId);
    expect(answer.body.statusUrl).toBe(`/api/v1/operations/${deploymentId}`);
    expect(answer.headers.get("location")).toBe(`/api/v1/operations/${deploymentId}`);
    expect(answer.body.reviewUrl).toBe(`https://switchboard.example.com/changes/${changeRequestId}`);
    expect(answer.text).not.toContain(NEW_SECRET);
    expect(answer.text).not.toContain(SECRET);

    void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
    const done = await waitFor(async () => {
      const d = await rest.call(owner, "GET", "/deployments/{id}", { params: { id: deploymentId } });
      return d.body.status === "succeeded" || d.body.status === "failed" ? d : undefined;
    }, 10_000, "the deployment to end");
    expect(done.body).toMatchObject({ status: "succeeded", report: { summary: { added: ["orders-sink"], paused: ["payments-sink"] } } });
    expect((await rest.call(owner, "GET", "/operations/{id}", { params: { id: deploymentId } })).body).toMatchObject({ id: deploymentId, status: "ready", deploymentStatus: "succeeded", changeRequestId });
    expect((await rest.call(owner, "GET", "/change-requests/{id}", { params: { id: changeRequestId } })).body.status).toBe("deployed");

    const again = await sync(owner, { text: seedFile() });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: "unchanged", changeRequestId: null, added: [], paused: [] });
  });

  it("never deploys with mode propose: the change request waits in review", async () => {
    await t.db.cluster.update({ where: { id: w.cluster.id }, data: { approvalsRequired: 0 } });
    const answer = await sync(owner, { text: seedFile(), mode: "propose" });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ outcome: "in_review", deploymentId: null });
    expect(await t.db.deployment.count()).toBe(0);
  });
});

describe("sync on a cluster that needs approval", () => {
  it("opens a change request in review and answers 202 with its review link and status URL", async () => {
    const answer = await sync(owner, { text: seedFile(), title: "Pause payments, add orders" });
    expect(answer.status).toBe(202);
    const id = answer.body.changeRequestId as string;
    expect(answer.body).toMatchObject({ outcome: "in_review", deploymentId: null, added: ["orders-sink"], paused: ["payments-sink"] });
    expect(answer.body.reviewUrl).toBe(`https://switchboard.example.com/changes/${id}`);
    expect(answer.headers.get("location")).toBe(`/api/v1/change-requests/${id}`);
    const cr = await rest.call(owner, "GET", "/change-requests/{id}", { params: { id } });
    expect(cr.body).toMatchObject({ status: "in_review", title: "Pause payments, add orders", author: { id: w.owner.id }, approvals: { count: 0, required: 1 } });
    expect(await t.db.deployment.count()).toBe(0);
  });
});

describe("proposing again from the same source", () => {
  it("updates the caller's open change request from that source (a new revision), and opens another for another source", async () => {
    const first = await sync(owner, { text: seedFile(), mode: "propose", source: "pr-1:state.json" });
    const id = first.body.changeRequestId as string;
    const revised = JSON.parse(seedFile()) as { connectors: Array<{ connectorConfig: Record<string, string> }> };
    revised.connectors[1]!.connectorConfig.topics = "orders,refunds";
    const again = await sync(owner, { text: JSON.stringify(revised), mode: "propose", source: "pr-1:state.json" });
    expect(again.status).toBe(202);
    expect(again.body.changeRequestId).toBe(id);
    const cr = await rest.call(owner, "GET", "/change-requests/{id}", { params: { id } });
    expect(cr.body).toMatchObject({ status: "in_review", revision: 2 });
    expect(cr.body.items.find((i: { connectorName: string }) => i.connectorName === "orders-sink").diff).toContainEqual(expect.objectContaining({ key: "topics", after: "orders,refunds" }));

    const other = await sync(owner, { text: seedFile(), mode: "propose", source: "pr-2:state.json" });
    expect(other.body.changeRequestId).not.toBe(id);
    const noSource = await sync(owner, { text: seedFile(), mode: "propose" });
    expect(new Set([id, other.body.changeRequestId, noSource.body.changeRequestId]).size).toBe(3);
  });

  it("never updates another user's change request from the same source", async () => {
    const first = await sync(owner, { text: seedFile(), mode: "propose", source: "pr-1:state.json" });
    const other = (await createToken(t.db, w.owner2, { name: "ci-2", expiresInDays: 30, role: "owner" })).secret;
    const second = await sync(other, { text: seedFile(), mode: "propose", source: "pr-1:state.json" });
    expect(second.status).toBe(202);
    expect(second.body.changeRequestId).not.toBe(first.body.changeRequestId);
    expect((await rest.call(owner, "GET", "/change-requests/{id}", { params: { id: first.body.changeRequestId } })).body.revision).toBe(1);
  });
});

describe("a state file with problems", () => {
  it("answers 400 with the loader's messages (as the CLI's validate prints them) and their lines, and creates nothing", async () => {
    const typo = seedFile({ pausedd: true });
    const answer = await sync(owner, { text: typo });
    expect(answer.status).toBe(400);
    const loader = parseStateFile(typo, "state.json");
    if (loader.ok) throw new Error("the loader should refuse the file");
    expect(answer.body.error.details).toEqual(loader.problems.map((p) => ({ path: p.path, message: p.message, line: p.location?.line, column: p.location?.column })));
    expect(answer.body.error.details[0]).toMatchObject({ message: 'unknown field "pausedd" (did you mean "paused"?)', path: "connectors[0].pausedd", line: 15, column: 7 });

    const twice = JSON.stringify({ connectors: [{ id: "a", name: "x", config: { "connector.class": MOCK_SINK } }, { id: "b", name: "x", config: { "connector.class": MOCK_SINK } }] }, null, 2);
    const duplicate = await sync(owner, { text: twice });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.details[0]).toMatchObject({ message: 'duplicate connector name "x" (first defined at state.json:5:15)', line: 12 });
    expect(await changeRequestCount()).toBe(0);
  });

  it("refuses __proto__ keys, deep nesting and huge values with a message, and creates nothing", async () => {
    const proto = '{ "connectors": [ { "id": "p", "name": "p", "__proto__": { "admin": true }, "config": { "connector.class": "X" } } ] }';
    const deep = `{ "connectors": [ { "id": "d", "name": "d", "config": ${"[".repeat(100_000)}${"]".repeat(100_000)} } ] }`;
    const huge = JSON.stringify({ connectors: [{ id: "h", name: "h", config: { "connector.class": MOCK_SINK, big: "x".repeat(70_000) } }] });
    for (const [text, message] of [
      [proto, 'field "__proto__" is not allowed'],
      [deep, "nested deeper than 64 levels"],
      [huge, "connector h: config.big: Config values have at most 65,536 characters."],
    ] as const) {
      const answer = await sync(owner, { text });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("BAD_REQUEST");
      expect(answer.body.error.details).toEqual([expect.objectContaining({ message: expect.stringContaining(message) })]);
    }
    const tooLarge = await sync(owner, { text: "x".repeat(1_100_000) });
    expect(tooLarge.status).toBe(413);
    expect(await changeRequestCount()).toBe(0);
    expect(faults).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("who may sync", () => {
  it("answers 401 without a token and 403 to a viewer's token, creating nothing", async () => {
    expect((await sync(null, { text: seedFile() })).status).toBe(401);
    const viewer = (await createToken(t.db, w.viewer, { name: "v", expiresInDays: 30, role: "viewer" })).secret;
    const refused = await sync(viewer, { text: seedFile() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
    expect(await changeRequestCount()).toBe(0);
  });

  it("refuses a token limited to one team a connector of another team, even when its user belongs to both", async () => {
    const analytics = await createTeam(t.db, null, { name: "analytics" });
    await addMember(t.db, null, analytics.id, w.owner.id);
    await createConnector(t.db, null, { name: "clicks-sink", clusterId: w.cluster.id, teamId: analytics.id, desiredState: "RUNNING", config: { "connector.class": MOCK_SINK, topics: "clicks" }, secrets: {} });
    const scoped = (await createToken(t.db, { ...w.owner, teamIds: [w.team.id, analytics.id] }, { name: "payments only", expiresInDays: 30, role: "owner", teamIds: [w.team.id] })).secret;
    const file = JSON.stringify({ connectors: [{ nameSpace: "analytics", connectorName: "clicks-sink", connectorConfig: { "connector.class": MOCK_SINK, topics: "clicks" }, paused: true, ...OWNER }] });
    const refused = await sync(scoped, { text: file });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ message: "you are not a member of team analytics, which owns connector clicks-sink" })]);
    expect(await changeRequestCount()).toBe(0);

    const fullToken = (await createToken(t.db, { ...w.owner, teamIds: [w.team.id, analytics.id] }, { name: "both", expiresInDays: 30, role: "owner" })).secret;
    expect((await sync(fullToken, { text: file })).status).toBe(202);
  });
});
