/**
 * Topic change items on the real stack, through the use cases and the worker: a topic created by a
 * change request (seen with the kafkajs admin), a connector whose declared topic the same change
 * creates (the topic exists, with its partitions, before the connector starts), and a deletion that
 * happens only through an explicit item.
 */
import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { createDraft, deploy, review, submitForReview, type CreateInput } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "./loop";
import { silentLog, waitFor } from "./worker.fixture";

const { connectUrls, bootstrap } = testEndpoints();
const run = Date.now().toString(36);
const FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

let t: TestDb;
let cluster: Cluster;
let teamId: string;
let owner: SessionUser;
let approver: SessionUser;
let admin: Admin;
const stop = new AbortController();
let worker: Promise<void>;

beforeAll(async () => {
  await resetCluster(connectUrls);
  t = await createTestDb();
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, bootstrapServers: bootstrap, approvalsRequired: 1, monitorIntervalSeconds: 60 });
  teamId = (await createTeam(t.db, null, { name: "payments" })).id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  await addMember(t.db, null, teamId, o.id);
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  const a = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  approver = (await getSessionUser(t.db, a.id)) as SessionUser;
  admin = new Kafka({ brokers: [bootstrap], clientId: "topic-items-it", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  worker = startWorker({
    db: t.db,
    workerId: "topics-it-worker",
    signal: stop.signal,
    pollMs: 100,
    services: { log: silentLog, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 1_000, pollIntervalMs: 500, verifyTimeoutMs: 90_000 } },
  });
});

afterAll(async () => {
  stop.abort();
  await worker;
  await admin?.disconnect();
  await t?.cleanup();
  await resetCluster(connectUrls);
});

/** Writes, submits, approves (another user) and deploys a change request; returns its finished deployment. */
async function deployChange(items: CreateInput["items"]) {
  const connect = connectForCluster(cluster);
  try {
    const { id } = await createDraft(t.db, owner, { clusterId: cluster.id, title: "Topics", rationale: "Integration test", items }, connect);
    await submitForReview(t.db, owner, id);
    await review(t.db, approver, id, "approve", "");
    const { deploymentId } = await deploy(t.db, owner, id, connect);
    return await waitFor(async () => {
      const d = await getDeployment(t.db, deploymentId);
      return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
    }, 150_000, "the deployment to finish");
  } finally {
    await connect.close();
  }
}

async function partitionsOf(topic: string): Promise<number | null> {
  if (!(await admin.listTopics()).includes(topic)) return null;
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  return meta.topics[0]?.partitions.length ?? null;
}

describe("topic items on the real stack", () => {
  it("creates a topic through a change request, with its partitions and configs", async () => {
    const topic = `sb-it-topic-${run}`;
    const d = await deployChange([{ action: "create_topic", teamId, name: topic, partitions: 3, replicationFactor: 1, config: { "cleanup.policy": "compact" } }]);
    expect(d.status, JSON.stringify(d.report)).toBe("succeeded");
    expect((d.report as DeploymentReport).summary.topicsCreated).toEqual([topic]);
    expect(await partitionsOf(topic)).toBe(3);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ["cleanup.policy"] }] });
    expect(configs.resources[0]?.configEntries.find((e) => e.configName === "cleanup.policy")?.configValue).toBe("compact");
  });

  it("creates a connector's declared topic before the connector starts", async () => {
    const topic = `sb-it-declared-${run}`;
    const d = await deployChange([
      { action: "create_topic", teamId, name: topic, partitions: 4, replicationFactor: 1 },
      // A source writing to the topic: had it started first, Kafka would have auto-created the topic with one partition.
      { action: "create", teamId, name: `sb-it-source-${run}`, desiredState: "RUNNING", config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file: "/etc/hostname", topic } },
    ]);
    expect(d.status, JSON.stringify(d.report)).toBe("succeeded");
    expect(await partitionsOf(topic)).toBe(4);
    const events = d.events as Array<{ type: string; name?: string; kind?: string; created?: string[] }>;
    const topicsAt = events.findIndex((e) => e.type === "topics" && e.created?.includes(topic));
    const createAt = events.findIndex((e) => e.type === "step-start" && e.kind === "create");
    expect(topicsAt).toBeGreaterThanOrEqual(0);
    expect(createAt).toBeGreaterThan(topicsAt);
  });

  it("deletes a topic only through an explicit item", async () => {
    const topic = `sb-it-doomed-${run}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    // A change that does not ask for it leaves the topic alone, even though nothing uses it.
    const other = await deployChange([{ action: "create_topic", teamId, name: `sb-it-bystander-${run}`, partitions: 1, replicationFactor: 1 }]);
    expect(other.status).toBe("succeeded");
    expect((other.report as DeploymentReport).summary.topicsDeleted).toEqual([]);
    expect(await partitionsOf(topic)).toBe(1);

    const d = await deployChange([{ action: "delete_topic", teamId, name: topic }]);
    expect(d.status, JSON.stringify(d.report)).toBe("succeeded");
    expect((d.report as DeploymentReport).plan?.topicsToDelete).toEqual([topic]);
    expect((d.report as DeploymentReport).summary.topicsDeleted).toEqual([topic]);
    await waitFor(async () => !(await admin.listTopics()).includes(topic), 30_000, "the topic to disappear");
  });

  it("refuses to queue the deletion of a topic a live connector uses, and deletes nothing", async () => {
    const topic = `sb-it-declared-${run}`; // the source of the second test still writes to it
    await expect(deployChange([{ action: "delete_topic", teamId, name: topic }])).rejects.toThrow(
      new RegExp(`Nothing was queued: topic ${topic} is not deleted: connector sb-it-source-${run} uses it`),
    );
    expect(await partitionsOf(topic)).toBe(4);
  });
});
