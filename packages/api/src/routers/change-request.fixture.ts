/**
 * A small world for the change request tests, built through the app's repositories: two teams, one
 * user per role (plus a second approver), a cluster needing two approvals and one needing none,
 * and two deployed connectors on a fake Connect, one of them holding a secret.
 */
import type { Db } from "@switchboard/db/client";
import type { Role } from "@switchboard/db/enums";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, markConnectorDeployed, type Connector } from "@switchboard/db/repos/connectors";
import { addMember, createTeam, type Team } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createFakeConnect, type FakeConnect } from "@switchboard/engine/fake-connect";
import { webManager } from "@switchboard/domain/change-pipeline";
import { stampConfig } from "@switchboard/engine/managed";
import { withConnect, withTopics } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";

export const SECRET = "s3cr3t-ledger-token-value";
export const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

export type Actor = "anonymous" | "viewer" | "owner" | "otherOwner" | "approver" | "approver2" | "admin";

export type World = {
  db: Db;
  prod: Cluster;
  dev: Cluster;
  payments: Team;
  analytics: Team;
  /** payments' connector on prod, with the secret `ledger.api.token`. */
  ledger: Connector;
  /** analytics' connector on prod. */
  clicks: Connector;
  fake: FakeConnect;
  /** The topics on prod's (fake) Kafka, as the preview reads them; tests add or remove names. */
  topics: string[];
  users: Record<Exclude<Actor, "anonymous">, SessionUser>;
  caller: (actor: Actor) => ReturnType<typeof createCaller>;
};

async function user(db: Db, email: string, role: Role, teamId?: string): Promise<SessionUser> {
  const u = await createUser(db, null, { email, name: email.split("@")[0] as string, role });
  if (teamId) await addMember(db, null, teamId, u.id);
  return (await getSessionUser(db, u.id)) as SessionUser;
}

export async function buildWorld(db: Db): Promise<World> {
  const prod = await createCluster(db, null, { name: "prod", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 2 });
  const dev = await createCluster(db, null, { name: "dev", environment: "dev", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 0 });
  const payments = await createTeam(db, null, { name: "payments" });
  const analytics = await createTeam(db, null, { name: "analytics" });
  const users = {
    viewer: await user(db, "viewer@example.com", "viewer"),
    owner: await user(db, "owner@example.com", "owner", payments.id),
    otherOwner: await user(db, "owner2@example.com", "owner", analytics.id),
    approver: await user(db, "approver@example.com", "approver"),
    approver2: await user(db, "approver2@example.com", "approver"),
    admin: await user(db, "admin@example.com", "admin"),
  };
  const ledger = await createConnector(db, null, {
    name: "payments-ledger",
    clusterId: prod.id,
    teamId: payments.id,
    desiredState: "RUNNING",
    config: { "connector.class": FILE_SINK, "tasks.max": "1", topics: "payments.ledger", file: "/tmp/ledger.txt" },
    secrets: { "ledger.api.token": SECRET },
  });
  const clicks = await createConnector(db, null, {
    name: "analytics-clicks",
    clusterId: prod.id,
    teamId: analytics.id,
    desiredState: "RUNNING",
    config: { "connector.class": FILE_SINK, "tasks.max": "1", topics: "analytics.clicks", file: "/tmp/clicks.txt" },
    secrets: {},
  });
  await markConnectorDeployed(db, null, ledger.id, 1);
  await markConnectorDeployed(db, null, clicks.id, 1);
  const fake = createFakeConnect({
    connectors: [
      { name: ledger.name, config: stampConfig({ ...ledger.config, "ledger.api.token": SECRET, name: ledger.name }, { id: ledger.id, version: 1, manager: webManager(prod.id) }), type: "sink" },
      { name: clicks.name, config: stampConfig({ ...clicks.config, name: clicks.name }, { id: clicks.id, version: 1, manager: webManager(prod.id) }), type: "sink" },
    ],
  });
  const topics = ["analytics.clicks", "payments.ledger", "payments.old-audit"];
  const fakeTopics = () => ({ listTopics: async () => [...topics], createTopics: async () => {}, deleteTopics: async () => {} });
  const caller = (actor: Actor) =>
    createCaller(withTopics(withConnect(createContextInner({ db, user: actor === "anonymous" ? null : users[actor] }), () => fake), fakeTopics));
  return { db, prod, dev, payments, analytics, ledger, clicks, fake, topics, users, caller };
}

/** An update item for the ledger connector changing `tasks.max` (secret kept). */
export function ledgerUpdate(world: World, overrides: Record<string, string> = {}) {
  return {
    action: "update" as const,
    connectorId: world.ledger.id,
    config: { ...world.ledger.config, "ledger.api.token": "(sensitive)", "tasks.max": "2", ...overrides },
  };
}
