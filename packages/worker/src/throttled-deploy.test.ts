import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createChangeRequest, editChangeRequest, getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createConnector, getConnector, markConnectorDeployed, type Connector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { webManager } from "@switchboard/domain/change-pipeline";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { stampConfig } from "@switchboard/engine/managed";
import { ConnectError } from "@switchboard/engine/port";
import { startWorker } from "./loop";
import { buildWorkerWorld, MOCK_SINK, waitFor, type WorkerWorld } from "./worker.fixture";

let t: TestDb;
let w: WorkerWorld;
let stop: AbortController;

beforeEach(async () => {
  stop = new AbortController();
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
});
afterEach(async () => {
  stop.abort();
  await t.cleanup();
});

/** Six more connectors of the team, running on the fake with their stamps. */
async function connectors(): Promise<Connector[]> {
  const out: Connector[] = [];
  for (let i = 0; i < 6; i++) {
    const config = { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "t" };
    const c = await createConnector(t.db, null, { name: `bulk-${i}`, clusterId: w.cluster.id, teamId: w.team.id, desiredState: "RUNNING", config, secrets: {} });
    await markConnectorDeployed(t.db, null, c.id, 1);
    w.fake.connectors.set(c.name, { config: stampConfig({ ...config, name: c.name }, { id: c.id, version: 1, manager: webManager(w.cluster.id) }), state: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }], type: "sink" });
    out.push(c);
  }
  return out;
}

describe("a deploy applies with its change request's apply options", () => {
  it("halts after haltAfterFailures failed steps: the rest is left untouched, reported as not attempted, and the change request fails with the reason", async () => {
    const cs = await connectors();
    const draft = await createChangeRequest(t.db, w.owner.id, {
      clusterId: w.cluster.id,
      title: "Pause them all",
      items: cs.map((c) => ({ action: "pause" as const, connectorId: c.id, connectorName: c.name, baseVersion: 1 })),
      applyOptions: { concurrency: 1, ratePerSecond: 100, haltAfterFailures: 2 },
    });
    for (const name of ["bulk-1", "bulk-2"]) w.fake.failNext("pause", new ConnectError("NOT_FOUND", `Connector ${name} not found`, 404), { name });
    await submitForReview(t.db, w.owner, draft.id);
    await review(t.db, w.approver, draft.id, "approve", "");
    const { deploymentId } = await deploy(t.db, w.owner, draft.id);
    void startWorker({ db: t.db, workerId: "w", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });

    const d = await waitFor(async () => {
      const x = await getDeployment(t.db, deploymentId);
      return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
    }, 10_000, "the deployment to finish");
    const report = d.report as DeploymentReport;
    expect(d.status).toBe("failed");
    expect(report.applyOptions).toEqual({ concurrency: 1, ratePerSecond: 100, haltAfterFailures: 2 });
    expect(report.notAttempted).toEqual(["bulk-3", "bulk-4", "bulk-5"]);
    expect(report.summary.paused).toEqual(["bulk-0"]);
    expect((await getChangeRequest(t.db, draft.id))?.statusNote).toBe("apply: halted after 2 failed steps; 3 connectors were not attempted and left untouched");
    for (const name of ["bulk-3", "bulk-4", "bulk-5"]) expect(w.fake.connectors.get(name)?.state).toBe("RUNNING");
    // Only what was verified is recorded.
    expect((await getConnector(t.db, cs[0]!.id))?.desiredState).toBe("PAUSED");
    expect((await getConnector(t.db, cs[4]!.id))?.desiredState).toBe("RUNNING");
  });

  it("without apply options, a failed step does not stop the others (the engine's defaults)", async () => {
    const cs = await connectors();
    const draft = await createChangeRequest(t.db, w.owner.id, { clusterId: w.cluster.id, title: "Pause", items: cs.map((c) => ({ action: "pause" as const, connectorId: c.id, connectorName: c.name, baseVersion: 1 })) });
    // Options set and then cleared again: null means the engine's defaults.
    await editChangeRequest(t.db, w.owner.id, draft.id, { applyOptions: null });
    for (const name of ["bulk-1", "bulk-2"]) w.fake.failNext("pause", new ConnectError("NOT_FOUND", `Connector ${name} not found`, 404), { name });
    await submitForReview(t.db, w.owner, draft.id);
    await review(t.db, w.approver, draft.id, "approve", "");
    const { deploymentId } = await deploy(t.db, w.owner, draft.id);
    void startWorker({ db: t.db, workerId: "w", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
    const d = await waitFor(async () => {
      const x = await getDeployment(t.db, deploymentId);
      return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
    }, 10_000, "the deployment to finish");
    const report = d.report as DeploymentReport;
    expect(report.notAttempted).toEqual([]);
    expect([...report.summary.paused].sort()).toEqual(["bulk-0", "bulk-3", "bulk-4", "bulk-5"]);
  });
});
