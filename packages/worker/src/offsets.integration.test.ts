/**
 * Offsets as a change on the real stack: a MockSink that really consumed records (produced with
 * kafkajs) and committed its offsets; a reset through a change request (snapshot in the report, the
 * connector back RUNNING), specific offsets set and read back, and the rollback of that deployment
 * restoring the snapshot. Shares stack A: only connectors and topics named with this file's prefix
 * are touched.
 */
import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChangeRequest, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getConnector, type Connector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { rollbackConnector, rollbackDeployment } from "@switchboard/domain/rollback";
import { canonical } from "@switchboard/engine/offsets";
import type { ConnectorOffset } from "@switchboard/engine/port";
import type { ConnectClient } from "@switchboard/connect-client/client";
import { testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "./loop";
import { MOCK_SINK, silentLog, waitFor } from "./worker.fixture";

const { connectUrls, bootstrap } = testEndpoints();
const prefix = `sb-offsets-it-${randomBytes(3).toString("hex")}`;
const topic = `${prefix}-topic`;
const sinkName = `${prefix}-sink`;
// The records are plain text, not the workers' default JSON.
const STRING = "org.apache.kafka.connect.storage.StringConverter";

let t: TestDb;
let cluster: Cluster;
let client: ConnectClient;
let owner: SessionUser;
let approver: SessionUser;
let teamId: string;
let sinkId: string;
const stop = new AbortController();
let worker: Promise<void>;
const kafka = new Kafka({ clientId: prefix, brokers: [bootstrap], logLevel: logLevel.NOTHING });

const at = (partition: number, offset: number): ConnectorOffset => ({ partition: { kafka_topic: topic, kafka_partition: partition }, offset: { kafka_offset: offset } });
const sorted = (offsets: readonly ConnectorOffset[]) => offsets.map((o) => canonical(o)).sort();

/** Submitted by the owner, approved, deployed through the worker, finished. */
async function deployItems(title: string, items: ChangeItemInput[]): Promise<{ deploymentId: string; report: DeploymentReport; status: string }> {
  const cr = await createChangeRequest(t.db, owner.id, { clusterId: cluster.id, title, items });
  return deployDraft(cr.id);
}

async function deployDraft(id: string) {
  await submitForReview(t.db, owner, id);
  await review(t.db, approver, id, "approve", "");
  const { deploymentId } = await deploy(t.db, owner, id);
  const d = await waitFor(async () => {
    const x = await getDeployment(t.db, deploymentId);
    return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
  }, 150_000, `deployment of ${id}`);
  return { deploymentId, report: d.report as DeploymentReport, status: d.status };
}

async function sink(): Promise<Connector> {
  return (await getConnector(t.db, sinkId)) as Connector;
}

beforeAll(async () => {
  t = await createTestDb();
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, bootstrapServers: bootstrap, approvalsRequired: 1 });
  client = connectForCluster(cluster);
  const team = await createTeam(t.db, null, { name: "payments" });
  teamId = team.id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  const a = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  await addMember(t.db, null, team.id, o.id);
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  approver = (await getSessionUser(t.db, a.id)) as SessionUser;

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (const partition of [0, 1]) {
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `record ${i}` })) });
  }
  await producer.disconnect();

  worker = startWorker({
    db: t.db,
    workerId: "offsets-it-worker",
    signal: stop.signal,
    pollMs: 100,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { log: silentLog, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 2_000, pollIntervalMs: 500, verifyTimeoutMs: 90_000 } },
  });
}, 120_000);

afterAll(async () => {
  stop.abort();
  await worker;
  await client.deleteConnector(sinkName).catch(() => undefined);
  await client.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await t.cleanup();
}, 120_000);

describe("offsets as a change on the real stack", () => {
  it("a sink consumes the records and commits its offsets", async () => {
    const cr = await createChangeRequest(t.db, owner.id, {
      clusterId: cluster.id,
      title: "Add the sink",
      items: [{ action: "create", connectorName: sinkName, teamId, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: topic, "key.converter": STRING, "value.converter": STRING }, proposedState: "RUNNING" }],
    });
    sinkId = cr.items[0]!.id;
    const created = await deployDraft(cr.id);
    expect(created.status, JSON.stringify([created.report.error, created.report.failures])).toBe("succeeded");
    // The workers flush offsets every 2 s (offset.flush.interval.ms on the stack).
    await waitFor(async () => canonical(sorted(await client.getOffsets(sinkName))) === canonical(sorted([at(0, 10), at(1, 10)])), 60_000, "offsets 10/10 to be committed");
  }, 200_000);

  it("resets them through a change request: the snapshot is in the report, they are gone, and the connector is RUNNING again", async () => {
    const { status, report } = await deployItems("Reset the sink's offsets", [{ action: "reset_offsets", connectorName: sinkName, connectorId: sinkId, baseVersion: (await sink()).version, payload: { offsets: [] } }]);
    expect(status, JSON.stringify(report.failures)).toBe("succeeded");
    const outcome = report.offsets?.[0];
    expect(outcome).toMatchObject({ name: sinkName, kind: "reset", ok: true, after: [], restored: "RUNNING" });
    expect(sorted(outcome?.snapshot ?? [])).toEqual(sorted([at(0, 10), at(1, 10)]));
    expect(report.connectors.find((c) => c.name === sinkName)).toMatchObject({ ok: true, observed: "RUNNING" });
    expect((await client.getConnector(sinkName))?.state).toBe("RUNNING");
  }, 200_000);

  it("sets specific offsets (on the paused sink, which then consumes nothing) and reads them back equal; rolling back that deployment restores the snapshot", async () => {
    expect((await deployItems("Pause the sink", [{ action: "pause", connectorName: sinkName, connectorId: sinkId, baseVersion: (await sink()).version }])).status).toBe("succeeded");
    // Consumed again from the start after the reset; committed before the pause.
    await waitFor(async () => canonical(sorted(await client.getOffsets(sinkName))) === canonical(sorted([at(0, 10), at(1, 10)])), 60_000, "offsets 10/10 again");

    const wanted = [at(0, 3), at(1, 5)];
    const set = await deployItems("Replay part of the topic", [{ action: "set_offsets", connectorName: sinkName, connectorId: sinkId, baseVersion: (await sink()).version, payload: { offsets: wanted } }]);
    expect(set.status, JSON.stringify(set.report.failures)).toBe("succeeded");
    expect(set.report.offsets?.[0]).toMatchObject({ ok: true, restored: "PAUSED" });
    expect(sorted(set.report.offsets?.[0]?.snapshot ?? [])).toEqual(sorted([at(0, 10), at(1, 10)]));
    expect((await client.getConnector(sinkName))?.state).toBe("PAUSED");
    expect(sorted(await client.getOffsets(sinkName))).toEqual(sorted(wanted));

    const rollback = await rollbackDeployment(t.db, owner, set.deploymentId);
    const restored = await deployDraft(rollback.id);
    expect(restored.status, JSON.stringify(restored.report.failures)).toBe("succeeded");
    expect(sorted(await client.getOffsets(sinkName))).toEqual(sorted([at(0, 10), at(1, 10)]));
    expect((await client.getConnector(sinkName))?.state).toBe("PAUSED");
  }, 300_000);

  it("rolls the connector back to an earlier revision: config and desired state as approved then", async () => {
    const before = await sink();
    const config = { ...before.config, "consumer.override.max.poll.records": "50" };
    const updated = await deployItems("Smaller polls, running", [{ action: "update", connectorName: sinkName, connectorId: sinkId, baseVersion: before.version, proposedConfig: config, proposedState: "RUNNING" }]);
    expect(updated.status, JSON.stringify(updated.report.failures)).toBe("succeeded");
    expect((await client.getConnector(sinkName))?.config?.["consumer.override.max.poll.records"]).toBe("50");

    const rollback = await rollbackConnector(t.db, owner, await sink(), before.version);
    const restored = await deployDraft(rollback.id);
    expect(restored.status, JSON.stringify(restored.report.failures)).toBe("succeeded");
    const live = await client.getConnector(sinkName);
    expect(live?.config?.["consumer.override.max.poll.records"]).toBeUndefined();
    expect(live?.state).toBe("PAUSED");
    expect(await sink()).toMatchObject({ desiredState: "PAUSED", version: before.version + 2, config: before.config });
  }, 300_000);
});
