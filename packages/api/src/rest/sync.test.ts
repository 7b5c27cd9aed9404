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
import type { ConnectPort } from "@switchboard/engine/port";
import { startWorker } from "@switchboard/worker/loop";
import type { WorkerServices } from "@switchboard/worker/services";
import { buildWorkerWorld, MOCK_SINK, SECRET, waitFor, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { API_BASE } from "./openapi";
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

const sync = (token: string | null, body: Record<string, unknown>, query?: Record<string, string>) =>
  rest.call(token, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { teamId: w.team.id, ...body }, ...(query ? { query } : {}) });
const changeRequestCount = () => t.db.changeRequest.count();
const needNoApproval = () => t.db.cluster.update({ where: { id: w.cluster.id }, data: { approvalsRequired: 0 } });
const runWorker = (services: Partial<WorkerServices> = w.services) =>
  void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services });

describe("sync on a cluster that needs no approval", () => {
  it("with wait 0, queues the deploy and answers at once (202 + Location of its operation) with the lists; the worker deploys it", async () => {
    await needNoApproval();
    const answer = await sync(owner, { text: seedFile(), wait: 0 });
    expect(answer.status).toBe(202);
    const { deploymentId, changeRequestId } = answer.body as { deploymentId: string; changeRequestId: string };
    expect(answer.body).toMatchObject({ outcome: "deploying", added: ["orders-sink"], paused: ["payments-sink"], removed: [], resumed: [], updated: [], restarted: [] });
    expect(answer.body.operationId).toBe(deploymentId);
    expect(answer.body.statusUrl).toBe(`/api/v1/operations/${deploymentId}`);
    expect(answer.headers.get("location")).toBe(`/api/v1/operations/${deploymentId}`);
    expect(answer.body.reviewUrl).toBe(`https://switchboard.example.com/changes/${changeRequestId}`);
    expect(answer.body.report).toBeNull();
    expect(answer.text).not.toContain(NEW_SECRET);
    expect(answer.text).not.toContain(SECRET);

    runWorker();
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
    await needNoApproval();
    const answer = await sync(owner, { text: seedFile(), mode: "propose" });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ outcome: "in_review", deploymentId: null, report: null });
    expect(await t.db.deployment.count()).toBe(0);
  });
});

describe("sync waiting for the deploy it queued", () => {
  it("answers 200 with the lists and the deployment's report once the worker deployed it, secrets masked", async () => {
    await needNoApproval();
    runWorker();
    // One request: an answer before the deploy ended would be 202 and fail here.
    const answer = await sync(owner, { text: seedFile() });
    expect(answer.status).toBe(200);
    const deploymentId = answer.body.deploymentId as string;
    expect(answer.body).toMatchObject({
      outcome: "deployed",
      added: ["orders-sink"],
      paused: ["payments-sink"],
      removed: [],
      operationId: deploymentId,
      report: { deploymentId, outcome: "succeeded", summary: { added: ["orders-sink"], paused: ["payments-sink"] }, failures: [] },
    });
    expect(answer.headers.get("location")).toBeNull();
    // The report is the one GET /deployments/{id}/report answers, and it matches the cluster now.
    expect(answer.body.report).toEqual((await rest.call(owner, "GET", "/deployments/{id}/report", { params: { id: deploymentId } })).body);
    expect(w.fake.connectors.get("orders-sink")?.state).toBe("RUNNING");
    expect(w.fake.connectors.get("payments-sink")?.state).toBe("PAUSED");
    expect(w.fake.connectors.get("orders-sink")?.config["connection.password"]).toBe(NEW_SECRET);
    const byName = Object.fromEntries((answer.body.report.connectors as Array<{ name: string; observed: string; ok: boolean }>).map((c) => [c.name, [c.observed, c.ok]]));
    expect(byName).toEqual({ "orders-sink": ["RUNNING", true], "payments-sink": ["PAUSED", true] });
    expect(answer.text).not.toContain(NEW_SECRET);
    expect(answer.text).not.toContain(SECRET);
    expect(faults).toEqual([]);
  });

  it("takes wait from the query too, the body's winning: ?wait=0 answers 202 at once, ?wait=0 with a body wait of 30 waits", async () => {
    await needNoApproval();
    const queued = await sync(owner, { text: seedFile() }, { wait: "0" });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ outcome: "deploying", report: null });

    runWorker();
    const first = await rest.call(owner, "GET", "/operations/{id}", { params: { id: queued.body.operationId }, query: { wait: "10" } });
    expect(first.body.status).toBe("ready");
    const revised = JSON.parse(seedFile()) as { connectors: Array<{ connectorConfig: Record<string, string> }> };
    revised.connectors[1]!.connectorConfig.topics = "orders,refunds";
    const waited = await sync(owner, { text: JSON.stringify(revised), wait: 30 }, { wait: "0" });
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ outcome: "deployed", updated: ["orders-sink"], report: { outcome: "succeeded" } });
  });

  it("answers 200 with outcome failed and the report naming what failed when the deploy fails on the cluster, trace secrets redacted", async () => {
    await needNoApproval();
    const crashing: ConnectPort = {
      ...w.fake,
      createConnector: async (name, config, state) => {
        await w.fake.createConnector(name, config, state);
        w.fake.failTask(name, 0, `java.lang.IllegalStateException: cannot log in with ${NEW_SECRET}\n\tat Mock.start`);
      },
    };
    runWorker({ ...w.services, connectFor: () => crashing });
    const answer = await sync(owner, { text: seedFile() });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: "failed", report: { outcome: "failed", failures: [expect.objectContaining({ name: "orders-sink" })] } });
    expect(answer.body.report.connectors).toContainEqual(expect.objectContaining({ name: "orders-sink", ok: false, reason: expect.stringContaining("task 0 FAILED") }));
    expect(w.fake.connectors.get("orders-sink")?.tasks[0]?.state).toBe("FAILED");
    expect(answer.text).not.toContain(NEW_SECRET);
    expect(answer.text).not.toContain(SECRET);
    expect((await rest.call(owner, "GET", "/change-requests/{id}", { params: { id: answer.body.changeRequestId } })).body.status).toBe("failed");
  });

  it("never waits nor deploys when the cluster needs approval, even with wait 60", async () => {
    runWorker();
    const answer = await sync(owner, { text: seedFile(), wait: 60 });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ outcome: "in_review", deploymentId: null, operationId: null, report: null });
    expect(answer.headers.get("location")).toBe(`/api/v1/change-requests/${answer.body.changeRequestId}`);
    expect(await t.db.deployment.count()).toBe(0);
  });

  it("stops waiting when the client goes away, and the deploy it queued goes on to the end", async () => {
    await needNoApproval();
    const client = new AbortController();
    const request = new Request(`http://switchboard.test${API_BASE}/clusters/${w.cluster.id}/sync`, {
      method: "POST",
      body: JSON.stringify({ text: seedFile(), teamId: w.team.id, wait: 60 }),
      headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
      signal: client.signal,
    });
    // No worker yet: the deploy stays queued, so only the client's going away can end this wait (else 60 s, past the test's timeout).
    const answered = rest.handler(request);
    await waitFor(async () => (await t.db.deployment.count()) === 1, 10_000, "the deploy to be queued");
    client.abort();
    const answer = await answered;
    expect(answer.status).toBe(202);
    const deploymentId = ((await answer.json()) as { deploymentId: string }).deploymentId;
    expect((await t.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).status).toBe("queued");

    runWorker();
    const ended = await rest.call(owner, "GET", "/operations/{id}", { params: { id: deploymentId }, query: { wait: "10" } });
    expect(ended.body).toMatchObject({ status: "ready", deploymentStatus: "succeeded" });
    expect(faults).toEqual([]);
  });

  it("refuses hostile waits in the body or the query with 400 naming wait, and creates nothing", async () => {
    for (const wait of [-1, 61, "abc", 1e9, 1.5, null, true, "30"]) {
      const answer = await sync(owner, { text: seedFile(), wait });
      expect([wait, answer.status]).toEqual([wait, 400]);
      expect(answer.body.error.details).toEqual([expect.objectContaining({ path: "wait" })]);
    }
    for (const wait of ["-1", "61", "abc", "1e9", "1.5", "Infinity"]) {
      const answer = await sync(owner, { text: seedFile() }, { wait });
      expect([wait, answer.status]).toEqual([wait, 400]);
      expect(answer.body.error.details).toEqual([expect.objectContaining({ path: "wait" })]);
    }
    expect(await changeRequestCount()).toBe(0);
    expect(await t.db.deployment.count()).toBe(0);
    expect(faults).toEqual([]);
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
