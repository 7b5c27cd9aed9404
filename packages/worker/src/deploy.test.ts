import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { getConnector, listConnectorRevisions } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { ChangeItemInput } from "@switchboard/db/repos/change-requests";
import type { ConnectPort } from "@switchboard/engine/port";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { startWorker, type StartWorkerOptions } from "./loop";
import { buildWorkerWorld, MOCK_SINK, queueDeploy, SECRET, waitFor, type WorkerWorld } from "./worker.fixture";

const NEW_SECRET = "s3cret-orders-password";

let t: TestDb;
let w: WorkerWorld;
const stops: AbortController[] = [];

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await t.cleanup();
});

function runWorker(workerId: string, opts: Partial<StartWorkerOptions> = {}) {
  const controller = new AbortController();
  stops.push(controller);
  const done = startWorker({
    db: t.db,
    workerId,
    signal: controller.signal,
    pollMs: 10,
    leaseMs: 300,
    stopGraceMs: 0,
    scheduleHealth: false,
    deliverNotifications: false,
    ...opts,
    services: { ...w.services, ...opts.services },
  });
  return { controller, done };
}

const createItem: ChangeItemInput = {
  action: "create",
  connectorName: "orders-sink",
  teamId: "",
  proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders" },
  proposedSecrets: { "connection.password": NEW_SECRET },
  proposedState: "RUNNING",
};

const finished = (deploymentId: string) =>
  waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 10_000, "the deployment to finish");

describe("deploy job", () => {
  it("applies the change, records the new definition, and stores the report", async () => {
    const { cr, deploymentId } = await queueDeploy(w, [{ ...createItem, teamId: w.team.id }]);
    runWorker("worker-a");
    const d = await finished(deploymentId);

    expect(d.status).toBe("succeeded");
    expect((await getChangeRequest(t.db, cr.id))?.status).toBe("deployed");
    const itemId = cr.items[0]?.id as string;
    // The connector row takes the id stamped on the cluster (the change item's id).
    expect(w.fake.connectors.get("orders-sink")?.config["switchboard.id"]).toBe(itemId);
    expect(await getConnector(t.db, itemId)).toMatchObject({ name: "orders-sink", version: 1, deployedVersion: 1, teamId: w.team.id, secretKeys: ["connection.password"] });
    expect((await listConnectorRevisions(t.db, itemId))[0]).toMatchObject({ version: 1, changeRequestId: cr.id });
    const audit = await listAuditEvents(t.db, { entityType: "connector", entityId: itemId });
    expect(audit.items.map((e) => e.action).sort()).toEqual(["connector.create", "connector.deployed"]);

    const report = d.report as DeploymentReport;
    expect(report).toMatchObject({
      outcome: "succeeded",
      changeRequest: { id: cr.id, title: "Add the orders sink", author: { email: "owner@example.com" } },
      requestedBy: { email: "owner@example.com" },
      approvals: [{ reviewer: { email: "approver@example.com" }, comment: "Looks right." }],
      summary: { added: ["orders-sink"], removed: [], updated: [] },
      failures: [],
      verification: { ok: true },
    });
    expect(report.connectors).toEqual([expect.objectContaining({ name: "orders-sink", actions: ["create"], observed: "RUNNING", ok: true, recorded: true })]);
    expect(report.plan?.actions[0]).toMatchObject({ kind: "create", name: "orders-sink" });
    expect(d.events.map((e) => (e as { type: string }).type)).toEqual(expect.arrayContaining(["deploy-start", "plan", "start", "step-start", "step-done", "verify-start", "verify-done", "finished"]));
    expect(JSON.stringify([d.report, d.events])).not.toContain(NEW_SECRET);
  });

  it("updates, pauses and deletes existing connectors in the database once verified", async () => {
    const { cr, deploymentId } = await queueDeploy(w, [
      {
        action: "update",
        connectorId: w.connector.id,
        connectorName: "payments-sink",
        proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "payments.audit,payments.extra" },
        proposedSecrets: { "connection.password": SECRET },
        proposedState: "PAUSED",
        baseVersion: 1,
      },
    ]);
    runWorker("worker-a");
    const d = await finished(deploymentId);
    expect(d.status).toBe("succeeded");
    expect(await getConnector(t.db, w.connector.id)).toMatchObject({ version: 2, deployedVersion: 2, desiredState: "PAUSED", topics: "payments.audit,payments.extra" });
    expect(w.fake.connectors.get("payments-sink")).toMatchObject({ state: "PAUSED" });
    expect((d.report as DeploymentReport).summary).toMatchObject({ updated: ["payments-sink"], paused: ["payments-sink"] });
    expect(JSON.stringify(d.report)).not.toContain(SECRET);

    const { deploymentId: second } = await queueDeploy(w, [{ action: "delete", connectorId: w.connector.id, connectorName: "payments-sink", baseVersion: 2 }]);
    const d2 = await finished(second);
    expect(d2.status).toBe("succeeded");
    expect((await getConnector(t.db, w.connector.id))?.deletedAt).not.toBeNull();
    expect(w.fake.connectors.has("payments-sink")).toBe(false);
    expect((await getChangeRequest(t.db, cr.id))?.status).toBe("deployed");
  });

  it("fails the deployment and the change request with the task's trace when the connector fails", async () => {
    const crashing: ConnectPort = {
      ...w.fake,
      createConnector: async (name, config, state) => {
        await w.fake.createConnector(name, config, state);
        w.fake.failTask(name, 0, `java.lang.IllegalStateException: cannot log in with ${NEW_SECRET}\n\tat Mock.start`);
      },
    };
    const { cr, deploymentId } = await queueDeploy(w, [{ ...createItem, teamId: w.team.id }]);
    runWorker("worker-a", { services: { connectFor: () => crashing } });
    const d = await finished(deploymentId);

    expect(d.status).toBe("failed");
    expect((await getChangeRequest(t.db, cr.id))?.status).toBe("failed");
    // Not verified: the database does not record it as deployed.
    expect(await getConnector(t.db, cr.items[0]?.id as string)).toBeNull();
    const report = d.report as DeploymentReport;
    expect(report.failures).toEqual([expect.objectContaining({ name: "orders-sink", kind: "verify" })]);
    expect(report.connectors[0]).toMatchObject({ ok: false, observed: "RUNNING", recorded: false, reason: expect.stringContaining("task 0 FAILED") });
    expect(report.connectors[0]?.tasks[0]?.trace).toContain("IllegalStateException");
    expect(JSON.stringify([d.report, d.events])).not.toContain(NEW_SECRET);
  });

  it("re-plans a deploy whose worker died mid-way and completes it without applying twice", async () => {
    // Worker a applies the create, then hangs (as if its process died before verifying).
    const dying: ConnectPort = {
      ...w.fake,
      createConnector: async (name, config, state) => {
        await w.fake.createConnector(name, config, state);
        return new Promise<never>(() => undefined);
      },
    };
    const { cr, deploymentId } = await queueDeploy(w, [{ ...createItem, teamId: w.team.id }]);
    const a = runWorker("worker-a", { services: { connectFor: () => dying } });
    await waitFor(() => w.fake.connectors.has("orders-sink"), 5_000, "worker a to apply");
    a.controller.abort();
    await a.done;

    runWorker("worker-b");
    const d = await finished(deploymentId);
    expect(d.status).toBe("succeeded");
    expect(w.fake.calls.filter((c) => c.method === "putConfig" || c.method === "createConnector")).toHaveLength(1);
    expect(d.events.map((e) => (e as { type: string }).type)).toContain("resumed");
    expect(await getConnector(t.db, cr.items[0]?.id as string)).toMatchObject({ deployedVersion: 1 });
    expect((d.report as DeploymentReport).attempts).toBe(2);
  });
});
