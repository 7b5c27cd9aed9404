/**
 * Test support for the worker: a small world built through the app's repositories (a team with two
 * members and contacts, a cluster, a connector holding a secret, a fake Connect that runs it), a
 * silent logger, and a change request ready to deploy.
 */
import type { Db } from "@switchboard/db/client";
import { createChangeRequest, getChangeRequest, type ChangeItemInput, type ChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, type Connector } from "@switchboard/db/repos/connectors";
import { addContact, addMember, createTeam, type Team } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createFakeConnect, type FakeConnect } from "@switchboard/engine/fake-connect";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { webManager } from "@switchboard/domain/change-pipeline";
import { stampConfig } from "@switchboard/engine/managed";
import type { Logger, WorkerServices } from "./services";

export const SECRET = "hunter2-very-secret-password";
export const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

export const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export type WorkerWorld = {
  db: Db;
  cluster: Cluster;
  team: Team;
  owner: SessionUser;
  owner2: SessionUser;
  approver: SessionUser;
  viewer: SessionUser;
  connector: Connector;
  fake: FakeConnect;
  services: Partial<WorkerServices>;
};

async function user(db: Db, email: string, role: "owner" | "approver" | "viewer", teamId?: string): Promise<SessionUser> {
  const u = await createUser(db, null, { email, name: email.split("@")[0] ?? email, role, password: "password-for-tests" });
  if (teamId) await addMember(db, null, teamId, u.id);
  return (await getSessionUser(db, u.id)) as SessionUser;
}

/**
 * The world: team "payments" (two owners; contacts: an email and `webhookUrl` when given), cluster
 * "prod", connector "payments-sink" (secret `connection.password` = SECRET, restart `policy`) running
 * on the fake cluster with its Switchboard stamp.
 */
export async function buildWorkerWorld(
  db: Db,
  opts: { webhookUrl?: string; policy?: { autoRestart: boolean; maxRestarts: number; backoffSeconds: number } } = {},
): Promise<WorkerWorld> {
  const cluster = await createCluster(db, null, { name: "prod", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 1, monitorIntervalSeconds: 10 });
  const team = await createTeam(db, null, { name: "payments" });
  const owner = await user(db, "owner@example.com", "owner", team.id);
  const owner2 = await user(db, "owner2@example.com", "owner", team.id);
  const approver = await user(db, "approver@example.com", "approver");
  const viewer = await user(db, "viewer@example.com", "viewer");
  await addContact(db, null, { kind: "email", target: "payments-oncall@example.com", teamId: team.id });
  if (opts.webhookUrl) await addContact(db, null, { kind: "webhook", target: opts.webhookUrl, teamId: team.id });
  const config = { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "payments.audit" };
  const connector = await createConnector(db, null, {
    name: "payments-sink",
    clusterId: cluster.id,
    teamId: team.id,
    desiredState: "RUNNING",
    config,
    secrets: { "connection.password": SECRET },
    ...opts.policy,
  });
  await addContact(db, null, { kind: "email", target: "sink-owner@example.com", connectorId: connector.id });
  const fake = createFakeConnect({
    connectors: [{ name: connector.name, config: stampConfig({ ...config, "connection.password": SECRET }, { id: connector.id, version: 1, manager: webManager(cluster.id) }), type: "sink" }],
  });
  const services: Partial<WorkerServices> = {
    connectFor: () => fake,
    topicsFor: () => undefined,
    log: silentLog,
    publicUrl: "http://switchboard.test",
    applyOptions: { settleMs: 0, pollIntervalMs: 5, verifyTimeoutMs: 2_000 },
  };
  return { db, cluster, team, owner, owner2, approver, viewer, connector, fake, services };
}

/**
 * A change request with `items` (stored as given), submitted, approved and queued for deploy through
 * the real use cases: the deployment and its job are exactly what the app would queue.
 */
export async function queueDeploy(w: WorkerWorld, items: ChangeItemInput[]): Promise<{ cr: ChangeRequest; deploymentId: string; jobId: string }> {
  const draft = await createChangeRequest(w.db, w.owner.id, { clusterId: w.cluster.id, title: "Add the orders sink", rationale: "Orders need auditing.", items });
  await submitForReview(w.db, w.owner, draft.id);
  await review(w.db, w.approver, draft.id, "approve", "Looks right.");
  const { deploymentId, jobId } = await deploy(w.db, w.owner, draft.id);
  return { cr: (await getChangeRequest(w.db, draft.id)) as ChangeRequest, deploymentId, jobId };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
