import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { startWorker } from "@switchboard/worker/loop";
import { buildWorkerWorld, MOCK_SINK, queueDeploy, waitFor, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";

const NEW_SECRET = "s3cret-orders-password";

let t: TestDb;
let w: WorkerWorld;
const stop = new AbortController();

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
});
afterEach(async () => {
  stop.abort();
  await t.cleanup();
});

const createItem = (): ChangeItemInput => ({
  action: "create",
  connectorName: "orders-sink",
  teamId: w.team.id,
  proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders" },
  proposedSecrets: { "connection.password": NEW_SECRET },
  proposedState: "RUNNING",
});

describe("deployment router", () => {
  it("shows live progress and the report to any signed-in user, and refuses anonymous callers", async () => {
    const { deploymentId, cr } = await queueDeploy(w, [createItem()]);
    const viewer = createCaller(createContextInner({ db: t.db, user: w.viewer }));
    const queued = await viewer.deployment.byId({ id: deploymentId });
    expect(queued).toMatchObject({ status: "queued", report: null, changeRequest: { title: "Add the orders sink" }, progress: { phase: "queued" } });
    await expect(viewer.deployment.report({ id: deploymentId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
    await waitFor(async () => {
      const d = await getDeployment(t.db, deploymentId);
      return d?.status === "succeeded" || d?.status === "failed";
    }, 10_000, "the deployment to finish");
    const done = await viewer.deployment.byId({ id: deploymentId, after: 2 });
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ phase: "finished", percent: 100, steps: { total: 1, ended: 1 } });
    expect(done.progress.connectors).toEqual([expect.objectContaining({ name: "orders-sink", status: "done", verify: "settled" })]);
    expect(done.events).toHaveLength(done.eventCount - 2);
    expect((await viewer.deployment.report({ id: deploymentId })).summary.added).toEqual(["orders-sink"]);
    expect(await viewer.deployment.list({ changeRequestId: cr.id })).toEqual([expect.objectContaining({ id: deploymentId, status: "succeeded" })]);
    expect(JSON.stringify(done)).not.toContain(NEW_SECRET);

    const anonymous = createCaller(createContextInner({ db: t.db, user: null }));
    await expect(anonymous.deployment.byId({ id: deploymentId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(viewer.deployment.byId({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
