/**
 * Deletion is soft until the cluster confirms: a connector whose deletion is deploying is still
 * answered (as deleting), and its record is marked deleted (kept, with deletedAt) only once the
 * worker verified it is gone from the cluster; a cluster that still has it leaves it active.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getConnector } from "@switchboard/db/repos/connectors";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import { startWorker } from "@switchboard/worker/loop";
import { buildWorkerWorld, queueDeploy, waitFor, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { createRestClient } from "./rest-client.fixture";

let t: TestDb;
let w: WorkerWorld;
let stop: AbortController;
let rest: ReturnType<typeof createRestClient>;
let viewer: string;

beforeEach(async () => {
  stop = new AbortController();
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
  rest = createRestClient(t.db, { connectFor: () => w.fake });
  viewer = (await createToken(t.db, w.viewer, { name: "dashboard", expiresInDays: 30, role: "viewer" })).secret;
});
afterEach(async () => {
  stop.abort();
  await t.cleanup();
});

function runWorker(verifyTimeoutMs = 2_000) {
  const services = { ...w.services, applyOptions: { settleMs: 0, pollIntervalMs: 5, verifyTimeoutMs } };
  void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 5_000, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services });
}

/** Holds the cluster's DELETE until released; with `keep`, Connect then answers as if it deleted but keeps the connector. */
function holdDeletes(opts: { keep?: boolean } = {}) {
  const original = w.fake.deleteConnector.bind(w.fake);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let sent = false;
  w.fake.deleteConnector = async (name) => {
    sent = true;
    await gate;
    if (!opts.keep) await original(name);
  };
  return { release, sent: () => sent };
}

const deleteItem = () => [{ action: "delete" as const, connectorId: w.connector.id, connectorName: w.connector.name, baseVersion: 1 }];
const getConnectorAnswer = () => rest.call(viewer, "GET", "/connectors/{id}", { params: { id: w.connector.id } });
const operationAnswer = (id: string, wait?: string) => rest.call(viewer, "GET", "/operations/{id}", { params: { id }, ...(wait ? { query: { wait } } : {}) });

describe("deleting a connector through a deploy", () => {
  it("answers it as deleting while the deploy runs, and marks it deleted (record kept) only once the cluster no longer has it", async () => {
    const held = holdDeletes();
    const { cr, deploymentId } = await queueDeploy(w, deleteItem());
    runWorker();
    await waitFor(() => held.sent(), 10_000, "the DELETE to reach the cluster");

    const during = await getConnectorAnswer();
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ id: w.connector.id, lifecycle: "deleting", deletion: { changeRequestId: cr.id } });
    expect((await operationAnswer(deploymentId)).body).toMatchObject({ status: "deleting", deploymentStatus: "running", links: { report: null } });
    expect((await getConnector(t.db, w.connector.id))?.deletedAt).toBeNull();

    held.release();
    const done = await waitFor(async () => {
      const op = await operationAnswer(deploymentId, "5");
      return op.body.status === "ready" || op.body.status === "failed" ? op : undefined;
    }, 15_000, "the deletion to end");
    expect(done.body.status).toBe("ready");
    expect(w.fake.connectors.has(w.connector.name)).toBe(false);

    const after = await getConnectorAnswer();
    expect(after.status).toBe(404);
    expect(after.body.error).toEqual({ code: "NOT_FOUND", message: "No such connector." });
    const row = await getConnector(t.db, w.connector.id);
    expect(row).toMatchObject({ id: w.connector.id, name: w.connector.name });
    expect(row?.deletedAt).not.toBeNull();
  });

  it("keeps the connector (active, not deleted) when the cluster still has it after the deploy said it deleted it", async () => {
    const held = holdDeletes({ keep: true });
    const { deploymentId } = await queueDeploy(w, deleteItem());
    runWorker(300);
    await waitFor(() => held.sent(), 10_000, "the DELETE to reach the cluster");
    expect((await getConnectorAnswer()).body.lifecycle).toBe("deleting");
    held.release();

    const done = await waitFor(async () => {
      const op = await operationAnswer(deploymentId, "5");
      return op.body.status === "ready" || op.body.status === "failed" ? op : undefined;
    }, 15_000, "the deploy to end");
    expect(done.body.status).toBe("failed");
    expect(w.fake.connectors.has(w.connector.name)).toBe(true);
    expect((await getConnector(t.db, w.connector.id))?.deletedAt).toBeNull();
    expect((await getConnectorAnswer()).body).toMatchObject({ lifecycle: "active", deletion: null });
  });

  it("answers an ordinary connector as active", async () => {
    expect((await getConnectorAnswer()).body).toMatchObject({ lifecycle: "active", deletion: null });
  });
});
