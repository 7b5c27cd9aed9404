import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { getConnector, markConnectorDeployed } from "@switchboard/db/repos/connectors";
import { finishDeployment, getDeployment, startDeployment } from "@switchboard/db/repos/deployments";
import { getOpenDriftIncident } from "@switchboard/db/repos/drift";
import { listIncidents } from "@switchboard/db/repos/health";
import { listNotifications } from "@switchboard/db/repos/notifications";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { connectorDrift, draftAdopt, draftRevert } from "@switchboard/domain/drift";
import { readMark } from "@switchboard/engine/managed";
import { startWorker } from "./loop";
import { applyObservations, pollClusterHealth, type MonitorContext } from "./monitor";
import { buildWorkerWorld, queueDeploy, SECRET, waitFor, type WorkerWorld } from "./worker.fixture";

const LIVE_SECRET = "changed-behind-our-back-secret";

let t: TestDb;
let w: WorkerWorld;
let ctx: MonitorContext;
const stops: AbortController[] = [];

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db, { webhookUrl: "http://127.0.0.1:9/hook" });
  ctx = { db: t.db, connectFor: () => w.fake, publicUrl: "http://switchboard.test", log: silent };
  // Deployed as it runs on the fake cluster.
  await markConnectorDeployed(t.db, null, w.connector.id, 1);
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await t.cleanup();
});

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds));
const poll = (now: Date) => pollClusterHealth(ctx, w.cluster, now);
const stored = async () => (await getConnector(t.db, w.connector.id))!;
const live = () => w.fake.connectors.get("payments-sink")!;
const driftIncidents = async () => (await listIncidents(t.db, { clusterId: w.cluster.id })).items.filter((i) => i.kind === "drift");

/** Someone edits the connector on the cluster directly (a raw PUT). */
function editLive(changes: Record<string, string>) {
  live().config = { ...live().config, ...changes };
}

async function deployThroughWorker(changeRequestId: string) {
  await submitForReview(t.db, w.owner, changeRequestId);
  await review(t.db, w.approver, changeRequestId, "approve", "Back to what was approved.");
  const { deploymentId } = await deploy(t.db, w.owner, changeRequestId);
  const controller = new AbortController();
  stops.push(controller);
  void startWorker({ db: t.db, workerId: "w1", signal: controller.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
  const done = await waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 10_000, "the deploy to end");
  controller.abort();
  return done;
}

describe("drift in the monitor", () => {
  it("finds nothing on a connector in step", async () => {
    const result = await poll(at(0));
    expect(result.drift).toEqual({ drifted: [], inStep: ["payments-sink"], notified: [] });
    expect(await connectorDrift(t.db, w.connector.id)).toBeNull();
  });

  it("opens one drift incident with the DRIFTED mark and notifies the owners once; closes it when back in step", async () => {
    editLive({ "tasks.max": "2", "connection.password": LIVE_SECRET });
    const first = await poll(at(0));
    const second = await poll(at(10));
    expect(first.drift).toMatchObject({ drifted: ["payments-sink"], notified: ["payments-sink"] });
    expect(second.drift).toMatchObject({ drifted: ["payments-sink"], notified: [] });
    // A drift is not a failure: no failure incident.
    expect(first.opened).toEqual([]);

    const incidents = await driftIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ state: "open", kind: "drift", connectorId: w.connector.id, trace: "config: changed connection.password, tasks.max" });
    const view = await connectorDrift(t.db, w.connector.id);
    expect(view).toMatchObject({ driftedAt: at(0), report: { config: { changed: ["connection.password", "tasks.max"] } } });

    const notifications = (await listNotifications(t.db, {})).items;
    expect(notifications.map((n) => n.channel).sort()).toEqual(["email", "email", "inapp", "inapp", "webhook"]);
    for (const n of notifications) {
      expect(n.incidentId).toBe(incidents[0]!.id);
      expect(n.subject).toBe("payments-sink drifted from its approved definition on prod");
      // Key names, never values: neither the approved nor the live secret.
      expect(n.body).toContain("connection.password");
      expect(n.body).not.toContain(SECRET);
      expect(n.body).not.toContain(LIVE_SECRET);
    }

    editLive({ "tasks.max": "1", "connection.password": SECRET });
    const third = await poll(at(20));
    expect(third.drift).toMatchObject({ drifted: [], inStep: ["payments-sink"] });
    expect((await driftIncidents()).map((i) => i.state)).toEqual(["closed"]);
    expect(await connectorDrift(t.db, w.connector.id)).toBeNull();
    expect((await listNotifications(t.db, {})).items).toHaveLength(notifications.length);
  });

  it("leaves failure incidents alone: a failing connector that also drifted has one of each, closed on their own", async () => {
    w.fake.failTask("payments-sink", 0, "boom");
    editLive({ "tasks.max": "2" });
    const first = await poll(at(0));
    expect(first.opened).toEqual(["payments-sink"]);
    expect(first.drift?.drifted).toEqual(["payments-sink"]);
    live().tasks = [{ id: 0, state: "RUNNING" }];
    const second = await poll(at(10));
    expect(second.closed).toEqual(["payments-sink"]);
    const all = (await listIncidents(t.db, { clusterId: w.cluster.id })).items;
    expect(all.map((i) => `${i.kind}:${i.state}`).sort()).toEqual(["drift:open", "failure:closed"]);
  });

  it("sees a run state changed behind Switchboard's back, and FAILED is not drift", async () => {
    live().state = "PAUSED";
    expect((await poll(at(0))).drift?.drifted).toEqual(["payments-sink"]);
    expect((await connectorDrift(t.db, w.connector.id))?.lines).toEqual(["run state: PAUSED, approved RUNNING"]);
    live().state = "FAILED";
    expect((await poll(at(10))).drift?.drifted).toEqual([]);
  });

  it("updates the run state from a status-topic record (no config) and keeps what the last poll found of the config", async () => {
    editLive({ "tasks.max": "2" });
    await poll(at(0));
    const record = { name: "payments-sink", config: null, type: "unknown" as const, state: "PAUSED" as const, tasks: [] };
    await applyObservations(ctx, w.fake, w.cluster, [record], ["payments-sink"], at(5));
    expect((await connectorDrift(t.db, w.connector.id))?.lines).toEqual(["config: changed tasks.max", "run state: PAUSED, approved RUNNING"]);
    await applyObservations(ctx, w.fake, w.cluster, [{ ...record, state: "RUNNING" }], ["payments-sink"], at(6));
    expect((await connectorDrift(t.db, w.connector.id))?.lines).toEqual(["config: changed tasks.max"]);
    expect(await driftIncidents()).toHaveLength(1);
  });

  it("compares nothing while a deploy runs on the cluster, nor with an observation older than a deploy that ended", async () => {
    const { deploymentId } = await queueDeploy(w, [{ action: "restart", connectorId: w.connector.id, connectorName: "payments-sink", baseVersion: 1 }]);
    await startDeployment(t.db, deploymentId);
    editLive({ "tasks.max": "2" });
    expect((await poll(at(0))).drift).toEqual({ drifted: [], inStep: [], notified: [] });
    await finishDeployment(t.db, deploymentId, "succeeded", {});
    // Observed before the deploy ended: it may predate what the deploy applied.
    expect((await poll(new Date(Date.now() - 60_000))).drift?.drifted).toEqual([]);
    expect(await driftIncidents()).toHaveLength(0);
    expect((await poll(new Date(Date.now() + 60_000))).drift?.drifted).toEqual(["payments-sink"]);
  });

  it("ignores connectors never deployed and connectors Switchboard does not manage", async () => {
    await t.db.connector.update({ where: { id: w.connector.id }, data: { deployedVersion: null } });
    editLive({ "tasks.max": "2" });
    w.fake.connectors.set("stranger", { config: { "connector.class": "x" }, state: "PAUSED", tasks: [], type: "sink" });
    expect((await poll(at(0))).drift).toEqual({ drifted: [], inStep: [], notified: [] });
  });
});

describe("revert and adopt", () => {
  it("revert: a draft by the caller that, approved by someone else and deployed, puts back the approved config, state and stamp", async () => {
    editLive({ "tasks.max": "2", "connection.password": LIVE_SECRET, "switchboard.version": "9" });
    live().state = "PAUSED";
    await poll(at(0));
    const { id } = await draftRevert(t.db, w.owner, await stored());
    const cr = await getChangeRequest(t.db, id);
    expect(cr).toMatchObject({ status: "draft", authorId: w.owner.id, title: "Revert drift of payments-sink" });
    expect(cr?.items).toEqual([expect.objectContaining({ action: "update", connectorId: w.connector.id, proposedState: "RUNNING", baseVersion: 1, payload: { drift: "revert" } })]);
    expect(JSON.stringify(cr)).not.toContain(SECRET);

    const deployment = await deployThroughWorker(id);
    expect(deployment.status).toBe("succeeded");
    expect(live().config).toMatchObject({ "tasks.max": "1", "connection.password": SECRET });
    expect(readMark(live().config)?.version).toBe(2);
    expect(live().state).toBe("RUNNING");
    const result = await poll(new Date(Date.now() + 60_000));
    expect(result.drift?.inStep).toEqual(["payments-sink"]);
    expect((await driftIncidents()).map((i) => i.state)).toEqual(["closed"]);
  });

  it("adopt: records the live config (its secret split and stored encrypted) as the next revision", async () => {
    editLive({ "tasks.max": "3", "connection.password": LIVE_SECRET });
    await poll(at(0));
    const { id } = await draftAdopt(t.db, w.owner, await stored(), w.fake);
    const cr = await getChangeRequest(t.db, id);
    expect(cr?.items[0]).toMatchObject({ action: "update", proposedConfig: { "connector.class": expect.any(String), "tasks.max": "3", topics: "payments.audit" }, proposedSecretKeys: ["connection.password"], payload: { drift: "adopt" } });
    expect(JSON.stringify(cr)).not.toContain(LIVE_SECRET);

    expect((await deployThroughWorker(id)).status).toBe("succeeded");
    expect(await getConnector(t.db, w.connector.id)).toMatchObject({ version: 2, deployedVersion: 2, config: expect.objectContaining({ "tasks.max": "3" }) });
    const result = await poll(new Date(Date.now() + 60_000));
    expect(result.drift?.inStep).toEqual(["payments-sink"]);
    expect(await getOpenDriftIncident(t.db, w.cluster.id, "payments-sink")).toBeNull();
  });

  it("refuses another team's owner, a viewer, and a connector in step", async () => {
    editLive({ "tasks.max": "2" });
    await poll(at(0));
    const stranger = { ...w.owner, id: "someone", teamIds: ["another-team"] };
    await expect(draftRevert(t.db, stranger, await stored())).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(draftAdopt(t.db, w.viewer, await stored(), w.fake)).rejects.toMatchObject({ code: "FORBIDDEN" });
    editLive({ "tasks.max": "1" });
    await poll(at(10));
    await expect(draftRevert(t.db, w.owner, await stored())).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});
