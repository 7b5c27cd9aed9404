/**
 * Bulk changes against the real local stack, through the API with real sessions and the worker's
 * job queue: MockSink connectors selected by label, paused then resumed in one change request each;
 * and a throttled bulk pause that halts after N failures (connectors deleted behind Switchboard's
 * back while it applies), leaving the rest untouched and reported. Only connectors this file
 * created are touched (unique name prefix) and they are deleted at the end.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, markConnectorDeployed, type Connector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { webManager } from "@switchboard/domain/change-pipeline";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { stampConfig } from "@switchboard/engine/managed";
import type { ConnectPort } from "@switchboard/engine/port";
import { putConnector, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "@switchboard/worker/loop";
import { MOCK_SINK, silentLog, waitFor } from "@switchboard/worker/worker.fixture";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";

const { connectUrls } = testEndpoints();
const PREFIX = `bulk-it-${randomBytes(3).toString("hex")}`;
const MANY = 22;
const HALT = 12;
const OPS = 3;

let t: TestDb;
let cluster: Cluster;
let owner: SessionUser;
let approver: SessionUser;
let connect: ConnectPort & { close(): Promise<void> };
const created: Connector[] = [];
const stop = new AbortController();
let worker: Promise<void>;

const as = (user: SessionUser) => createCaller(createContextInner({ db: t.db, user }));

async function sink(name: string, teamId: string): Promise<Connector> {
  const config = { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${PREFIX}-topic` };
  const c = await createConnector(t.db, null, { name, clusterId: cluster.id, teamId, desiredState: "RUNNING", config, secrets: {} });
  await putConnector(name, stampConfig(config, { id: c.id, version: 1, manager: webManager(cluster.id) }), connectUrls);
  await markConnectorDeployed(t.db, null, c.id, 1);
  created.push(c);
  return c;
}

/** Opens the bulk change as the owner, submits it, has the approver approve it and deploys it; resolves the deployment id. */
async function openAndDeploy(selection: { labels: string[] }, operation: { action: "pause" | "resume" | "stop" | "delete" } | { action: "restart"; taskId?: number; onlyFailed?: boolean }, applyOptions: { concurrency: number; ratePerSecond: number; haltAfterFailures: number }) {
  const opened = await as(owner).bulk.open({ selection, operation, applyOptions });
  expect(opened.changeRequests).toHaveLength(1);
  const id = opened.changeRequests[0]!.id;
  await as(owner).changeRequest.submit({ id });
  await as(approver).changeRequest.review({ id, decision: "approve" });
  const { deploymentId } = await as(owner).changeRequest.deploy({ id });
  return { id, deploymentId, total: opened.total };
}

const finished = (deploymentId: string) =>
  waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 200_000, "the deployment to finish");

async function liveStates(names: readonly string[]): Promise<Record<string, string>> {
  const byName = new Map((await connect.listConnectors()).map((c) => [c.name, c.state]));
  return Object.fromEntries(names.map((n) => [n, byName.get(n) ?? "ABSENT"]));
}

beforeAll(async () => {
  t = await createTestDb();
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, approvalsRequired: 1, monitorIntervalSeconds: 3600 });
  connect = connectForCluster(cluster) as ConnectPort & { close(): Promise<void> };
  const team = await createTeam(t.db, null, { name: "payments" });
  owner = (await getSessionUser(t.db, (await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" })).id)) as SessionUser;
  await addMember(t.db, null, team.id, owner.id);
  owner = (await getSessionUser(t.db, owner.id)) as SessionUser;
  approver = (await getSessionUser(t.db, (await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" })).id)) as SessionUser;
  for (let i = 0; i < MANY; i++) {
    const c = await sink(`${PREFIX}-many-${String(i).padStart(2, "0")}`, team.id);
    await as(owner).connector.setLabels({ id: c.id, labels: ["suite=bulk", "batch=many"] });
  }
  for (let i = 0; i < HALT; i++) {
    const c = await sink(`${PREFIX}-halt-${String(i).padStart(2, "0")}`, team.id);
    await as(owner).connector.setLabels({ id: c.id, labels: ["suite=bulk", "batch=halt"] });
  }
  for (let i = 0; i < OPS; i++) {
    const c = await sink(`${PREFIX}-ops-${i}`, team.id);
    await as(owner).connector.setLabels({ id: c.id, labels: ["suite=bulk", "batch=ops"] });
  }
  worker = startWorker({
    db: t.db,
    workerId: "bulk-it-worker",
    signal: stop.signal,
    pollMs: 100,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { log: silentLog, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 2_000, pollIntervalMs: 500, verifyTimeoutMs: 120_000 } },
  });
});

afterAll(async () => {
  stop.abort();
  await worker;
  for (const c of created) await connect.deleteConnector(c.name).catch(() => undefined);
  await connect.close();
  await t.cleanup();
});

describe("bulk changes on the real stack", () => {
  it(`pauses then resumes ${MANY} MockSink connectors selected by label, each in one approved change request`, async () => {
    const names = created.filter((c) => c.name.includes("-many-")).map((c) => c.name);
    const options = { concurrency: 4, ratePerSecond: 20, haltAfterFailures: 3 };

    const pause = await openAndDeploy({ labels: ["batch=many"] }, { action: "pause" }, options);
    expect(pause.total).toBe(MANY);
    const paused = await finished(pause.deploymentId);
    const pauseReport = paused.report as DeploymentReport;
    expect(paused.status, JSON.stringify(pauseReport.failures)).toBe("succeeded");
    expect([...pauseReport.summary.paused].sort()).toEqual(names);
    expect(pauseReport.applyOptions).toEqual(options);
    expect(pauseReport.notAttempted).toEqual([]);
    expect(Object.values(await liveStates(names))).toEqual(names.map(() => "PAUSED"));
    expect((await as(owner).connector.board({ labels: ["batch=many"], pageSize: 50 })).items.map((i) => i.desiredState)).toEqual(names.map(() => "PAUSED"));

    const resume = await openAndDeploy({ labels: ["batch=many"] }, { action: "resume" }, options);
    const resumed = await finished(resume.deploymentId);
    expect(resumed.status, JSON.stringify((resumed.report as DeploymentReport).failures)).toBe("succeeded");
    expect([...(resumed.report as DeploymentReport).summary.resumed].sort()).toEqual(names);
    expect(Object.values(await liveStates(names))).toEqual(names.map(() => "RUNNING"));
    expect((await getChangeRequest(t.db, resume.id))?.status).toBe("deployed");
  });

  it("halts after N failures (connectors deleted behind Switchboard's back while it applies), leaving the rest untouched and reported", async () => {
    const names = created.filter((c) => c.name.includes("-halt-")).map((c) => c.name);
    // One connector a second, one at a time: steps run in name order, about a second apart.
    const { id, deploymentId } = await openAndDeploy({ labels: ["batch=halt"] }, { action: "pause" }, { concurrency: 1, ratePerSecond: 1, haltAfterFailures: 3 });
    // As soon as the worker has planned, someone deletes connectors 5 to 8 straight on Connect.
    await waitFor(async () => (await getDeployment(t.db, deploymentId))?.events.some((e) => (e as { type?: string }).type === "plan"), 60_000, "the deploy to be planned");
    const deleted = names.slice(5, 9);
    for (const name of deleted) await connect.deleteConnector(name);

    const d = await finished(deploymentId);
    const report = d.report as DeploymentReport;
    expect(d.status).toBe("failed");
    expect(report.failures[0]).toEqual({ name: "apply", kind: "halted", error: "halted after 3 failed steps; 4 connectors were not attempted and left untouched" });
    expect(report.failures.filter((f) => f.kind === "pause").map((f) => f.name)).toEqual(names.slice(5, 8));
    expect(report.summary.paused).toEqual(names.slice(0, 5));
    expect(report.notAttempted).toEqual(names.slice(8));
    expect(report.connectors.find((c) => c.name === names[10])).toMatchObject({ ok: false, recorded: false, reason: `not attempted: the apply halted before pause of ${names[10]}` });
    expect((await getChangeRequest(t.db, id))?.statusNote).toBe("apply: halted after 3 failed steps; 4 connectors were not attempted and left untouched");

    const live = await liveStates(names);
    for (const name of names.slice(0, 5)) expect(live[name], name).toBe("PAUSED");
    for (const name of deleted) expect(live[name], name).toBe("ABSENT");
    for (const name of names.slice(9)) expect(live[name], name).toBe("RUNNING");
    // The database records only what was verified: the untouched ones are still RUNNING there.
    const board = await as(owner).connector.board({ labels: ["batch=halt"], pageSize: 50, sort: { column: "name", direction: "asc" } });
    expect(board.items.map((i) => i.desiredState)).toEqual([...names.slice(0, 5).map(() => "PAUSED"), ...names.slice(5).map(() => "RUNNING")]);
  });

  it("restarts one task of each, then stops them, then deletes them, each in one approved change request", async () => {
    const names = created.filter((c) => c.name.includes("-ops-")).map((c) => c.name);
    const options = { concurrency: 3, ratePerSecond: 10, haltAfterFailures: 1 };
    const run = async (operation: Parameters<typeof openAndDeploy>[1]) => {
      const { deploymentId } = await openAndDeploy({ labels: ["batch=ops"] }, operation, options);
      const d = await finished(deploymentId);
      expect(d.status, JSON.stringify((d.report as DeploymentReport).failures)).toBe("succeeded");
      return d.report as DeploymentReport;
    };

    const restarted = await run({ action: "restart", taskId: 0 });
    expect([...restarted.summary.restarted].sort()).toEqual(names);
    expect(restarted.plan?.actions.filter((a) => a.kind === "restart").map((a) => a.reason)).toEqual(names.map(() => "restart of task 0 requested"));
    expect(Object.values(await liveStates(names))).toEqual(names.map(() => "RUNNING"));

    const stopped = await run({ action: "stop" });
    expect([...stopped.summary.stopped].sort()).toEqual(names);
    expect(Object.values(await liveStates(names))).toEqual(names.map(() => "STOPPED"));

    const deleted = await run({ action: "delete" });
    expect([...deleted.summary.removed].sort()).toEqual(names);
    expect(Object.values(await liveStates(names))).toEqual(names.map(() => "ABSENT"));
    expect((await as(owner).connector.board({ labels: ["batch=ops"] })).total).toBe(0);
  });
});
