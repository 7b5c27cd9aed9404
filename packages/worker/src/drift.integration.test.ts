/**
 * Drift on the real stack: a managed connector changed behind Switchboard's back with raw Connect
 * REST calls is found by the worker's monitor (drift incident, DRIFTED mark, the owners' webhook),
 * and each way back, revert and adopt, goes through a change request approved by someone else and
 * deployed by the worker. The cluster is shared: only connectors named with this run's prefix are
 * touched, and they are deleted at the end.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChangeRequest, getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getConnector, getConnectorSecrets, type Connector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { getOpenDriftIncident } from "@switchboard/db/repos/drift";
import { listIncidents } from "@switchboard/db/repos/health";
import { addContact, addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { putConnector, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { connectorDrift, draftAdopt, draftRevert } from "@switchboard/domain/drift";
import { parseWebhookAllowlist } from "@switchboard/domain/webhooks";
import { startWorker } from "./loop";
import { createWebhookSender } from "./senders";
import { MOCK_SINK, silentLog, waitFor } from "./worker.fixture";

const { connectUrls } = testEndpoints();
const PREFIX = `sb-drift-it-${Date.now().toString(36)}`;
const NAME = `${PREFIX}-sink`;
const SECRET = "drift-it-approved-password";
const LIVE_SECRET = "drift-it-typed-by-hand-password";

let t: TestDb;
let server: Server;
const hooks: Array<{ text: string }> = [];
const stop = new AbortController();
let cluster: Cluster;
let owner: SessionUser;
let approver: SessionUser;
let connectorId: string;
let worker: Promise<void>;

async function rest(path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${connectUrls[0]}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${res.status} ${body}`);
  return body ? JSON.parse(body) : null;
}
const liveConfig = async () => (await rest(`/connectors/${NAME}/config`)) as Record<string, string>;
const liveState = async () => ((await rest(`/connectors/${NAME}/status`)) as { connector: { state: string } }).connector.state;
const stored = async () => (await getConnector(t.db, connectorId)) as Connector;

async function deployed(changeRequestId: string): Promise<void> {
  await submitForReview(t.db, owner, changeRequestId);
  await review(t.db, approver, changeRequestId, "approve", "Seen the drift; this is right.");
  const { deploymentId } = await deploy(t.db, owner, changeRequestId);
  const d = await waitFor(async () => {
    const x = await getDeployment(t.db, deploymentId);
    return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
  }, 150_000, "the deployment to finish");
  expect(d.status, JSON.stringify(d.report)).toBe("succeeded");
}

const openDrift = () => waitFor(() => getOpenDriftIncident(t.db, cluster.id, NAME).then((i) => i ?? undefined), 60_000, "a drift incident");
const inStep = () => waitFor(async () => (await getOpenDriftIncident(t.db, cluster.id, NAME)) === null && (await connectorDrift(t.db, connectorId)) === null, 60_000, "back in step");

beforeAll(async () => {
  t = await createTestDb();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hooks.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  // No bootstrap servers: the monitor polls the REST API (every 2 s), which is what sees configs.
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, approvalsRequired: 1, monitorIntervalSeconds: 2 });
  const team = await createTeam(t.db, null, { name: "payments" });
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  const a = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  await addMember(t.db, null, team.id, o.id);
  await addContact(t.db, null, { kind: "webhook", target: hookUrl, teamId: team.id });
  owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  approver = (await getSessionUser(t.db, a.id)) as SessionUser;

  worker = startWorker({
    db: t.db,
    workerId: "drift-it-worker",
    signal: stop.signal,
    pollMs: 100,
    services: {
      log: silentLog,
      publicUrl: "http://switchboard.test",
      applyOptions: { settleMs: 1_000, pollIntervalMs: 500, verifyTimeoutMs: 90_000 },
      postWebhook: createWebhookSender({ allowlist: parseWebhookAllowlist(new URL(hookUrl).host) }),
    },
  });

  const cr = await createChangeRequest(t.db, owner.id, {
    clusterId: cluster.id,
    title: "Add the drift sink",
    items: [{ action: "create", connectorName: NAME, teamId: team.id, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${PREFIX}-topic` }, proposedSecrets: { "connection.password": SECRET }, proposedState: "RUNNING" }],
  });
  await deployed(cr.id);
  connectorId = cr.items[0]!.id;
}, 200_000);

afterAll(async () => {
  stop.abort();
  await worker;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rest(`/connectors/${NAME}`, { method: "DELETE" }).catch(() => undefined);
  await t.cleanup();
});

describe("drift on the real stack", () => {
  it("a raw PUT behind Switchboard's back opens a drift incident with the DRIFTED mark and notifies the owners; revert puts the approved config back and closes it", async () => {
    const approved = await liveConfig();
    await putConnector(NAME, { ...approved, "tasks.max": "2", "connection.password": LIVE_SECRET }, connectUrls);

    const incident = await openDrift();
    expect(incident.trace).toBe("config: changed connection.password, tasks.max");
    expect((await connectorDrift(t.db, connectorId))?.report).toEqual({ config: { added: [], removed: [], changed: ["connection.password", "tasks.max"] } });
    const hook = await waitFor(() => hooks.find((h) => h.text.includes(`${NAME} drifted`)), 30_000, "the owners' webhook");
    expect(hook.text).toContain("config: changed connection.password, tasks.max");
    expect(JSON.stringify(hooks)).not.toContain(LIVE_SECRET);
    expect(JSON.stringify(hooks)).not.toContain(SECRET);

    const { id } = await draftRevert(t.db, owner, await stored());
    await deployed(id);
    await inStep();
    expect(await liveConfig()).toMatchObject({ "tasks.max": "1", "connection.password": SECRET });
    const closed = (await listIncidents(t.db, { connectorId, state: "closed" })).items.filter((i) => i.kind === "drift");
    expect(closed.map((i) => i.id)).toContain(incident.id);
    // Notified once for the incident, however many polls saw it.
    expect(hooks.filter((h) => h.text.includes(`${NAME} drifted`))).toHaveLength(1);
  });

  it("a connector paused and re-stamped by hand is reverted to running with the approved version stamp", async () => {
    const before = await stored();
    await putConnector(NAME, { ...(await liveConfig()), "switchboard.version": "99" }, connectUrls);
    await rest(`/connectors/${NAME}/pause`, { method: "PUT" });
    await waitFor(async () => (await connectorDrift(t.db, connectorId))?.report.state && (await connectorDrift(t.db, connectorId))?.report.version, 60_000, "state and version drift");
    expect((await connectorDrift(t.db, connectorId))?.lines).toEqual(["run state: PAUSED, approved RUNNING", `version: stamped version 99, approved version ${before.deployedVersion}`]);

    const { id } = await draftRevert(t.db, owner, await stored());
    await deployed(id);
    await inStep();
    expect(await liveState()).toBe("RUNNING");
    expect((await liveConfig())["switchboard.version"]).toBe(String((await stored()).deployedVersion));
  });

  it("adopt records the live config as the next revision, the live secret stored encrypted, and closes the incident", async () => {
    const before = await stored();
    await putConnector(NAME, { ...(await liveConfig()), "tasks.max": "3", "connection.password": LIVE_SECRET }, connectUrls);
    await openDrift();

    const client = connectForCluster(cluster);
    let crId: string;
    try {
      crId = (await draftAdopt(t.db, owner, await stored(), client)).id;
    } finally {
      await client.close();
    }
    const cr = await getChangeRequest(t.db, crId);
    expect(cr?.items[0]).toMatchObject({ proposedConfig: expect.objectContaining({ "tasks.max": "3" }), proposedSecretKeys: ["connection.password"] });
    expect(JSON.stringify(cr)).not.toContain(LIVE_SECRET);
    await deployed(crId);
    await inStep();
    const after = await stored();
    expect(after).toMatchObject({ version: before.version + 1, deployedVersion: before.version + 1, config: expect.objectContaining({ "tasks.max": "3" }) });
    expect(await getConnectorSecrets(t.db, connectorId)).toEqual({ "connection.password": LIVE_SECRET });
    expect(await liveConfig()).toMatchObject({ "tasks.max": "3", "connection.password": LIVE_SECRET });
  });
});
