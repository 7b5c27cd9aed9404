/**
 * A real database source on the local stack (seed 004): Debezium's PostgreSQL connector, loaded from
 * the workers' plugin.path, created from the web app's template config through a change request and
 * the worker; rows inserted into a table of a fresh database on the stack's PostgreSQL are read from
 * the connector's topic with kafkajs. The database password is stored as a secret because the
 * cluster's validator types it PASSWORD.
 */
import { execFileSync } from "node:child_process";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { createDraft, deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "./loop";
import { silentLog, waitFor } from "./worker.fixture";

const { connectUrls, bootstrap } = testEndpoints();
// `pnpm test` passes the stack's PostgreSQL (admin URL) to every suite; without it this test cannot run.
const adminUrl = process.env.SWITCHBOARD_TEST_PG_URL;
const run = Date.now().toString(36);
const database = `sb_dbz_${run}`;
const slot = `sb_slot_${run}`;
const prefix = `sb-dbz-${run}`;
const PASSWORD = "dbz-password-not-for-logs";

function psql(sql: string, db = "postgres"): string {
  const url = new URL(adminUrl as string);
  url.pathname = `/${db}`;
  return execFileSync("psql", [url.toString(), "-v", "ON_ERROR_STOP=1", "-tAc", sql], { encoding: "utf8" }).trim();
}

let t: TestDb;
let cluster: Cluster;
let owner: SessionUser;
let approver: SessionUser;
let teamId: string;
const stop = new AbortController();
let worker: Promise<void>;

beforeAll(async () => {
  if (!adminUrl) throw new Error("SWITCHBOARD_TEST_PG_URL is not set: run this through `pnpm test`, or pass the stack's PostgreSQL admin URL");
  expect(psql("SHOW wal_level")).toBe("logical");
  await resetCluster(connectUrls);
  psql(`CREATE DATABASE ${database}`);
  psql("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, modified timestamptz NOT NULL DEFAULT now())", database);
  psql("INSERT INTO orders (item) VALUES ('before-the-connector')", database);

  t = await createTestDb();
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, bootstrapServers: bootstrap, approvalsRequired: 1, monitorIntervalSeconds: 60 });
  teamId = (await createTeam(t.db, null, { name: "payments" })).id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  await addMember(t.db, null, teamId, o.id);
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  const a = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  approver = (await getSessionUser(t.db, a.id)) as SessionUser;
  worker = startWorker({
    db: t.db,
    workerId: "dbz-it-worker",
    signal: stop.signal,
    pollMs: 100,
    services: { log: silentLog, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 2_000, pollIntervalMs: 500, verifyTimeoutMs: 120_000 } },
  });
});

afterAll(async () => {
  stop.abort();
  await worker;
  await t?.cleanup();
  await resetCluster(connectUrls);
  if (!adminUrl) return;
  // The slot outlives the connector (Debezium keeps it for a restart); it is dropped once its task let go of it.
  await waitFor(() => {
    try {
      psql(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}' AND NOT active`);
      return psql(`SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${slot}'`) === "0";
    } catch {
      return false;
    }
  }, 60_000, "the replication slot to be released");
  psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describe("Debezium PostgreSQL source on the real stack", () => {
  it("is created through a change request from the template, and streams inserted rows to its topic", async () => {
    const port = new URL(adminUrl as string).port;
    // The web app's "PostgreSQL source (Debezium)" template, filled in.
    const config = {
      "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
      "tasks.max": "1",
      "database.hostname": "127.0.0.1",
      "database.port": port,
      "database.user": "postgres",
      "database.password": PASSWORD,
      "database.dbname": database,
      "topic.prefix": prefix,
      "plugin.name": "pgoutput",
      "slot.name": slot,
      "publication.autocreate.mode": "filtered",
      "table.include.list": "public.orders",
    };
    const connect = connectForCluster(cluster);
    let deploymentId: string;
    try {
      const { id } = await createDraft(t.db, owner, { clusterId: cluster.id, title: "Orders to Kafka", rationale: "Seed 004", items: [{ action: "create", teamId, name: `sb-dbz-orders-${run}`, desiredState: "RUNNING", config }] }, connect);
      const item = (await getChangeRequest(t.db, id))?.items[0];
      expect(item?.proposedSecretKeys).toContain("database.password");
      expect(JSON.stringify(item?.proposedConfig)).not.toContain(PASSWORD);
      await submitForReview(t.db, owner, id);
      await review(t.db, approver, id, "approve", "");
      ({ deploymentId } = await deploy(t.db, owner, id, connect));
    } finally {
      await connect.close();
    }
    const d = await waitFor(async () => {
      const x = await getDeployment(t.db, deploymentId);
      return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
    }, 200_000, "the deployment to finish");
    expect(d.status, JSON.stringify(d.report)).toBe("succeeded");
    expect(JSON.stringify(d)).not.toContain(PASSWORD);

    psql("INSERT INTO orders (item) VALUES ('first-after'), ('second-after')", database);

    const kafka = new Kafka({ brokers: [bootstrap], clientId: "dbz-it", logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `dbz-it-${run}` });
    const seen: Array<{ op: string; item: string }> = [];
    await consumer.connect();
    try {
      const topic = `${prefix}.public.orders`;
      // The snapshot creates the topic; subscribing before that would miss it.
      const admin = kafka.admin();
      await admin.connect();
      await waitFor(async () => (await admin.listTopics()).includes(topic), 60_000, `topic ${topic}`).finally(() => admin.disconnect());
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value?.toString() ?? "null") as { op: string; after: { item: string } | null } | null;
          if (value?.after) seen.push({ op: value.op, item: value.after.item });
        },
      });
      await waitFor(() => seen.length >= 3, 90_000, "three rows on the topic");
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual([
      { op: "r", item: "before-the-connector" },
      { op: "c", item: "first-after" },
      { op: "c", item: "second-after" },
    ]);
  });
});
