/**
 * The role × mutation matrix of the connector, cluster, team, user, notification and audit routers:
 * every mutation (and admin-only query) called by every kind of caller.
 */
import { createTestDb } from "@switchboard/db/testing";
import { addContact } from "@switchboard/db/repos/teams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTORS, buildWorld, outcome, type Actor, type World } from "./board-admin.fixture";

const t = await createTestDb();
let w: World;
beforeAll(async () => {
  w = await buildWorld(t.db);
});
afterAll(() => t.cleanup());

type Caller = ReturnType<World["caller"]>;
type Row = { name: string; allowed: Actor[]; call: (api: Caller, actor: Actor, i: number) => Promise<unknown> };

const CONNECTOR_MANAGERS: Actor[] = ["owner", "approver", "admin"];
// One team rule for connectors and contacts alike (policy mayActForTeam): the team's owners, approvers and admins.
const TEAM_CONTACT_EDITORS: Actor[] = ["owner", "approver", "admin"];
const ADMIN: Actor[] = ["admin"];
const SIGNED_IN: Actor[] = ["viewer", "owner", "otherOwner", "approver", "admin"];

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

const MUTATIONS: Row[] = [
  { name: "connector.setRestartPolicy", allowed: CONNECTOR_MANAGERS, call: (api) => api.connector.setRestartPolicy({ id: w.connector.id, autoRestart: true, maxRestarts: 3, backoffSeconds: 30 }) },
  { name: "connector.addContact", allowed: CONNECTOR_MANAGERS, call: (api) => api.connector.addContact({ id: w.connector.id, contact: { kind: "email", target: "oncall@example.com" } }) },
  {
    name: "connector.removeContact",
    allowed: CONNECTOR_MANAGERS,
    call: async (api) => {
      const c = await addContact(w.db, null, { kind: "email", target: "x@example.com", connectorId: w.connector.id });
      return api.connector.removeContact({ id: w.connector.id, contactId: c.id });
    },
  },
  {
    name: "cluster.create",
    allowed: ADMIN,
    call: (api) => api.cluster.create({ name: unique("dev"), environment: "dev", connectUrls: ["http://127.0.0.1:8083"], approvalsRequired: 0, monitorIntervalSeconds: 10 }),
  },
  { name: "cluster.update", allowed: ADMIN, call: (api) => api.cluster.update({ id: w.cluster.id, approvalsRequired: 2 }) },
  { name: "cluster.testConnection", allowed: ADMIN, call: (api) => api.cluster.testConnection({ id: w.cluster.id }) },
  { name: "team.create", allowed: ADMIN, call: (api) => api.team.create({ name: unique("team") }) },
  { name: "team.update", allowed: ADMIN, call: (api) => api.team.update({ id: w.analytics.id, description: "Clickstream" }) },
  { name: "team.addMember", allowed: ADMIN, call: (api) => api.team.addMember({ teamId: w.analytics.id, userId: w.users.viewer.id }) },
  { name: "team.removeMember", allowed: ADMIN, call: (api) => api.team.removeMember({ teamId: w.analytics.id, userId: w.users.viewer.id }) },
  { name: "team.addContact", allowed: TEAM_CONTACT_EDITORS, call: (api) => api.team.addContact({ teamId: w.payments.id, contact: { kind: "webhook", target: "https://hooks.example.com/T1/B2/abc" } }) },
  {
    name: "team.removeContact",
    allowed: TEAM_CONTACT_EDITORS,
    call: async (api) => {
      const c = await addContact(w.db, null, { kind: "email", target: "y@example.com", teamId: w.payments.id });
      return api.team.removeContact({ teamId: w.payments.id, contactId: c.id });
    },
  },
  { name: "user.create", allowed: ADMIN, call: (api) => api.user.create({ email: `${unique("u")}@example.com`, name: "New", role: "viewer", password: "long-enough-1" }) },
  { name: "user.update", allowed: ADMIN, call: (api) => api.user.update({ id: w.users.viewer.id, name: "Vic" }) },
  { name: "notification.markRead", allowed: SIGNED_IN, call: (api) => api.notification.markRead({ all: true }) },
];

const ADMIN_QUERIES: Row[] = [
  { name: "user.list", allowed: ADMIN, call: (api) => api.user.list() },
  { name: "notification.deliveries", allowed: ADMIN, call: (api) => api.notification.deliveries({ page: 1 }) },
  { name: "audit.list", allowed: ADMIN, call: (api) => api.audit.list({ page: 1 }) },
];

const VIEWER_QUERIES: Row[] = [
  { name: "connector.board", allowed: SIGNED_IN, call: (api) => api.connector.board({ page: 1, pageSize: 50 }) },
  { name: "connector.byId", allowed: SIGNED_IN, call: (api) => api.connector.byId({ id: w.connector.id }) },
  { name: "cluster.list", allowed: SIGNED_IN, call: (api) => api.cluster.list() },
  { name: "team.list", allowed: SIGNED_IN, call: (api) => api.team.list() },
  { name: "notification.inbox", allowed: SIGNED_IN, call: (api) => api.notification.inbox({ page: 1 }) },
  { name: "notification.unreadCount", allowed: SIGNED_IN, call: (api) => api.notification.unreadCount() },
];

function expected(row: Row, actor: Actor): string {
  if (row.allowed.includes(actor)) return "OK";
  return actor === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
}

const cases = (rows: Row[]) => rows.flatMap((row) => ACTORS.map((actor) => ({ row, actor, label: `${row.name} by ${actor}` })));

describe("role × mutation matrix", () => {
  it.each(cases(MUTATIONS))("$label", async ({ row, actor }) => {
    expect(await outcome(() => row.call(w.caller(actor), actor, 0))).toBe(expected(row, actor));
  });
});

describe("admin-only reads", () => {
  it.each(cases(ADMIN_QUERIES))("$label", async ({ row, actor }) => {
    expect(await outcome(() => row.call(w.caller(actor), actor, 0))).toBe(expected(row, actor));
  });
});

describe("reads for every signed-in user", () => {
  it.each(cases(VIEWER_QUERIES))("$label", async ({ row, actor }) => {
    expect(await outcome(() => row.call(w.caller(actor), actor, 0))).toBe(expected(row, actor));
  });
});

describe("ownership", () => {
  it("refuses an owner on another team's connector with a clear message", async () => {
    await expect(w.caller("otherOwner").connector.setRestartPolicy({ id: w.connector.id, autoRestart: true, maxRestarts: 1, backoffSeconds: 5 })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("another team"),
    });
  });

  it("does not let a contact of another connector be removed through this one", async () => {
    const other = await addContact(w.db, null, { kind: "email", target: "z@example.com", teamId: w.analytics.id });
    expect(await outcome(() => w.caller("admin").connector.removeContact({ id: w.connector.id, contactId: other.id }))).toBe("NOT_FOUND");
  });

  it("reports the caller's permissions on the connector page", async () => {
    expect((await w.caller("owner").connector.byId({ id: w.connector.id })).permissions.manage).toBe(true);
    expect((await w.caller("otherOwner").connector.byId({ id: w.connector.id })).permissions.manage).toBe(false);
    expect((await w.caller("viewer").connector.byId({ id: w.connector.id })).permissions.manage).toBe(false);
  });
});

describe("admins and themselves", () => {
  it("refuses an admin demoting themself", async () => {
    await expect(w.caller("admin").user.update({ id: w.users.admin.id, role: "approver" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("your own admin role"),
    });
  });

  it("refuses an admin disabling themself", async () => {
    expect(await outcome(() => w.caller("admin").user.update({ id: w.users.admin.id, disabled: true }))).toBe("FORBIDDEN");
  });

  it("lets an admin rename themself and demote another admin", async () => {
    expect((await w.caller("admin").user.update({ id: w.users.admin.id, name: "Ada", role: "admin" })).name).toBe("Ada");
    const other = await w.caller("admin").user.create({ email: "admin2@example.com", name: "Other", role: "admin", password: "long-enough-2" });
    expect((await w.caller("admin").user.update({ id: other.id, role: "viewer" })).role).toBe("viewer");
  });
});

describe("mutations are audited", () => {
  it("records the restart policy change with its actor", async () => {
    await w.caller("approver").connector.setRestartPolicy({ id: w.connector.id, autoRestart: false, maxRestarts: 7, backoffSeconds: 60 });
    const log = await w.caller("admin").audit.list({ entityType: "connector", entityId: w.connector.id, page: 1 });
    expect(log.items[0]).toMatchObject({ action: "connector.setRestartPolicy", actorId: w.users.approver.id, after: { maxRestarts: 7 } });
  });
});
