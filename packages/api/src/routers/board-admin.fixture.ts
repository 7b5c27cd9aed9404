/**
 * A small world for the board/connector/admin router tests, built through the same repositories the
 * app uses: two teams, one user per role, a cluster, and a connector holding a secret.
 */
import type { Db } from "@switchboard/db/client";
import type { Role } from "@switchboard/db/enums";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, type Connector } from "@switchboard/db/repos/connectors";
import { addMember, createTeam, type Team } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createFakeConnect } from "@switchboard/engine/fake-connect";
import { withConnect } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";

export const SECRET_VALUE = "hunter2-SUPER-secret-value";
export const SECRET_VALUE_2 = "correct-horse-battery-staple";
export const PASSWORD = "password-for-tests";

export type Actor = "anonymous" | "viewer" | "owner" | "otherOwner" | "approver" | "admin";
export const ACTORS: Actor[] = ["anonymous", "viewer", "owner", "otherOwner", "approver", "admin"];

export type World = {
  db: Db;
  cluster: Cluster;
  payments: Team;
  analytics: Team;
  connector: Connector;
  users: Record<Exclude<Actor, "anonymous">, SessionUser>;
  caller: (actor: Actor) => ReturnType<typeof createCaller>;
};

async function user(db: Db, email: string, role: Role, teamId?: string): Promise<SessionUser> {
  const u = await createUser(db, null, { email, name: email.split("@")[0] as string, role, password: PASSWORD });
  if (teamId) await addMember(db, null, teamId, u.id);
  return (await getSessionUser(db, u.id)) as SessionUser;
}

/** Builds the world; `owner` belongs to payments (which owns `connector`), `otherOwner` to analytics. */
export async function buildWorld(db: Db): Promise<World> {
  const cluster = await createCluster(db, null, { name: "prod", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 2 });
  const payments = await createTeam(db, null, { name: "payments" });
  const analytics = await createTeam(db, null, { name: "analytics" });
  const users = {
    viewer: await user(db, "viewer@example.com", "viewer"),
    owner: await user(db, "owner@example.com", "owner", payments.id),
    otherOwner: await user(db, "owner2@example.com", "owner", analytics.id),
    approver: await user(db, "approver@example.com", "approver"),
    admin: await user(db, "admin@example.com", "admin"),
  };
  const connector = await createConnector(db, null, {
    name: "payments-jdbc-source",
    clusterId: cluster.id,
    teamId: payments.id,
    desiredState: "RUNNING",
    config: { "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "connection.url": "jdbc:postgresql://db/payments", topics: "payments.orders", "connection.user": "${file:/etc/kafka/db.properties:user}" },
    secrets: { "connection.password": SECRET_VALUE },
  });
  // The fake cluster knows the connector (with the secret in its config, as a real cluster would).
  const fake = createFakeConnect({ connectors: [{ name: connector.name, config: { ...connector.config, "connection.password": SECRET_VALUE }, type: "source" }] });
  const connect = () => Object.assign(Object.create(fake) as typeof fake, { serverInfo: async () => ({ version: "3.9.0", commit: "abc", kafkaClusterId: "kc-1" }) });
  const caller = (actor: Actor) => createCaller(withConnect(createContextInner({ db, user: actor === "anonymous" ? null : users[actor] }), connect));
  return { db, cluster, payments, analytics, connector, users, caller };
}

/** The tRPC error code a call failed with, or "OK". */
export async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" ? code : `THREW ${String(err)}`;
  }
}
