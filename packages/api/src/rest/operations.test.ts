/**
 * Operations through the REST handler: the same visibility as the deployment they are, a long poll
 * that ends with the work, and hostile ids and waits answered in the one error shape.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken, revokeToken } from "@switchboard/domain/api-tokens";
import { startWorker } from "@switchboard/worker/loop";
import { buildWorkerWorld, MOCK_SINK, queueDeploy, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { createRestClient } from "./rest-client.fixture";

let t: TestDb;
let w: WorkerWorld;
let stop: AbortController;
let rest: ReturnType<typeof createRestClient>;

beforeEach(async () => {
  stop = new AbortController();
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
  rest = createRestClient(t.db, { connectFor: () => w.fake });
});
afterEach(async () => {
  stop.abort();
  await t.cleanup();
});

const tokenOf = async (user: SessionUser, teamIds: string[] = []) => (await createToken(t.db, user, { name: "t", expiresInDays: 30, role: user.role, teamIds })).secret;
const createItem = () => [{ action: "create" as const, connectorName: "orders-sink", teamId: w.team.id, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders" }, proposedState: "RUNNING" as const }];
const operation = (token: string | null, id: string, query?: Record<string, string>) => rest.call(token, "GET", "/operations/{id}", { params: { id }, ...(query ? { query } : {}) });
const runWorker = () =>
  void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 5_000, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });

describe("who may read an operation", () => {
  it("is whoever may read its deployment: the same answer status for every kind of caller", async () => {
    const { deploymentId } = await queueDeploy(w, createItem());
    const otherTeam = await createTeam(t.db, null, { name: "analytics" });
    const stranger = await createUser(t.db, null, { email: "stranger@example.com", name: "stranger", role: "owner", password: "password-for-tests" });
    await addMember(t.db, null, otherTeam.id, stranger.id);
    const strangerUser = (await getSessionUser(t.db, stranger.id)) as SessionUser;
    const { token, secret: revoked } = await createToken(t.db, w.owner, { name: "old", expiresInDays: 30, role: "owner" });
    await revokeToken(t.db, w.owner, token.id);

    const callers: Array<[string, string | null]> = [
      ["viewer", await tokenOf(w.viewer)],
      ["owner", await tokenOf(w.owner)],
      ["owner limited to the team", await tokenOf(w.owner, [w.team.id])],
      ["another team's owner", await tokenOf(strangerUser)],
      ["approver", await tokenOf(w.approver)],
      ["revoked", revoked],
      ["no token", null],
    ];
    for (const [who, secret] of callers) {
      const deployment = await rest.call(secret, "GET", "/deployments/{id}", { params: { id: deploymentId } });
      const op = await operation(secret, deploymentId);
      expect([who, op.status]).toEqual([who, deployment.status]);
      if (op.status === 200) expect(op.body).toMatchObject({ id: deploymentId, status: "accepted", deploymentStatus: deployment.body.status });
    }
  });

  it("answers 404 in the error shape for an unknown id, and hostile ids never reach a 500", async () => {
    const viewer = await tokenOf(w.viewer);
    expect((await operation(viewer, "nope")).body).toEqual({ error: { code: "NOT_FOUND", message: "No such deployment." } });
    for (const id of ["../deployments", "' OR 1=1 --", "%00", "a".repeat(100), "__proto__", "constructor"]) {
      const answer = await operation(viewer, id);
      expect([id, answer.status]).toEqual([id, 404]);
    }
    const tooLong = await operation(viewer, "a".repeat(101));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].path).toBe("id");
  });
});

describe("waiting on an operation", () => {
  it("refuses a wait above 30 seconds, below 0 or not a number, with the field named", async () => {
    const { deploymentId } = await queueDeploy(w, createItem());
    const viewer = await tokenOf(w.viewer);
    for (const wait of ["31", "-1", "abc", "1.5", "1e9"]) {
      const answer = await operation(viewer, deploymentId, { wait });
      expect([wait, answer.status]).toEqual([wait, 400]);
      expect(answer.body.error.details).toEqual([expect.objectContaining({ path: "wait" })]);
    }
  });

  it("answers the final status from within the wait once the deploy ends", async () => {
    const { deploymentId } = await queueDeploy(w, createItem());
    const viewer = await tokenOf(w.viewer);
    expect((await operation(viewer, deploymentId)).body.status).toBe("accepted");
    runWorker();
    // One request: a long poll that returned anything but the end would fail here.
    const ended = await operation(viewer, deploymentId, { wait: "30" });
    expect(ended.body).toMatchObject({ status: "ready", deploymentStatus: "succeeded", progress: { phase: "finished", steps: { total: 1, ended: 1 }, percent: 100 } });
    expect(ended.body.links.report).toBe(`/api/v1/deployments/${deploymentId}/report`);
    expect((await rest.call(viewer, "GET", "/deployments/{id}/report", { params: { id: deploymentId } })).status).toBe(200);
  });

  it("answers as things stand when the wait is over and nothing ended", async () => {
    const { deploymentId } = await queueDeploy(w, createItem());
    const answer = await operation(await tokenOf(w.viewer), deploymentId, { wait: "1" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: "accepted", deploymentStatus: "queued", finishedAt: null, links: { report: null } });
  });
});
