/**
 * The status-topic watcher on the real stack's two Connect clusters, with the REST poll at 60 s: a
 * failing task reaches the incident and the owner's webhook within seconds (so through the topic), a
 * deleted connector ends its incident and health row, and two worker loops on one database keep
 * exactly one consumer per cluster, the other taking over when the holder stops.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector } from "@switchboard/db/repos/connectors";
import { listClusterHealth, listIncidents } from "@switchboard/db/repos/health";
import { acquireLease, leaseHolder } from "@switchboard/db/repos/leases";
import { addContact, addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { webManager } from "@switchboard/domain/change-pipeline";
import { parseWebhookAllowlist } from "@switchboard/domain/webhooks";
import { MASK } from "@switchboard/engine/secrets";
import { stampConfig } from "@switchboard/engine/managed";
import { putConnector, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "./loop";
import { createWebhookSender } from "./senders";
import { statusLeaseKey } from "./status-topic";
import { silentLog, waitFor } from "./worker.fixture";

const ep = testEndpoints();
const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
const SECRET = "s3cr3t-in-the-path";

let t: TestDb;
let server: Server;
let hookUrl: string;
const hooks: Array<{ at: number; text: string }> = [];
let clusterA: Cluster;
let clusterB: Cluster;
let teamId: string;

/** A worker loop with the webhook receiver allowed; `consuming` lists the clusters whose topic it reads. */
function runWorker(workerId: string) {
  const stop = new AbortController();
  const consuming = new Set<string>();
  const done = startWorker({
    db: t.db,
    workerId,
    signal: stop.signal,
    pollMs: 200,
    stopGraceMs: 2_000,
    statusLeaseMs: 3_000,
    onStatusConsuming: (id, on) => (on ? consuming.add(id) : consuming.delete(id)),
    services: { log: silentLog, publicUrl: "http://switchboard.test", postWebhook: createWebhookSender({ allowlist: parseWebhookAllowlist(new URL(hookUrl).host) }) },
  });
  return { consuming, stop: async () => (stop.abort(), await done) };
}

/** A managed FileStream sink whose file lies under a directory that does not exist: its task fails as it starts. */
async function createFailingSink(cluster: Cluster, name: string): Promise<{ id: string; putAt: number }> {
  const config = { "connector.class": FILE_SINK, "tasks.max": "1", topics: `${name}-in`, file: `/nonexistent-${SECRET}/out.txt` };
  const c = await createConnector(t.db, null, { name, clusterId: cluster.id, teamId, desiredState: "RUNNING", config, secrets: { "connection.password": SECRET } });
  const putAt = Date.now();
  await putConnector(name, stampConfig({ ...config, "connection.password": SECRET }, { id: c.id, version: 1, manager: webManager(cluster.id) }), cluster.connectUrls);
  return { id: c.id, putAt };
}

const healthPollsDone = (clusterId: string) => t.db.job.count({ where: { kind: "health", status: "done", payloadJson: { contains: clusterId } } });

beforeAll(async () => {
  await Promise.all([resetCluster(ep.connectUrls), resetCluster(ep.connectUrlsB)]);
  t = await createTestDb();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hooks.push({ at: Date.now(), text: (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string }).text });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const base = { environment: "dev", bootstrapServers: ep.bootstrap, approvalsRequired: 0, monitorIntervalSeconds: 60 };
  clusterA = await createCluster(t.db, null, { ...base, name: "local-a", connectUrls: ep.connectUrls, statusTopic: ep.statusTopic });
  clusterB = await createCluster(t.db, null, { ...base, name: "local-b", connectUrls: ep.connectUrlsB, statusTopic: ep.statusTopicB });
  const team = await createTeam(t.db, null, { name: "payments" });
  teamId = team.id;
  const owner = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  await addMember(t.db, null, team.id, owner.id);
  await addContact(t.db, null, { kind: "webhook", target: hookUrl, teamId: team.id });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t?.cleanup();
  await Promise.all([resetCluster(ep.connectUrls), resetCluster(ep.connectUrlsB)]);
});

describe("status topic watcher on two real Connect clusters, REST poll at 60 s", () => {
  it("keeps one consumer per cluster across two worker loops, and hands it over when the holder stops", async () => {
    const w1 = runWorker("st-worker-1");
    await waitFor(() => w1.consuming.size === 2, 30_000, "worker 1 to consume both status topics");
    const w2 = runWorker("st-worker-2");
    try {
      // Several lease periods: the second loop never starts a consumer while the first holds the leases.
      await new Promise((r) => setTimeout(r, 7_000));
      expect([...w1.consuming].sort()).toEqual([clusterA.id, clusterB.id].sort());
      expect(w2.consuming.size).toBe(0);
      expect(await leaseHolder(t.db, statusLeaseKey(clusterA.id))).toBe("st-worker-1");

      await w1.stop();
      expect(w1.consuming.size).toBe(0);
      await waitFor(() => w2.consuming.size === 2, 10_000, "worker 2 to take both status topics over");
      expect(await leaseHolder(t.db, statusLeaseKey(clusterB.id))).toBe("st-worker-2");

      // The new holder carries failures through the topic.
      const { id } = await createFailingSink(clusterA, "st-takeover-sink");
      const polls = await healthPollsDone(clusterA.id);
      await waitFor(async () => (await listIncidents(t.db, { connectorId: id, state: "open" })).total === 1, 10_000, "the incident after takeover");
      expect(await healthPollsDone(clusterA.id)).toBe(polls);
    } finally {
      await w1.stop();
      await w2.stop();
    }
  });

  it("takes a cluster over once the lease of a holder that died (never released) expires", async () => {
    // A holder that stopped renewing without releasing: its lease runs out 4 s from now.
    expect(await acquireLease(t.db, statusLeaseKey(clusterA.id), "dead-holder", 4_000)).toBe(true);
    const since = Date.now();
    const w = runWorker("st-worker-5");
    try {
      await waitFor(() => w.consuming.has(clusterB.id), 30_000, "the free cluster's consumer");
      expect(w.consuming.has(clusterA.id)).toBe(false);
      await waitFor(() => w.consuming.has(clusterA.id), 15_000, "the takeover");
      expect(Date.now() - since).toBeGreaterThanOrEqual(4_000);
      expect(await leaseHolder(t.db, statusLeaseKey(clusterA.id))).toBe("st-worker-5");
    } finally {
      await w.stop();
    }
  });

  it("brings a task failure to the incident and the owner's webhook within seconds, with the secret masked", async () => {
    const w = runWorker("st-worker-3");
    try {
      await waitFor(() => w.consuming.has(clusterB.id), 30_000, "the consumer");
      // The first poll runs as the loop starts; the next one is 60 s away.
      await waitFor(async () => (await healthPollsDone(clusterB.id)) >= 1, 30_000, "the first poll");
      const polls = await healthPollsDone(clusterB.id);

      const { id, putAt } = await createFailingSink(clusterB, "st-failing-sink-2");
      const incident = await waitFor(async () => (await listIncidents(t.db, { connectorId: id, state: "open" })).items[0], 10_000, "the incident");
      const hook = await waitFor(() => hooks.find((h) => h.text.includes("st-failing-sink-2")), 10_000, "the webhook");
      expect(hook.at - putAt).toBeLessThan(8_000);
      // No poll ran meanwhile: the topic carried it.
      expect(await healthPollsDone(clusterB.id)).toBe(polls);

      expect(incident.trace).toMatch(/FileStreamSinkTask/);
      expect(incident.trace).toContain(MASK);
      expect(incident.trace).not.toContain(SECRET);
      expect(hook.text).not.toContain(SECRET);
      const row = (await listClusterHealth(t.db, clusterB.id)).find((h) => h.connectorName === "st-failing-sink-2");
      expect(row).toMatchObject({ state: "FAILED", tasksFailed: 1, connectorId: id });
      expect(row?.lastTrace).not.toContain(SECRET);
    } finally {
      await w.stop();
    }
  });

  it("ends the incident and the health row of a deleted connector before any poll", async () => {
    const w = runWorker("st-worker-4");
    try {
      await waitFor(() => w.consuming.has(clusterB.id), 30_000, "the consumer");
      const name = "st-unmanaged-9";
      const config = { "connector.class": FILE_SINK, "tasks.max": "1", topics: "st-in", file: "/nonexistent-dir/out.txt" };
      await putConnector(name, config, ep.connectUrlsB);
      await waitFor(async () => (await listIncidents(t.db, { clusterId: clusterB.id, state: "open" })).items.find((i) => i.connectorName === name), 10_000, "the incident");
      const polls = await healthPollsDone(clusterB.id);

      const res = await fetch(`${ep.connectUrlsB[0]}/connectors/${name}`, { method: "DELETE" });
      expect(res.status).toBe(204);
      await waitFor(async () => (await listIncidents(t.db, { clusterId: clusterB.id, state: "open" })).items.every((i) => i.connectorName !== name), 10_000, "the incident to close");
      await waitFor(async () => (await listClusterHealth(t.db, clusterB.id)).every((h) => h.connectorName !== name), 10_000, "the health row to go");
      const closed = (await listIncidents(t.db, { clusterId: clusterB.id, state: "closed" })).items.find((i) => i.connectorName === name);
      expect(closed?.closedAt).toBeInstanceOf(Date);
      expect(await healthPollsDone(clusterB.id)).toBe(polls);
    } finally {
      await w.stop();
    }
  });
});
