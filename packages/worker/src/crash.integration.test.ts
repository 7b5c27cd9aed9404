/**
 * No state can be stuck: the worker process (its real entry point) is killed with SIGKILL in the
 * middle of a deploy on the real stack and started again. The deploy is taken up again once the
 * lease expires and ends deployed, applied once; a deploy killed on its last attempt ends failed
 * with the reason, and can then be retried.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChangeRequest, getChangeRequest, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import { createTeam } from "@switchboard/db/repos/teams";
import { addMember } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createConnectClient } from "@switchboard/connect-client/client";
import { deploy, retryDeploy, review, submitForReview } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { spawnWorkerProcess, stopProcess } from "./process.fixture";
import { MOCK_SINK, waitFor } from "./worker.fixture";

const { connectUrls } = testEndpoints();
const LEASE_MS = 3_000;

let t: TestDb;
let cluster: Cluster;
let owner: SessionUser;
let approver: SessionUser;
let teamId: string;
const children = new Set<ChildProcess>();

/** The worker's own entry point in a process of its own, on the test database. */
function startWorkerProcess(): ChildProcess {
  const child = spawnWorkerProcess(t.url, { SWITCHBOARD_WORKER_POLL_MS: "100", SWITCHBOARD_WORKER_LEASE_MS: String(LEASE_MS) });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function queued(title: string, names: string[]): Promise<{ changeRequestId: string; deploymentId: string; jobId: string }> {
  const items: ChangeItemInput[] = names.map((name) => ({ action: "create", connectorName: name, teamId, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "sb-crash" }, proposedState: "RUNNING" }));
  const cr = await createChangeRequest(t.db, owner.id, { clusterId: cluster.id, title, items });
  await submitForReview(t.db, owner, cr.id);
  await review(t.db, approver, cr.id, "approve", "");
  return { changeRequestId: cr.id, ...(await deploy(t.db, owner, cr.id)) };
}

const events = async (deploymentId: string) => ((await getDeployment(t.db, deploymentId))?.events ?? []).map((e) => (e as { type: string }).type);
const ended = (deploymentId: string): Promise<Deployment> =>
  waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 120_000, `deployment ${deploymentId} to end`);

beforeAll(async () => {
  await resetCluster(connectUrls);
  t = await createTestDb();
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, approvalsRequired: 1 });
  teamId = (await createTeam(t.db, null, { name: "payments" })).id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive", role: "owner" });
  await addMember(t.db, null, teamId, o.id);
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  approver = (await getSessionUser(t.db, (await createUser(t.db, null, { email: "approver@example.com", name: "Alex", role: "approver" })).id)) as SessionUser;
});
afterEach(async () => {
  for (const child of children) await stopProcess(child);
});
afterAll(async () => {
  await t.cleanup();
  await resetCluster(connectUrls);
});

describe("a worker process killed mid-deploy", () => {
  it("is replaced by a new process that takes the deploy up again and ends it deployed, each connector applied once", async () => {
    const names = Array.from({ length: 6 }, (_, i) => `sb-crash-${i}`);
    const { changeRequestId, deploymentId } = await queued("Six sinks", names);
    const first = startWorkerProcess();
    await waitFor(async () => (await events(deploymentId)).includes("step-done"), 60_000, "the first worker to start applying");
    await stopProcess(first);
    expect((await getDeployment(t.db, deploymentId))?.status).toBe("running");
    expect((await getChangeRequest(t.db, changeRequestId))?.status).toBe("deploying");

    startWorkerProcess();
    const d = await ended(deploymentId);
    expect(d.status, JSON.stringify((d.report as DeploymentReport | null)?.failures)).toBe("succeeded");
    expect(await events(deploymentId)).toContain("resumed");
    expect((d.report as DeploymentReport).attempts).toBe(2);
    expect((await getChangeRequest(t.db, changeRequestId))?.status).toBe("deployed");
    const client = createConnectClient({ urls: connectUrls, timeoutMs: 30_000 });
    try {
      const live = (await client.listConnectors()).filter((c) => c.name.startsWith("sb-crash-"));
      expect(live.map((c) => c.name).sort()).toEqual(names);
      expect(new Set(live.map((c) => c.config?.["switchboard.id"])).size).toBe(names.length);
    } finally {
      await client.close();
    }
  });

  it("on its last attempt ends the deployment and the change request failed with the reason, and a retry deploys it", async () => {
    const { changeRequestId, deploymentId, jobId } = await queued("Two more sinks", ["sb-crash-last-0", "sb-crash-last-1"]);
    await t.db.job.update({ where: { id: jobId }, data: { maxAttempts: 1 } });
    const first = startWorkerProcess();
    await waitFor(async () => (await events(deploymentId)).includes("plan"), 60_000, "the worker to start applying");
    await stopProcess(first);

    startWorkerProcess();
    const d = await ended(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toMatch(/lease expired/);
    expect(await getChangeRequest(t.db, changeRequestId)).toMatchObject({ status: "failed", statusNote: expect.stringMatching(/lease expired/) });

    const retry = await retryDeploy(t.db, owner, changeRequestId);
    expect((await ended(retry.deploymentId)).status).toBe("succeeded");
    expect((await getChangeRequest(t.db, changeRequestId))?.status).toBe("deployed");
  });
});
