/**
 * Moving connectors between the two local Connect clusters (A: SWITCHBOARD_CONNECT, B:
 * SWITCHBOARD_CONNECT_B) through change requests and the worker: a FileStreamSink and a
 * FileStreamSource keep their place (records before and after the move reach the output exactly once),
 * and a move whose name is taken on B, or whose target does not answer, leaves the source as it
 * was. Shares stack A: only connectors and topics named with this file's prefix are touched.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, getConnector, markConnectorDeployed, type Connector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { webManager } from "@switchboard/domain/change-pipeline";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import type { ConnectClient } from "@switchboard/connect-client/client";
import { readMark, stampConfig } from "@switchboard/engine/managed";
import { putConnector, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "./loop";
import { MOCK_SINK, silentLog, waitFor } from "./worker.fixture";

const { connectUrls, connectUrlsB, bootstrap } = testEndpoints();
const prefix = `sb-move-it-${randomBytes(3).toString("hex")}`;
// Plain text records, not the workers' default JSON.
const STRING = "org.apache.kafka.connect.storage.StringConverter";
const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
const FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

let t: TestDb;
let a: Cluster;
let b: Cluster;
let clientA: ConnectClient;
let clientB: ConnectClient;
let owner: SessionUser;
let approver: SessionUser;
let teamId: string;
let dir: string;
const stop = new AbortController();
let worker: Promise<void>;
const kafka = new Kafka({ clientId: prefix, brokers: [bootstrap], logLevel: logLevel.NOTHING });
const producer = kafka.producer();

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  a = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, bootstrapServers: bootstrap, approvalsRequired: 1 });
  b = await createCluster(t.db, null, { name: "local-b", environment: "dev", connectUrls: connectUrlsB, bootstrapServers: bootstrap, approvalsRequired: 1 });
  clientA = connectForCluster(a);
  clientB = connectForCluster(b);
  const team = await createTeam(t.db, null, { name: "payments" });
  teamId = team.id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  const ap = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  await addMember(t.db, null, team.id, o.id);
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  approver = (await getSessionUser(t.db, ap.id)) as SessionUser;
  await producer.connect();
  worker = startWorker({
    db: t.db,
    workerId: "move-it-worker",
    signal: stop.signal,
    pollMs: 100,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { log: silentLog, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 2_000, pollIntervalMs: 500, verifyTimeoutMs: 90_000 } },
  });
});

afterAll(async () => {
  stop.abort();
  await worker;
  await producer.disconnect();
  // Only this file's connectors, on both clusters.
  for (const client of [clientA, clientB]) {
    for (const name of (await client.listConnectorNames()).filter((n) => n.startsWith(prefix))) await client.deleteConnector(name).catch(() => undefined);
    await client.close();
  }
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((n) => n.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** A connector on cluster A as a deploy would leave it: the database row and the stamped live copy. */
async function deployedOnA(name: string, config: Record<string, string>): Promise<Connector> {
  const c = await createConnector(t.db, null, { name, clusterId: a.id, teamId, desiredState: "RUNNING", config, secrets: {} });
  await markConnectorDeployed(t.db, null, c.id, 1);
  await putConnector(name, stampConfig(config, { id: c.id, version: 1, manager: webManager(a.id) }), connectUrls);
  await waitFor(async () => (await clientA.getConnector(name))?.tasks.some((task) => task.state === "RUNNING"), 60_000, `${name} running on A`);
  return c;
}

/** A move of `c` to `target`: written by the owner, approved, deployed by the worker, finished. */
async function move(c: Connector, target: Cluster): Promise<{ status: string; report: DeploymentReport }> {
  const cr = await createChangeRequest(t.db, owner.id, { clusterId: a.id, title: `Move ${c.name}`, items: [{ action: "move", connectorId: c.id, connectorName: c.name, baseVersion: c.version, payload: { targetClusterId: target.id } }] });
  await submitForReview(t.db, owner, cr.id);
  await review(t.db, approver, cr.id, "approve", "");
  const { deploymentId } = await deploy(t.db, owner, cr.id);
  const d = await waitFor(async () => {
    const x = await getDeployment(t.db, deploymentId);
    return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
  }, 300_000, "the move to finish");
  const report = d.report as DeploymentReport;
  // A figure for the docs, not an assertion: how long a move takes on the local stack.
  console.info(`move of ${c.name}: ${d.status} in ${Date.parse(report.finishedAt) - Date.parse(report.startedAt ?? report.finishedAt)} ms`);
  return { status: d.status, report };
}

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter((l) => l !== "");

function expectEachOnce(got: string[], expected: string[]): void {
  expect(got.length).toBe(expected.length);
  expect([...got].sort()).toEqual([...expected].sort());
}

async function produce(topic: string, values: string[]): Promise<void> {
  // Round-robin over the partitions by key, so both partitions carry offsets.
  await producer.send({ topic, messages: values.map((value, i) => ({ key: String(i % 2), value })) });
}

describe("moving a connector between the two local clusters", () => {
  it("moves a FileStreamSink: records produced before and after the move reach its file exactly once", { timeout: 360_000 }, async () => {
    const topic = `${prefix}-sink-topic`;
    const out = join(dir, "sink.txt");
    await createTopic(topic, 2);
    const before = Array.from({ length: 30 }, (_, i) => `before-${i}`);
    const after = Array.from({ length: 20 }, (_, i) => `after-${i}`);
    await produce(topic, before);
    const name = `${prefix}-sink`;
    const sink = await deployedOnA(name, { "connector.class": FILE_SINK, "tasks.max": "1", topics: topic, file: out, "value.converter": STRING, "key.converter": STRING });
    await waitFor(() => lines(out).length >= before.length, 60_000, "the sink to write the first records");
    const committed = async () => (await clientA.getOffsets(name)).reduce((n, o) => n + Number(o.offset?.kafka_offset ?? 0), 0);
    await waitFor(async () => (await committed()) === before.length, 60_000, "the sink to commit its offsets");
    const offsetsOnA = await clientA.getOffsets(name);

    const { status, report } = await move(sink, b);
    expect(status, report.error ?? JSON.stringify(report.moves)).toBe("succeeded");
    const m = report.moves?.[0];
    expect(m).toMatchObject({ ok: true, offsets: 2, from: { name: "local" }, to: { name: "local-b" }, source: { final: "ABSENT" }, target: { final: "RUNNING" } });
    expect(m?.target.steps.map((s) => s.step)).toEqual(["read", "create", "write-offsets", "start"]);
    expect(await clientA.getConnector(name)).toBeNull();
    const onB = await clientB.getConnector(name);
    expect(onB?.state).toBe("RUNNING");
    expect(readMark(onB?.config ?? null)).toEqual({ id: sink.id, version: 2, manager: webManager(b.id) });
    expect(await getConnector(t.db, sink.id)).toMatchObject({ clusterId: b.id, version: 2, deployedVersion: 2 });
    // What was read on A is what B starts from (sorted: Connect lists partitions in no fixed order).
    const key = (o: { partition: Record<string, unknown> }) => JSON.stringify(o.partition);
    expect((await clientB.getOffsets(name)).sort((x, y) => key(x).localeCompare(key(y)))).toEqual([...offsetsOnA].sort((x, y) => key(x).localeCompare(key(y))));

    await produce(topic, after);
    await waitFor(() => lines(out).length >= before.length + after.length, 60_000, "the moved sink to write the later records");
    // Two flush intervals more: a duplicate written late would show now.
    await new Promise((r) => setTimeout(r, 5_000));
    expectEachOnce(lines(out), [...before, ...after]);
  });

  it("moves a FileStreamSource: its file position goes with it, so no line is read twice or skipped", { timeout: 360_000 }, async () => {
    const topic = `${prefix}-source-topic`;
    const input = join(dir, "source.txt");
    await createTopic(topic, 1);
    const before = Array.from({ length: 25 }, (_, i) => `line-before-${i}`);
    const after = Array.from({ length: 15 }, (_, i) => `line-after-${i}`);
    writeFileSync(input, before.map((l) => `${l}\n`).join(""));
    const name = `${prefix}-source`;
    const source = await deployedOnA(name, { "connector.class": FILE_SOURCE, "tasks.max": "1", topic, file: input, "value.converter": STRING, "key.converter": STRING });
    // The source has read the whole file once its committed position is the file's length.
    const size = readFileSync(input).length;
    await waitFor(async () => (await clientA.getOffsets(name)).some((o) => Number(o.offset?.position) === size), 60_000, "the source to commit its position");

    const { status, report } = await move(source, b);
    expect(status, report.error ?? JSON.stringify(report.moves)).toBe("succeeded");
    expect(report.moves?.[0]).toMatchObject({ ok: true, offsets: 1 });
    expect(await clientB.getOffsets(name)).toEqual([{ partition: { filename: input }, offset: { position: size } }]);

    appendFileSync(input, after.map((l) => `${l}\n`).join(""));
    const consumed = await readTopic(topic, before.length + after.length);
    expectEachOnce(consumed, [...before, ...after]);
  });

  it("leaves the source as it was when the name is taken on the target, naming the holder", { timeout: 180_000 }, async () => {
    const name = `${prefix}-taken`;
    const c = await deployedOnA(name, { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${prefix}-taken-topic` });
    await putConnector(name, { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${prefix}-elsewhere` }, connectUrlsB);

    const { status, report } = await move(c, b);
    expect(status).toBe("failed");
    expect(report.moves?.[0]).toMatchObject({ ok: false, conflict: { code: "NAME_TAKEN" }, source: { final: "RUNNING" } });
    expect(report.moves?.[0]?.source.steps.map((s) => s.step)).toEqual(["read"]);
    expect((await clientA.getConnector(name))?.state).toBe("RUNNING");
    expect((await clientB.getConnector(name))?.config?.topics).toBe(`${prefix}-elsewhere`);
    expect(await getConnector(t.db, c.id)).toMatchObject({ clusterId: a.id, version: 1 });
  });

  it("leaves the source as it was when the target cluster does not answer", { timeout: 180_000 }, async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const gone = await createCluster(t.db, null, { name: "gone", environment: "dev", connectUrls: ["http://127.0.0.1:9"], approvalsRequired: 1, requestTimeoutSeconds: 2 });
    const name = `${prefix}-unreachable`;
    const c = await deployedOnA(name, { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${prefix}-unreachable-topic` });

    const { status, report } = await move(c, gone);
    expect(status).toBe("failed");
    expect(report.moves?.[0]?.error).toMatch(/read on the target cluster failed.*nothing was changed/);
    const live = await clientA.getConnector(name);
    expect(live?.state).toBe("RUNNING");
    expect(readMark(live?.config ?? null)).toEqual({ id: c.id, version: 1, manager: webManager(a.id) });
    expect(await getConnector(t.db, c.id)).toMatchObject({ clusterId: a.id, version: 1 });
  });
});

/** Reads a topic from the start until `count` records arrived, then a little longer to catch extras. */
async function readTopic(topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${prefix}-reader-${randomBytes(3).toString("hex")}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString("utf8") ?? "") });
    await waitFor(() => values.length >= count, 90_000, `${count} records on ${topic}`);
    await new Promise((r) => setTimeout(r, 5_000));
    return values;
  } finally {
    await consumer.disconnect();
  }
}
