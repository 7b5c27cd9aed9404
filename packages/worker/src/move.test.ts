/**
 * The deploy job running a move between two (fake) clusters: the connector row moves with its id,
 * version + 1 and the target's manager stamp; a failure leaves the source as it was; a job claimed
 * again after an interruption carries on.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getChangeRequest, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getConnector, listConnectorRevisions } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { summarizeProgress } from "@switchboard/domain/deployment-progress";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { createFakeConnect, type FakeConnect } from "@switchboard/engine/fake-connect";
import { readMark, stampConfig } from "@switchboard/engine/managed";
import { ConnectError } from "@switchboard/engine/port";
import { startWorker } from "./loop";
import { buildWorkerWorld, queueDeploy, SECRET, waitFor, type WorkerWorld } from "./worker.fixture";

let t: TestDb;
let w: WorkerWorld;
let other: Cluster;
let target: FakeConnect;
const stops: AbortController[] = [];
const OFFSETS = [{ partition: { kafka_topic: "payments.audit", kafka_partition: 0 }, offset: { kafka_offset: 17 } }];

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
  other = await createCluster(t.db, null, { name: "other", environment: "prod", connectUrls: ["http://127.0.0.1:2"], approvalsRequired: 1 });
  target = createFakeConnect();
  w.fake.connectors.get(w.connector.name)!.offsets = structuredClone(OFFSETS);
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await t.cleanup();
});

function runWorker(targetPort: FakeConnect = target) {
  const controller = new AbortController();
  stops.push(controller);
  startWorker({
    db: t.db,
    workerId: "worker-move",
    signal: controller.signal,
    pollMs: 10,
    leaseMs: 300,
    stopGraceMs: 0,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { ...w.services, connectFor: (c) => (c.id === other.id ? targetPort : w.fake), applyOptions: { settleMs: 0, pollIntervalMs: 5, verifyTimeoutMs: 2_000 } },
  });
  return controller;
}

const moveItem = (): ChangeItemInput => ({ action: "move", connectorId: w.connector.id, connectorName: w.connector.name, baseVersion: 1, payload: { targetClusterId: other.id } });

const finished = (deploymentId: string) =>
  waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 10_000, "the deployment to finish");

describe("deploying a move", () => {
  it("moves the connector with its offsets and records it on the target cluster with the same id at version + 1", async () => {
    const { cr, deploymentId } = await queueDeploy(w, [moveItem()]);
    runWorker();
    const d = await finished(deploymentId);

    expect(d.status).toBe("succeeded");
    expect((await getChangeRequest(t.db, cr.id))?.status).toBe("deployed");
    expect(w.fake.connectors.has(w.connector.name)).toBe(false);
    const moved = target.connectors.get(w.connector.name)!;
    expect(moved).toMatchObject({ state: "RUNNING", offsets: OFFSETS });
    expect(readMark(moved.config)).toEqual({ id: w.connector.id, version: 2, manager: `web/${other.id}` });
    expect(moved.config["connection.password"]).toBe(SECRET);
    expect(await getConnector(t.db, w.connector.id)).toMatchObject({ clusterId: other.id, version: 2, deployedVersion: 2, name: w.connector.name });
    expect((await listConnectorRevisions(t.db, w.connector.id)).map((r) => [r.version, r.changeRequestId])).toContainEqual([2, cr.id]);

    const report = d.report as DeploymentReport;
    expect(report.moves).toEqual([
      expect.objectContaining({ ok: true, offsets: 1, from: { id: w.cluster.id, name: "prod" }, to: { id: other.id, name: "other" }, source: expect.objectContaining({ final: "ABSENT" }), target: expect.objectContaining({ final: "RUNNING" }) }),
    ]);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(JSON.stringify(d.events)).not.toContain(SECRET);
    expect(d.events).toContainEqual(expect.objectContaining({ type: "move", cluster: "target", step: "write-offsets", status: "done" }));
    // The live view lists the move's steps under its connector.
    expect(summarizeProgress(d.events).connectors).toEqual([
      expect.objectContaining({
        name: w.connector.name,
        status: "done",
        steps: ["read on source", "read on target", "stop on source", "read-offsets on source", "create on target", "write-offsets on target", "start on target", "delete on source"].map((kind) => ({ kind, status: "done" })),
      }),
    ]);
  });

  it("fails without touching the source when the name is taken on the target, naming the holder", async () => {
    target.connectors.set(w.connector.name, { config: stampConfig({ "connector.class": "x" }, { id: "someone", version: 1, manager: "cli/ops" }), state: "RUNNING", tasks: [], type: "sink" });
    const { cr, deploymentId } = await queueDeploy(w, [moveItem()]);
    runWorker();
    const d = await finished(deploymentId);

    expect(d.status).toBe("failed");
    expect(w.fake.connectors.get(w.connector.name)?.state).toBe("RUNNING");
    expect(w.fake.calls.filter((c) => ["stop", "deleteConnector"].includes(c.method))).toEqual([]);
    expect(await getConnector(t.db, w.connector.id)).toMatchObject({ clusterId: w.cluster.id, version: 1 });
    const report = d.report as DeploymentReport;
    expect(report.moves?.[0]).toMatchObject({ ok: false, conflict: { heldBy: { manager: "cli/ops" } } });
    expect((await getChangeRequest(t.db, cr.id))?.statusNote).toContain("taken on the target cluster");
  });

  it("restores the source and removes the target's copy when the target refuses the offsets", async () => {
    target.failNext("alterOffsets", new ConnectError("BAD_REQUEST", "refused", 400));
    const { deploymentId } = await queueDeploy(w, [moveItem()]);
    runWorker();
    const d = await finished(deploymentId);

    expect(d.status).toBe("failed");
    expect(w.fake.connectors.get(w.connector.name)?.state).toBe("RUNNING");
    expect(target.connectors.has(w.connector.name)).toBe(false);
    expect(await getConnector(t.db, w.connector.id)).toMatchObject({ clusterId: w.cluster.id, version: 1 });
    expect((d.report as DeploymentReport).moves?.[0]).toMatchObject({ ok: false, source: { final: "RUNNING" }, target: { final: "ABSENT" } });
  });

  it("carries on when the job is claimed again after the worker died in the middle of a move", async () => {
    const { deploymentId } = await queueDeploy(w, [moveItem()]);
    // Worker a creates the copy on the target, then hangs (as if its process died there).
    const dying: FakeConnect = {
      ...target,
      createConnector: async (name, config, state) => {
        await target.createConnector(name, config, state);
        return new Promise<never>(() => undefined);
      },
    };
    const a = runWorker(dying);
    await waitFor(() => target.connectors.has(w.connector.name), 10_000, "the copy on the target");
    a.abort();
    expect(w.fake.connectors.get(w.connector.name)?.state).toBe("STOPPED");
    expect(target.connectors.get(w.connector.name)?.state).toBe("STOPPED");

    runWorker();
    const d = await finished(deploymentId);
    expect(d.status).toBe("succeeded");
    expect(target.calls.filter((c) => c.method === "createConnector")).toHaveLength(1);
    expect(target.connectors.get(w.connector.name)).toMatchObject({ state: "RUNNING", offsets: OFFSETS });
    expect(w.fake.connectors.has(w.connector.name)).toBe(false);
    expect(await getConnector(t.db, w.connector.id)).toMatchObject({ clusterId: other.id, version: 2 });
    expect((d.report as DeploymentReport).attempts).toBe(2);
  });
});
