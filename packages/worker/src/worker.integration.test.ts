/**
 * The worker against the real local stack: a change request deployed through the job queue, then a
 * failing connector noticed by the health monitor and reported to a real local webhook receiver.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChangeRequest, getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, getConnector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { listIncidents } from "@switchboard/db/repos/health";
import { listNotifications } from "@switchboard/db/repos/notifications";
import { addContact, addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { stampConfig } from "@switchboard/engine/managed";
import { putConnector, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { webManager } from "@switchboard/domain/change-pipeline";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { parseWebhookAllowlist } from "@switchboard/domain/webhooks";
import { startWorker } from "./loop";
import { createWebhookSender } from "./senders";
import { MOCK_SINK, silentLog, waitFor } from "./worker.fixture";

const { connectUrls, bootstrap } = testEndpoints();

let t: TestDb;
let server: Server;
let hookUrl: string;
const hooks: Array<{ text: string; blocks: unknown[] }> = [];
const stop = new AbortController();
let cluster: Cluster;
let teamId: string;
let ownerId: string;
let approverId: string;
let worker: Promise<void>;

beforeAll(async () => {
  await resetCluster(connectUrls);
  t = await createTestDb();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hooks.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string; blocks: unknown[] });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, bootstrapServers: bootstrap, approvalsRequired: 1, monitorIntervalSeconds: 2 });
  const team = await createTeam(t.db, null, { name: "payments" });
  teamId = team.id;
  const owner = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  const approver = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  ownerId = owner.id;
  approverId = approver.id;
  await addMember(t.db, null, team.id, owner.id);
  await addContact(t.db, null, { kind: "webhook", target: hookUrl, teamId: team.id });

  worker = startWorker({
    db: t.db,
    workerId: "it-worker",
    signal: stop.signal,
    pollMs: 100,
    services: {
      log: silentLog,
      publicUrl: "http://switchboard.test",
      applyOptions: { settleMs: 2_000, pollIntervalMs: 500, verifyTimeoutMs: 90_000 },
      // The receiver is on loopback: the operator's allowlist has to name it.
      postWebhook: createWebhookSender({ allowlist: parseWebhookAllowlist(new URL(hookUrl).host) }),
    },
  });
});

afterAll(async () => {
  stop.abort();
  await worker;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.cleanup();
  await resetCluster(connectUrls);
});

describe("worker on the real stack", () => {
  it("deploys a change request through the job queue and records it", async () => {
    const cr = await createChangeRequest(t.db, ownerId, {
      clusterId: cluster.id,
      title: "Add the integration sink",
      items: [{ action: "create", connectorName: "sb-web-it-sink", teamId, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "sb-web-it" }, proposedState: "RUNNING" }],
    });
    const owner = (await getSessionUser(t.db, ownerId)) as SessionUser;
    await submitForReview(t.db, owner, cr.id);
    await review(t.db, (await getSessionUser(t.db, approverId)) as SessionUser, cr.id, "approve", "");
    const { deploymentId } = await deploy(t.db, owner, cr.id);

    const d = await waitFor(async () => {
      const x = await getDeployment(t.db, deploymentId);
      return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
    }, 150_000, "the deployment to finish");

    expect(d.status).toBe("succeeded");
    expect((d.report as DeploymentReport).summary.added).toEqual(["sb-web-it-sink"]);
    expect((await getChangeRequest(t.db, cr.id))?.status).toBe("deployed");
    const id = cr.items[0]?.id as string;
    expect(await getConnector(t.db, id)).toMatchObject({ name: "sb-web-it-sink", deployedVersion: 1 });
    const client = connectForCluster(cluster);
    try {
      const observed = await client.getConnector("sb-web-it-sink");
      expect(observed?.state).toBe("RUNNING");
      expect(observed?.config?.["switchboard.id"]).toBe(id);
    } finally {
      await client.close();
    }
  });

  it("opens an incident for a connector whose task fails and posts the webhook", async () => {
    const config = { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "sb-web-it", mock_mode: "task-failure", delay_ms: "500" };
    const c = await createConnector(t.db, null, { name: "sb-web-it-failing", clusterId: cluster.id, teamId, desiredState: "RUNNING", config, secrets: {} });
    await putConnector("sb-web-it-failing", stampConfig(config, { id: c.id, version: 1, manager: webManager(cluster.id) }), connectUrls);

    const hook = await waitFor(() => hooks.find((h) => h.text.includes("sb-web-it-failing")), 120_000, "the webhook");
    expect(hook.text).toContain("sb-web-it-failing is FAILED on local (team payments)");
    expect(hook.text).toContain(`http://switchboard.test/connectors/${c.id}`);
    expect(hook.blocks.length).toBeGreaterThan(0);

    const incidents = await listIncidents(t.db, { connectorId: c.id, state: "open" });
    expect(incidents.total).toBe(1);
    expect(incidents.items[0]?.trace).toMatch(/Exception/);
    const sent = await listNotifications(t.db, { incidentId: incidents.items[0]?.id });
    expect(sent.items.map((n) => `${n.channel}:${n.status}`).sort()).toEqual(["inapp:sent", "webhook:sent"]);
  });
});
