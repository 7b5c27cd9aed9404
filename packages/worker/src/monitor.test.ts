import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConnector, markConnectorDeployed } from "@switchboard/db/repos/connectors";
import { getConnectorHealth, listClusterHealth, listIncidents } from "@switchboard/db/repos/health";
import { listNotifications } from "@switchboard/db/repos/notifications";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { ConnectError } from "@switchboard/engine/port";
import { classifyConnector, pollClusterHealth, type MonitorContext } from "./monitor";
import { buildWorkerWorld, MOCK_SINK, SECRET, silentLog, type WorkerWorld } from "./worker.fixture";

const TRACE = "org.apache.kafka.connect.errors.ConnectException: task crashed\n\tat org.apache.kafka.connect.runtime.WorkerTask.run(WorkerTask.java:1)";

let t: TestDb;
let w: WorkerWorld;
let ctx: MonitorContext;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db, { webhookUrl: "http://127.0.0.1:9/hook" });
  ctx = { db: t.db, connectFor: () => w.fake, publicUrl: "http://switchboard.test", log: silentLog };
});
afterEach(() => t.cleanup());

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds));
const poll = (now: Date) => pollClusterHealth(ctx, w.cluster, now);

describe("classifyConnector", () => {
  const base = { name: "c", config: {}, type: "sink" as const, state: "RUNNING" as const };
  it("is FAILED when every task failed, DEGRADED when some did", () => {
    expect(classifyConnector({ ...base, tasks: [{ id: 0, state: "FAILED", trace: "boom" }] })).toMatchObject({ state: "FAILED", trace: "boom", tasksFailed: 1 });
    expect(classifyConnector({ ...base, tasks: [{ id: 0, state: "RUNNING" }, { id: 1, state: "FAILED", trace: "boom" }] })).toMatchObject({ state: "DEGRADED", tasksRunning: 1, tasksTotal: 2 });
    expect(classifyConnector({ ...base, state: "FAILED", trace: "connector boom", tasks: [] })).toMatchObject({ state: "FAILED", trace: "connector boom" });
    expect(classifyConnector({ ...base, state: "PAUSED", tasks: [{ id: 0, state: "PAUSED" }] })).toMatchObject({ state: "PAUSED", failing: false });
  });
});

describe("pollClusterHealth", () => {
  it("records the health of every connector from one status request", async () => {
    await poll(at(0));
    expect(w.fake.calls).toEqual([{ method: "listConnectors" }]);
    expect(await getConnectorHealth(t.db, w.connector.id)).toMatchObject({ state: "RUNNING", tasksRunning: 1, tasksTotal: 1 });
  });

  it("reports a managed connector absent from the cluster as MISSING", async () => {
    // Deployed once, then removed from the cluster behind Switchboard's back.
    const absent = await createConnector(t.db, null, { name: "deleted-out-of-band", clusterId: w.cluster.id, teamId: w.team.id, desiredState: "RUNNING", config: { "connector.class": MOCK_SINK }, secrets: {} });
    await markConnectorDeployed(t.db, null, absent.id, absent.version);
    await poll(at(0));
    expect((await getConnectorHealth(t.db, absent.id))?.state).toBe("MISSING");
  });

  it("opens one incident for a failed task and notifies the owning team once: in-app per member, email, webhook", async () => {
    w.fake.failTask("payments-sink", 0, TRACE);
    const first = await poll(at(0));
    const second = await poll(at(10));
    expect(first).toMatchObject({ opened: ["payments-sink"], notified: ["payments-sink"] });
    expect(second).toMatchObject({ opened: [], notified: [] });

    const incidents = await listIncidents(t.db, { clusterId: w.cluster.id });
    expect(incidents.items).toHaveLength(1);
    expect(incidents.items[0]).toMatchObject({ state: "open", connectorId: w.connector.id, trace: TRACE });
    expect(await getConnectorHealth(t.db, w.connector.id)).toMatchObject({ state: "FAILED", tasksFailed: 1, lastTrace: TRACE });

    const { items } = await listNotifications(t.db, { incidentId: incidents.items[0]?.id });
    const byChannel = (c: string) => items.filter((n) => n.channel === c).map((n) => n.recipient).sort();
    expect(byChannel("inapp")).toEqual([w.owner.id, w.owner2.id].sort());
    expect(byChannel("email")).toEqual(["payments-oncall@example.com", "sink-owner@example.com"]);
    expect(byChannel("webhook")).toEqual(["http://127.0.0.1:9/hook"]);
    const email = items.find((n) => n.channel === "email");
    expect(email?.subject).toBe("payments-sink is FAILED on prod");
    expect(email?.body).toContain("org.apache.kafka.connect.errors.ConnectException: task crashed");
    expect(email?.body).toContain(`http://switchboard.test/connectors/${w.connector.id}`);
    const hook = JSON.parse(items.find((n) => n.channel === "webhook")?.body ?? "{}") as { text: string; blocks: unknown[] };
    expect(hook.text).toContain("payments-sink is FAILED on prod (team payments)");
    expect(hook.blocks.length).toBeGreaterThan(0);
  });

  it("closes the incident when the connector recovers, and opens a new one on the next failure", async () => {
    w.fake.failTask("payments-sink", 0, TRACE);
    await poll(at(0));
    await w.fake.restart("payments-sink", { includeTasks: true, onlyFailed: true });
    expect(await poll(at(10))).toMatchObject({ closed: ["payments-sink"] });
    expect(await getConnectorHealth(t.db, w.connector.id)).toMatchObject({ state: "RUNNING" });

    w.fake.failTask("payments-sink", 0, TRACE);
    expect(await poll(at(20))).toMatchObject({ opened: ["payments-sink"], notified: ["payments-sink"] });
    expect((await listIncidents(t.db, { clusterId: w.cluster.id })).items.map((i) => i.state).sort()).toEqual(["closed", "open"]);
  });

  it("reports a connector with some failed tasks as DEGRADED and opens an incident", async () => {
    w.fake.failTask("payments-sink", 1, TRACE);
    expect(await poll(at(0))).toMatchObject({ opened: ["payments-sink"] });
    expect(await getConnectorHealth(t.db, w.connector.id)).toMatchObject({ state: "DEGRADED", tasksRunning: 1, tasksFailed: 1, tasksTotal: 2 });
  });

  it("never puts a secret value in traces or notifications", async () => {
    w.fake.failTask("payments-sink", 0, `java.sql.SQLException: login failed with password ${SECRET}\n\tat Driver.connect`);
    await poll(at(0));
    const { items } = await listNotifications(t.db, {});
    expect(items.length).toBeGreaterThan(0);
    expect(JSON.stringify(items)).not.toContain(SECRET);
    expect(JSON.stringify(items)).toContain("login failed with password (sensitive)");
    expect(JSON.stringify(await listClusterHealth(t.db, w.cluster.id))).not.toContain(SECRET);
    expect(JSON.stringify(await listIncidents(t.db, {}))).not.toContain(SECRET);
  });

  it("restarts failed tasks under the restart policy with backoff up to the budget, then notifies", async () => {
    w = await (async () => {
      await t.cleanup();
      t = await createTestDb();
      return buildWorkerWorld(t.db, { policy: { autoRestart: true, maxRestarts: 2, backoffSeconds: 10 } });
    })();
    ctx = { ...ctx, db: t.db, connectFor: () => w.fake };
    const restarts = () => w.fake.calls.filter((c) => c.method === "restart").length;
    // The task keeps crashing right after every restart.
    const crash = () => w.fake.failTask("payments-sink", 0, TRACE);

    crash();
    expect(await poll(at(0))).toMatchObject({ opened: ["payments-sink"], restarted: ["payments-sink"], notified: [] });
    crash();
    expect(await poll(at(5))).toMatchObject({ restarted: [], notified: [] }); // backing off (10 s)
    expect(await poll(at(11))).toMatchObject({ restarted: ["payments-sink"], notified: [] });
    crash();
    expect(await poll(at(25))).toMatchObject({ restarted: [], notified: [] }); // backing off (20 s)
    expect(await poll(at(32))).toMatchObject({ restarted: [], notified: ["payments-sink"] }); // budget spent
    expect(await poll(at(40))).toMatchObject({ restarted: [], notified: [] });
    expect(restarts()).toBe(2);
    const incident = (await listIncidents(t.db, {})).items[0];
    expect(incident).toMatchObject({ restartAttempts: 2, state: "open" });
    expect((await listNotifications(t.db, { channel: "inapp" })).total).toBe(2);
  });

  it("does not notify when a restart under the policy brings the connector back", async () => {
    await t.cleanup();
    t = await createTestDb();
    w = await buildWorkerWorld(t.db, { policy: { autoRestart: true, maxRestarts: 3, backoffSeconds: 5 } });
    ctx = { ...ctx, db: t.db, connectFor: () => w.fake };
    w.fake.failTask("payments-sink", 0, TRACE);
    expect(await poll(at(0))).toMatchObject({ restarted: ["payments-sink"] });
    expect(await poll(at(6))).toMatchObject({ closed: ["payments-sink"] });
    expect((await listNotifications(t.db, {})).total).toBe(0);
  });

  it("records nothing when the cluster cannot be read", async () => {
    w.fake.failNext("listConnectors", new ConnectError("UNREACHABLE", "no worker answered"));
    expect(await poll(at(0))).toMatchObject({ error: "no worker answered" });
    expect(await listClusterHealth(t.db, w.cluster.id)).toEqual([]);
  });
});
