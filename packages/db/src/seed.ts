/**
 * Demo data for `pnpm start` and manual testing, all in this one file. Idempotent: what exists
 * (matched by email / name) is left as it is, so running it again never undoes changes made in the
 * app. Everything is written through the repositories, so the audit log shows the seed too.
 * Demo users share one well-known password, so this runs only in demo mode (SWITCHBOARD_DEMO=1).
 */
import { z } from "zod";
import type { Db } from "./client";
import type { DesiredState, Role } from "./enums";
import { env } from "./env";
import { createCluster, getClusterByName, updateCluster } from "./repos/clusters";
import { createConnector, findConnectorByName } from "./repos/connectors";
import { addContact, addMember, createTeam, getTeamByName, listTeamContacts } from "./repos/teams";
import { createUser, findUserByEmail } from "./repos/users";

/** The demo users' password: accepted for sign-in only in demo mode. */
export const DEMO_PASSWORD = "switchboard";

const demoEnv = z.object({ SWITCHBOARD_DEMO: z.enum(["0", "1", "true", "false"]).optional() });

/**
 * Whether demo mode is on (SWITCHBOARD_DEMO=1, set by `pnpm start` and the browser tests' server).
 * Read when called, not at import: those scripts switch it on in their own process before seeding.
 */
export function isDemoMode(env: Record<string, string | undefined> = process.env): boolean {
  const value = demoEnv.parse(env).SWITCHBOARD_DEMO;
  return value === "1" || value === "true";
}

const USERS: { email: string; name: string; role: Role; team?: string }[] = [
  { email: "admin@example.com", name: "Ada Admin", role: "admin" },
  { email: "approver@example.com", name: "Alex Approver", role: "approver" },
  { email: "approver2@example.com", name: "Avery Approver", role: "approver" },
  { email: "owner@example.com", name: "Olive Owner", role: "owner", team: "payments" },
  { email: "owner2@example.com", name: "Oscar Owner", role: "owner", team: "analytics" },
  { email: "viewer@example.com", name: "Vic Viewer", role: "viewer" },
];

const TEAMS = [
  { name: "payments", description: "Payment processing and ledger", contactEmail: "payments-oncall@example.com" },
  { name: "analytics", description: "Clickstream and reporting", contactEmail: "analytics-oncall@example.com" },
];

/**
 * One cluster only: the local stack. Two cluster entries pointing at the same Connect cluster
 * would each treat the other's connectors as unmanaged and fight over them.
 */
// `_connect-status` is the local stack's status.storage.topic: the worker watches it for failures as they happen.
const CLUSTER = { name: "local", environment: "prod", approvalsRequired: 1, monitorIntervalSeconds: 10, statusTopic: "_connect-status" };

const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";
const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

/** Desired definitions, not deployed by the seed: the app deploys them through a change request. */
const CONNECTORS: { name: string; team: string; state: DesiredState; config: Record<string, string>; secrets?: Record<string, string> }[] = [
  {
    name: "payments-audit-sink",
    team: "payments",
    state: "RUNNING",
    config: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "payments.audit" },
  },
  {
    name: "payments-ledger-sink",
    team: "payments",
    state: "RUNNING",
    config: { "connector.class": FILE_SINK, "tasks.max": "1", topics: "payments.ledger", file: "/tmp/switchboard-payments-ledger.txt" },
    // Ignored by the connector; shows how secrets are stored encrypted and shown masked.
    secrets: { "ledger.api.token": "demo-ledger-token" },
  },
  {
    name: "analytics-clicks-sink",
    team: "analytics",
    state: "RUNNING",
    config: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "analytics.clicks" },
  },
  {
    name: "analytics-events-sink",
    team: "analytics",
    state: "PAUSED",
    config: { "connector.class": FILE_SINK, "tasks.max": "1", topics: "analytics.events", file: "/tmp/switchboard-analytics-events.txt" },
  },
];

export type SeedOptions = { connectUrls?: string[]; bootstrapServers?: string; /** Default: {@link isDemoMode}. */ demo?: boolean };

/** Seeds the demo users, teams, the local cluster and a few connector definitions; refused outside demo mode. */
export async function seedDemoData(db: Db, opts: SeedOptions = {}): Promise<void> {
  if (!(opts.demo ?? isDemoMode())) {
    throw new Error(
      `Refusing to seed demo data outside demo mode: the demo users all have the password "${DEMO_PASSWORD}". ` +
        "Set SWITCHBOARD_DEMO=1 for a demo or test database (`pnpm start` does); create real users in Admin → Users instead.",
    );
  }
  const connectUrls = opts.connectUrls ?? env.SWITCHBOARD_CONNECT.split(",").map((u) => u.trim()).filter(Boolean);
  const bootstrapServers = opts.bootstrapServers ?? env.SWITCHBOARD_BOOTSTRAP;

  const teamIds = new Map<string, string>();
  for (const t of TEAMS) {
    const team = (await getTeamByName(db, t.name)) ?? (await createTeam(db, null, { name: t.name, description: t.description }));
    teamIds.set(t.name, team.id);
    if ((await listTeamContacts(db, team.id)).length === 0) await addContact(db, null, { kind: "email", target: t.contactEmail, teamId: team.id });
  }

  for (const u of USERS) {
    const user = (await findUserByEmail(db, u.email)) ?? (await createUser(db, null, { email: u.email, name: u.name, role: u.role, password: DEMO_PASSWORD }));
    const teamId = u.team && teamIds.get(u.team);
    if (teamId) await addMember(db, null, teamId, user.id);
  }

  const existing = await getClusterByName(db, CLUSTER.name);
  // The stack's ports come from the environment: keep the cluster pointing at the running stack.
  const cluster = existing
    ? await updateCluster(db, null, existing.id, { connectUrls, bootstrapServers, statusTopic: CLUSTER.statusTopic })
    : await createCluster(db, null, { ...CLUSTER, connectUrls, bootstrapServers });

  for (const c of CONNECTORS) {
    if (await findConnectorByName(db, cluster.id, c.name)) continue;
    await createConnector(db, null, {
      name: c.name,
      clusterId: cluster.id,
      teamId: teamIds.get(c.team) as string,
      desiredState: c.state,
      config: c.config,
      secrets: c.secrets ?? {},
    });
  }
}
