import { ZodError } from "zod";
import { createTestDb } from "@switchboard/db/testing";
import { createConnector, markConnectorDeployed, updateConnector } from "@switchboard/db/repos/connectors";
import { openIncident, recordClusterHealth, type HealthObservation } from "@switchboard/db/repos/health";
import { createNotifications } from "@switchboard/db/repos/notifications";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import { addContact } from "@switchboard/db/repos/teams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, PASSWORD, SECRET_VALUE, SECRET_VALUE_2, type World } from "./board-admin.fixture";

const t = await createTestDb();
let w: World;

// The world's connector plus 11 more: pay-00..pay-05 (payments), ana-00..ana-04 (analytics). All are
// deployed, so the ones the poll below does not see (the world's, pay-04/05, ana-02..04) are MISSING.
beforeAll(async () => {
  w = await buildWorld(t.db);
  const created = [w.connector];
  for (let i = 0; i < 6; i++) {
    created.push(await createConnector(t.db, null, { name: `pay-0${i}`, clusterId: w.cluster.id, teamId: w.payments.id, desiredState: "RUNNING", config: { "connector.class": "org.example.S3Sink", topics: `payments.t${i}` }, secrets: {} }));
  }
  for (let i = 0; i < 5; i++) {
    created.push(await createConnector(t.db, null, { name: `ana-0${i}`, clusterId: w.cluster.id, teamId: w.analytics.id, desiredState: "PAUSED", config: { "connector.class": "org.example.JdbcSink", topics: `clicks.t${i}` }, secrets: {} }));
  }
  for (const c of created) await markConnectorDeployed(t.db, null, c.id, c.version);
  const running = (name: string): HealthObservation => ({ connectorName: name, state: "RUNNING", tasksRunning: 2, tasksTotal: 2, tasksFailed: 0 });
  await recordClusterHealth(t.db, w.cluster.id, [
    { connectorName: "pay-00", state: "FAILED", tasksRunning: 0, tasksTotal: 1, tasksFailed: 1, trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat Foo.bar(Foo.java:1)" },
    { connectorName: "pay-01", state: "DEGRADED", tasksRunning: 1, tasksTotal: 2, tasksFailed: 1, trace: "java.lang.NullPointerException\n\tat X" },
    running("pay-02"),
    running("pay-03"),
    { connectorName: "ana-00", state: "PAUSED", tasksRunning: 0, tasksTotal: 1, tasksFailed: 0 },
    { connectorName: "ana-01", state: "PAUSED", tasksRunning: 0, tasksTotal: 1, tasksFailed: 0 },
  ]);
});
afterAll(() => t.cleanup());

describe("connector.board", () => {
  it("puts failing connectors first and counts every state", async () => {
    const board = await w.caller("viewer").connector.board({ page: 1, pageSize: 50 });
    expect(board.total).toBe(12);
    expect(board.items.slice(0, 2).map((r) => [r.name, r.state])).toEqual([
      ["pay-00", "FAILED"],
      ["pay-01", "DEGRADED"],
    ]);
    expect(board.items[0]).toMatchObject({ tasksRunning: 0, tasksTotal: 1, lastFailureLine: "org.apache.kafka.connect.errors.ConnectException: boom", team: { name: "payments" } });
    expect(board.counts).toMatchObject({ FAILED: 1, DEGRADED: 1, RUNNING: 2, PAUSED: 2, MISSING: 6 - 0, UNKNOWN: 0 });
  });

  it("filters by state while the counts ignore the state filter", async () => {
    const board = await w.caller("viewer").connector.board({ page: 1, pageSize: 50, state: "PAUSED" });
    expect(board.items.map((r) => r.name)).toEqual(["ana-00", "ana-01"]);
    expect(board.counts.RUNNING).toBe(2);
  });

  it("filters by team and searches name, class, topic and team name", async () => {
    const api = w.caller("viewer");
    expect((await api.connector.board({ page: 1, pageSize: 50, teamId: w.analytics.id })).total).toBe(5);
    expect((await api.connector.board({ page: 1, pageSize: 50, search: "JDBCSINK" })).total).toBe(5);
    expect((await api.connector.board({ page: 1, pageSize: 50, search: "clicks.t3" })).items.map((r) => r.name)).toEqual(["ana-03"]);
    expect((await api.connector.board({ page: 1, pageSize: 50, search: "analytics" })).total).toBe(5);
    const counts = (await api.connector.board({ page: 1, pageSize: 50, teamId: w.analytics.id })).counts;
    expect(counts).toMatchObject({ PAUSED: 2, FAILED: 0, MISSING: 3 });
  });

  it("pages without overlap", async () => {
    const api = w.caller("viewer");
    const first = await api.connector.board({ page: 1, pageSize: 5 });
    const third = await api.connector.board({ page: 3, pageSize: 5 });
    expect(first.items).toHaveLength(5);
    expect(third.items).toHaveLength(2);
    const all = [...first.items, ...(await api.connector.board({ page: 2, pageSize: 5 })).items, ...third.items].map((r) => r.id);
    expect(new Set(all).size).toBe(12);
  });

  it("shows only the caller's teams' connectors for mine", async () => {
    expect((await w.caller("owner").connector.board({ page: 1, pageSize: 50, mine: true })).total).toBe(7);
    expect((await w.caller("viewer").connector.board({ page: 1, pageSize: 50, mine: true })).total).toBe(0);
  });

  it("groups by team and sorts by a column", async () => {
    const grouped = await w.caller("viewer").connector.board({ page: 1, pageSize: 50, groupBy: "team" });
    expect(grouped.items.map((r) => r.team.name)).toEqual([...Array(5).fill("analytics"), ...Array(7).fill("payments")]);
    const byName = await w.caller("viewer").connector.board({ page: 1, pageSize: 3, sort: { column: "name", direction: "asc" } });
    expect(byName.items.map((r) => r.name)).toEqual(["ana-00", "ana-01", "ana-02"]);
  });
});

describe("connector.byId", () => {
  it("masks secrets, keeps provider references and lists the revision diffs", async () => {
    await updateConnector(t.db, null, w.connector.id, {
      definition: { config: { ...w.connector.config, "batch.size": "500" }, secrets: { "connection.password": SECRET_VALUE_2 } },
    });
    await updateConnector(t.db, null, w.connector.id, {
      definition: { config: { ...w.connector.config, "batch.size": "1000" }, secrets: { "connection.password": SECRET_VALUE_2 } },
    });
    const c = await w.caller("viewer").connector.byId({ id: w.connector.id });
    expect(c.config["connection.password"]).toBe("(sensitive)");
    expect(c.config["connection.user"]).toBe("${file:/etc/kafka/db.properties:user}");
    expect(c.revisions.map((r) => r.version)).toEqual([3, 2, 1]);
    expect(c.revisions[0]).toMatchObject({
      changes: [{ op: "change", key: "batch.size", before: "500", after: "1000" }],
      unchangedSecretKeys: ["connection.password"],
    });
    expect(c.revisions[1]?.changes).toEqual([
      { op: "add", key: "batch.size", after: "500" },
      { op: "change", key: "connection.password", sensitive: true },
    ]);
    expect(c.revisions[2]?.changes).toEqual([]);
  });

  it("shows health, incidents and open change requests touching the connector", async () => {
    const pay00 = (await w.caller("viewer").connector.board({ page: 1, pageSize: 1 })).items[0]!;
    await openIncident(t.db, { clusterId: w.cluster.id, connectorName: "pay-00", connectorId: pay00.id, trace: "boom\n\tat X" });
    await createChangeRequest(t.db, w.users.owner.id, { clusterId: w.cluster.id, title: "Pause pay-00", items: [{ action: "pause", connectorId: pay00.id, connectorName: "pay-00", baseVersion: 1 }] });
    const c = await w.caller("viewer").connector.byId({ id: pay00.id });
    expect(c.health).toMatchObject({ state: "FAILED", tasksFailed: 1, lastFailureLine: "org.apache.kafka.connect.errors.ConnectException: boom" });
    expect(c.incidents).toEqual([expect.objectContaining({ state: "open", traceLine: "boom" })]);
    expect(c.openChanges).toEqual([expect.objectContaining({ title: "Pause pay-00", status: "draft", action: "pause" })]);
  });

  it("reads task states and failed traces live from the cluster", async () => {
    const live = await w.caller("viewer").connector.liveStatus({ id: w.connector.id });
    expect(live).toMatchObject({ ok: true, onCluster: true, state: "RUNNING" });
  });

  it("answers NOT_FOUND for an unknown id", async () => {
    await expect(w.caller("viewer").connector.byId({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("secrets", () => {
  it("never appear in any response of these routers", async () => {
    const admin = w.caller("admin");
    const owner = w.caller("owner");
    await addContact(t.db, null, { kind: "webhook", target: "https://hooks.example.com/services/T0/B0/webhook-token-xyz", connectorId: w.connector.id });
    await createNotifications(t.db, [
      { channel: "inapp", recipient: w.users.admin.id, userId: w.users.admin.id, subject: "pay-00 failed", body: "Task 0 failed" },
      { channel: "webhook", recipient: "https://hooks.example.com/services/T0/B0/webhook-token-xyz", subject: "pay-00 failed", body: "x" },
    ]);
    const responses: unknown[] = [
      await admin.connector.board({ page: 1, pageSize: 200 }),
      await admin.connector.board({ page: 1, pageSize: 200, search: "hunter2" }),
      await admin.connector.byId({ id: w.connector.id }),
      await owner.connector.byId({ id: w.connector.id }),
      await admin.connector.liveStatus({ id: w.connector.id }),
      await owner.connector.setRestartPolicy({ id: w.connector.id, autoRestart: true, maxRestarts: 2, backoffSeconds: 10 }),
      await owner.connector.addContact({ id: w.connector.id, contact: { kind: "webhook", target: "https://hooks.example.com/services/T0/B0/webhook-token-xyz" } }),
      await admin.cluster.list(),
      await admin.cluster.byId({ id: w.cluster.id }),
      await admin.cluster.testConnection({ id: w.cluster.id }),
      await admin.cluster.update({ id: w.cluster.id, authUsernameEnv: "SWITCHBOARD_CLUSTER_CONNECT_USER", authPasswordEnv: "SWITCHBOARD_CLUSTER_CONNECT_PASSWORD" }),
      await admin.team.list(),
      await admin.team.byId({ id: w.payments.id }),
      await admin.user.list(),
      await admin.user.create({ email: "new@example.com", name: "New", role: "owner", password: "a-brand-new-password" }),
      await admin.notification.inbox({ page: 1 }),
      await admin.notification.deliveries({ page: 1 }),
      await admin.audit.list({ page: 1 }),
      await admin.audit.list({ entityType: "connector", entityId: w.connector.id, page: 1 }),
    ];
    const text = JSON.stringify(responses);
    for (const secret of [SECRET_VALUE, SECRET_VALUE_2, PASSWORD, "a-brand-new-password", "webhook-token-xyz", "passwordHash", "secretConfigEnc"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("(sensitive)");
    expect(text).toContain("SWITCHBOARD_CLUSTER_CONNECT_PASSWORD");
  });
});

describe("bad input", () => {
  const fieldErrors = async (call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (err) {
      const e = err as { code?: string; cause?: unknown };
      expect(e.code).toBe("BAD_REQUEST");
      expect(e.cause).toBeInstanceOf(ZodError);
      return (e.cause as ZodError).flatten().fieldErrors as Record<string, string[] | undefined>;
    }
    throw new Error("expected BAD_REQUEST");
  };

  it("rejects a cluster with a non-http URL, too many approvals and a short interval, field by field", async () => {
    const errors = await fieldErrors(() =>
      w.caller("admin").cluster.create({ name: "x", environment: "dev", connectUrls: ["ftp://example.com"], approvalsRequired: 9, monitorIntervalSeconds: 2 }),
    );
    expect(errors.connectUrls?.[0]).toMatch(/http\(s\) URL/);
    expect(errors.approvalsRequired?.[0]).toBe("At most 5.");
    expect(errors.monitorIntervalSeconds?.[0]).toBe("At least 5 seconds.");
  });

  it("polls a new cluster's health every 10 s unless told otherwise", async () => {
    const cluster = await w.caller("admin").cluster.create({ name: "defaults", environment: "dev", connectUrls: ["http://127.0.0.1:8083"], approvalsRequired: 0 });
    expect(cluster.monitorIntervalSeconds).toBe(10);
  });

  it("stores a cluster's status topic, clears it when blank, and rejects what is no Kafka topic name", async () => {
    const admin = w.caller("admin");
    expect((await admin.cluster.update({ id: w.cluster.id, statusTopic: " connect-status " })).statusTopic).toBe("connect-status");
    expect((await admin.cluster.byId({ id: w.cluster.id })).statusTopic).toBe("connect-status");
    expect((await admin.cluster.update({ id: w.cluster.id, statusTopic: "" })).statusTopic).toBeNull();
    expect((await fieldErrors(() => admin.cluster.update({ id: w.cluster.id, statusTopic: "status; DROP TABLE" }))).statusTopic?.[0]).toMatch(/Kafka topic name/);
  });

  it("rejects a secret where a credential env var name belongs", async () => {
    const errors = await fieldErrors(() => w.caller("admin").cluster.update({ id: w.cluster.id, authPasswordEnv: "hunter2 with spaces!" }));
    expect(errors.authPasswordEnv?.[0]).toMatch(/NAME of an environment variable/);
  });

  it("rejects an invalid contact email and a non-http webhook", async () => {
    expect((await fieldErrors(() => w.caller("admin").team.addContact({ teamId: w.payments.id, contact: { kind: "email", target: "not-an-email" } }))).contact).toBeDefined();
    expect((await fieldErrors(() => w.caller("owner").connector.addContact({ id: w.connector.id, contact: { kind: "webhook", target: "javascript:alert(1)" } }))).contact).toBeDefined();
  });

  it("rejects a short password, an oversized page and a negative restart budget", async () => {
    expect((await fieldErrors(() => w.caller("admin").user.create({ email: "p@example.com", name: "P", role: "viewer", password: "short" }))).password?.[0]).toBe("At least 8 characters.");
    expect((await fieldErrors(() => w.caller("viewer").connector.board({ page: 1, pageSize: 1000 }))).pageSize).toBeDefined();
    expect((await fieldErrors(() => w.caller("owner").connector.setRestartPolicy({ id: w.connector.id, autoRestart: true, maxRestarts: -1, backoffSeconds: 1 }))).maxRestarts).toBeDefined();
  });

  it("answers CONFLICT, not an internal error, for a duplicate name", async () => {
    await expect(w.caller("admin").team.create({ name: "payments" })).rejects.toMatchObject({ code: "CONFLICT", message: "Team payments exists." });
    await expect(w.caller("admin").user.create({ email: "VIEWER@example.com", name: "V", role: "viewer", password: "long-enough-3" })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("cluster.testConnection", () => {
  it("reports the version through the cluster's client", async () => {
    expect(await w.caller("admin").cluster.testConnection({ id: w.cluster.id })).toMatchObject({ ok: true, version: "3.9.0" });
  });
});

describe("notifications", () => {
  it("lists only the caller's own notifications, unread first, and marks them read", async () => {
    await createNotifications(t.db, [
      { channel: "inapp", recipient: w.users.owner.id, userId: w.users.owner.id, subject: "first", body: "" },
      { channel: "inapp", recipient: w.users.owner.id, userId: w.users.owner.id, subject: "second", body: "" },
      { channel: "inapp", recipient: w.users.viewer.id, userId: w.users.viewer.id, subject: "viewer's", body: "" },
    ]);
    const owner = w.caller("owner");
    const inbox = await owner.notification.inbox({ page: 1 });
    expect(inbox.items.map((n) => n.subject).sort()).toEqual(["first", "second"]);
    expect(await owner.notification.unreadCount()).toBe(2);
    const viewersId = (await w.caller("viewer").notification.inbox({ page: 1 })).items[0]!.id;
    expect(await owner.notification.markRead({ ids: [viewersId, inbox.items[0]!.id] })).toEqual({ marked: 1 });
    expect(await w.caller("viewer").notification.unreadCount()).toBe(1);
    expect((await owner.notification.inbox({ page: 1 })).items.map((n) => n.readAt === null)).toEqual([true, false]);
    expect(await owner.notification.markRead({ all: true })).toEqual({ marked: 1 });
    expect(await owner.notification.unreadCount()).toBe(0);
  });

  it("shows delivery status, attempts and the last error to admins", async () => {
    await createNotifications(t.db, [{ channel: "email", recipient: "oncall@example.com", subject: "s", body: "b" }]);
    const page = await w.caller("admin").notification.deliveries({ page: 1, status: "pending" });
    expect(page.items.every((d) => d.channel !== "inapp")).toBe(true);
    expect(page.items[0]).toMatchObject({ channel: "email", recipient: "oncall@example.com", attempts: 0, lastError: null });
  });
});
