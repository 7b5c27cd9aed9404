/**
 * Three worker replicas (the worker's own entry point, three real processes) sharing one PostgreSQL
 * database and the two real Connect clusters of the local stack: every deploy runs exactly once and
 * never two at a time on one cluster; a replica killed in the middle of a deploy leaves it to another
 * that ends it; and each cluster is polled once per interval whatever the number of replicas.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChangeRequest, getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { env as dbEnv } from "@switchboard/db/env";
import { createPostgresTestDb, type TestDb } from "@switchboard/db/testing";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { spawnWorkerProcess, stopProcess } from "./process.fixture";
import { MOCK_SINK, waitFor } from "./worker.fixture";

const ep = testEndpoints();
const LEASE_MS = 3_000;
const POLL_SECONDS = 2;

let t: TestDb;
let clusters: [Cluster, Cluster];
let owner: SessionUser;
let approver: SessionUser;
let teamId: string;
const replicas = new Set<ChildProcess>();

/** One replica: the worker's entry point as its own process, on the shared PostgreSQL database. */
function startReplica(): ChildProcess {
  const child = spawnWorkerProcess(t.url, { SWITCHBOARD_WORKER_POLL_MS: "100", SWITCHBOARD_WORKER_LEASE_MS: String(LEASE_MS) });
  replicas.add(child);
  child.once("exit", () => replicas.delete(child));
  return child;
}

/** A change request creating `names` on `cluster`, approved and queued through the real use cases. */
async function queueDeploy(cluster: Cluster, names: string[]): Promise<{ changeRequestId: string; deploymentId: string; jobId: string }> {
  const items = names.map((name) => ({
    action: "create" as const,
    connectorName: name,
    teamId,
    proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "sb-replicas" },
    proposedState: "RUNNING" as const,
  }));
  const cr = await createChangeRequest(t.db, owner.id, { clusterId: cluster.id, title: `Add ${names.join(", ")}`, items });
  await submitForReview(t.db, owner, cr.id);
  await review(t.db, approver, cr.id, "approve", "");
  return { changeRequestId: cr.id, ...(await deploy(t.db, owner, cr.id)) };
}

const ended = (deploymentId: string, timeoutMs = 180_000): Promise<Deployment> =>
  waitFor(
    async () => {
      const d = await getDeployment(t.db, deploymentId);
      return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
    },
    timeoutMs,
    `deployment ${deploymentId} to end`,
  );

beforeAll(async () => {
  if (!dbEnv.SWITCHBOARD_TEST_PG_URL) throw new Error("This suite runs on PostgreSQL: set SWITCHBOARD_TEST_PG_URL (pnpm test starts the server and sets it).");
  await Promise.all([resetCluster(ep.connectUrls), resetCluster(ep.connectUrlsB)]);
  t = await createPostgresTestDb(dbEnv.SWITCHBOARD_TEST_PG_URL);
  const base = { environment: "dev", approvalsRequired: 1, monitorIntervalSeconds: POLL_SECONDS };
  clusters = [
    await createCluster(t.db, null, { ...base, name: "local", connectUrls: ep.connectUrls }),
    await createCluster(t.db, null, { ...base, name: "local-b", connectUrls: ep.connectUrlsB }),
  ];
  teamId = (await createTeam(t.db, null, { name: "payments" })).id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive", role: "owner" });
  await addMember(t.db, null, teamId, o.id);
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  approver = (await getSessionUser(t.db, (await createUser(t.db, null, { email: "approver@example.com", name: "Alex", role: "approver" })).id)) as SessionUser;
});
afterEach(async () => {
  for (const child of [...replicas]) await stopProcess(child);
});
afterAll(async () => {
  await t?.cleanup();
  await Promise.all([resetCluster(ep.connectUrls), resetCluster(ep.connectUrlsB)]);
});

describe("three replicas on one PostgreSQL database", () => {
  it("run 30 deploys over two clusters each exactly once, never two at a time on one cluster", async () => {
    const queued = [];
    for (let i = 0; i < 30; i++) queued.push(await queueDeploy(clusters[i % 2]!, [`sb-rep-${i}`]));
    for (let i = 0; i < 3; i++) startReplica();

    const deployments = await Promise.all(queued.map((q) => ended(q.deploymentId)));
    for (const d of deployments) expect(d.status, JSON.stringify((d.report as DeploymentReport | null)?.failures)).toBe("succeeded");
    const jobs = await t.db.job.findMany({ where: { id: { in: queued.map((q) => q.jobId) } }, select: { attempts: true, status: true } });
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual(queued.map(() => ["done", 1]));
    for (const d of deployments) expect(d.events.filter((e) => (e as { type: string }).type === "deploy-start")).toHaveLength(1);

    for (const cluster of clusters) {
      const runs = deployments.filter((d) => d.clusterId === cluster.id).sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
      expect(runs).toHaveLength(15);
      for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finishedAt!.getTime());
    }
    for (const q of queued) expect((await getChangeRequest(t.db, q.changeRequestId))?.status).toBe("deployed");
  });

  it("finish a deploy whose replica was killed in the middle of it", async () => {
    const names = Array.from({ length: 6 }, (_, i) => `sb-rep-kill-${i}`);
    const { changeRequestId, deploymentId, jobId } = await queueDeploy(clusters[0], names);
    const started = [startReplica(), startReplica(), startReplica()];
    const holder = await waitFor(
      async () => {
        const [job, d] = await Promise.all([t.db.job.findUnique({ where: { id: jobId }, select: { leaseOwner: true } }), getDeployment(t.db, deploymentId)]);
        return job?.leaseOwner && d?.events.some((e) => (e as { type: string }).type === "step-done") ? job.leaseOwner : undefined;
      },
      60_000,
      "a replica to start applying",
    );
    const victim = started.find((c) => holder.endsWith(`:${c.pid}`));
    expect(victim, `the lease owner ${holder} is one of the replicas`).toBeDefined();
    await stopProcess(victim!);

    const d = await ended(deploymentId);
    expect(d.status, JSON.stringify((d.report as DeploymentReport | null)?.failures)).toBe("succeeded");
    expect((d.report as DeploymentReport).attempts).toBe(2);
    expect((await getChangeRequest(t.db, changeRequestId))?.status).toBe("deployed");
  });

  it("poll each cluster once per interval, not once per replica", async () => {
    for (let i = 0; i < 3; i++) startReplica();
    await new Promise((r) => setTimeout(r, 3_000));
    const from = new Date();
    const windowMs = 12_000;
    await new Promise((r) => setTimeout(r, windowMs));
    const to = new Date();
    for (const cluster of clusters) {
      const polls = await t.db.job.findMany({
        where: { kind: "health", status: "done", payloadJson: JSON.stringify({ clusterId: cluster.id }), finishedAt: { gte: from, lte: to } },
        select: { finishedAt: true },
      });
      // Each poll queues the next one interval after it ends: at most one per interval, however many replicas.
      expect(polls.length).toBeGreaterThanOrEqual(3);
      expect(polls.length).toBeLessThanOrEqual(windowMs / 1000 / POLL_SECONDS + 1);
    }
    expect(await t.db.job.count({ where: { kind: "health", status: { in: ["queued", "running"] } } })).toBe(2);
  });
});
