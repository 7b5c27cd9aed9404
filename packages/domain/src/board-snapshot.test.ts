import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { BOARD_SORT_COLUMNS, createConnector, probeBoard, queryBoard, setConnectorLabels, updateConnector, type BoardQuery } from "@switchboard/db/repos/connectors";
import { recordDriftMarks } from "@switchboard/db/repos/drift";
import { recordClusterHealth, recordConnectorsHealth, type HealthObservation } from "@switchboard/db/repos/health";
import { createTeam, updateTeam, type Team } from "@switchboard/db/repos/teams";
import { createDb } from "@switchboard/db/client";
import { createTestDb } from "@switchboard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoardSnapshot, PROBE_INTERVAL_MS } from "./board-snapshot";

const t = await createTestDb();
// Another process's connection to the same database: its writes reach no bus of ours.
const otherProcess = createDb(t.url);
const snapshots: BoardSnapshot[] = [];
afterAll(async () => {
  for (const s of snapshots) s.close();
  await otherProcess.$disconnect();
  await t.cleanup();
});
const open = () => {
  const s = new BoardSnapshot(t.db);
  snapshots.push(s);
  return s;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let a: Cluster;
let b: Cluster;
let teams: Team[];
const STATES: (HealthObservation["state"] | null)[] = ["RUNNING", "RUNNING", "FAILED", "DEGRADED", "PAUSED", "STOPPED", "UNASSIGNED", "RESTARTING", null];

// 150 connectors over two clusters and three teams; the same names on both clusters (ties broken by
// id), every state, some never observed, some deployed and absent (MISSING).
beforeAll(async () => {
  a = await createCluster(t.db, null, { name: "alpha", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 1 });
  b = await createCluster(t.db, null, { name: "beta", environment: "dev", connectUrls: ["http://127.0.0.1:2"], approvalsRequired: 1 });
  teams = [await createTeam(t.db, null, { name: "payments" }), await createTeam(t.db, null, { name: "Analytics" }), await createTeam(t.db, null, { name: "ops" })];
  const observed: Record<string, HealthObservation[]> = { [a.id]: [], [b.id]: [] };
  for (let i = 0; i < 150; i++) {
    const cluster = i < 100 ? a : b;
    const name = `conn-${String(i % 100).padStart(3, "0")}`;
    const c = await createConnector(t.db, null, {
      name,
      clusterId: cluster.id,
      teamId: teams[i % 3]!.id,
      desiredState: i % 7 === 0 ? "PAUSED" : "RUNNING",
      config: { "connector.class": i % 2 ? "org.example.JdbcSink" : "org.example.S3Sink", topics: `Topic.${i % 11}` },
      secrets: {},
    });
    if (i % 5 === 0) await t.db.connector.update({ where: { id: c.id }, data: { deployedVersion: 1 } });
    const labels = [...(i % 4 === 0 ? ["env=prod", "tier=gold"] : i % 4 === 1 ? ["env=dev"] : []), ...(i % 6 === 0 ? ["pci"] : [])];
    if (labels.length > 0) await setConnectorLabels(t.db, null, c.id, labels.sort());
    const state = STATES[i % STATES.length];
    if (state) {
      const tasks = 1 + (i % 4);
      observed[cluster.id]!.push({ connectorName: name, state, tasksRunning: state === "RUNNING" ? tasks : i % 2, tasksTotal: tasks, tasksFailed: state === "FAILED" ? tasks : 0, trace: state === "FAILED" ? "boom\nat x" : null });
    }
  }
  // Two polls at different times, so lastFailureAt and observedAt differ between rows.
  await recordClusterHealth(t.db, a.id, observed[a.id]!.slice(0, 40), new Date(Date.now() - 60_000));
  await recordClusterHealth(t.db, a.id, observed[a.id]!);
  await recordClusterHealth(t.db, b.id, observed[b.id]!);
});

const shape = (p: { items: { id: string }[]; total: number; counts: Record<string, number> }) => ({ ids: p.items.map((i) => i.id), total: p.total, counts: p.counts });

describe("board snapshot", () => {
  it("answers every sort, grouping, filter and page exactly as the database query does", async () => {
    const s = open();
    await s.current();
    const queries: BoardQuery[] = [];
    for (const column of BOARD_SORT_COLUMNS)
      for (const direction of ["asc", "desc"] as const)
        for (const groupBy of [undefined, "team", "cluster"] as const) queries.push({ sort: { column, direction }, groupBy, pageSize: 200 });
    queries.push(
      {},
      { page: 2, pageSize: 7 },
      { page: 30, pageSize: 50 },
      { state: "FAILED" },
      { state: "UNKNOWN", pageSize: 5, page: 2 },
      { state: "MISSING" },
      { clusterId: b.id, groupBy: "team" },
      { teamId: teams[1]!.id, sort: { column: "tasks", direction: "asc" } },
      { teamIds: [teams[0]!.id, teams[2]!.id], state: "RUNNING" },
      { teamIds: [] },
      { search: "JDBC" },
      { search: "topic.1" },
      { search: "analytics", state: "FAILED" },
      { search: "  conn-01  " },
      { search: "nothing-like-this" },
      { labels: ["env"] },
      { labels: ["env=prod"] },
      { labels: ["env=prod", "pci"], sort: { column: "name", direction: "asc" } },
      { labels: ["pci"], state: "FAILED" },
      { labels: ["tier=gold", "env"], groupBy: "team" },
      { labels: ["en"] },
      { labels: ["env=pro"] },
      { clusterId: a.id, teamId: teams[0]!.id, search: "s3", sort: { column: "lastFailure", direction: "desc" } },
    );
    for (const q of queries) expect(shape(s.query(q)), JSON.stringify(q)).toEqual(shape(await queryBoard(t.db, q)));
  });

  it("shows the DRIFTED mark and filters on it (drift=1) as the database query does; a mark set or cleared changes the probe's fingerprint", async () => {
    const s = open();
    await s.current();
    const rows = s.query({ clusterId: a.id, pageSize: 200 }).items.filter((i) => i.state !== "UNKNOWN").slice(0, 3);
    const before = await probeBoard(t.db);
    await recordDriftMarks(t.db, a.id, rows.map((r) => ({ connectorName: r.name, drift: JSON.stringify({ config: { added: [], removed: [], changed: ["tasks.max"] } }) })));
    // Seen by other processes too: their probe's fingerprint moves.
    expect((await probeBoard(t.db)).clusters.get(a.id)).not.toEqual(before.clusters.get(a.id));
    await s.current();
    const page = s.query({ drifted: true, pageSize: 200 });
    expect(page.items.map((i) => i.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(page.items.every((i) => i.driftedAt instanceof Date)).toBe(true);
    expect(s.query({}).drifted).toBe(3);
    for (const q of [{ drifted: true }, { drifted: true, state: rows[0]!.state }, { drifted: true, search: rows[1]!.name }]) {
      expect(shape(s.query(q)), JSON.stringify(q)).toEqual(shape(await queryBoard(t.db, q)));
    }
    await recordDriftMarks(t.db, a.id, rows.map((r) => ({ connectorName: r.name, drift: null })));
    await s.current();
    expect(s.query({ drifted: true }).total).toBe(0);
  });

  it("shows a change published by this process at once, and a probe finds nothing new", async () => {
    const s = open();
    await s.current();
    const v0 = s.query({}).version;
    const row = s.query({ clusterId: b.id, state: "RUNNING" }).items[0]!;
    await recordClusterHealth(t.db, b.id, [{ connectorName: row.name, state: "FAILED", tasksRunning: 0, tasksTotal: 1, tasksFailed: 1, trace: "java.lang.RuntimeException: down" }]);
    await s.current();
    const failed = s.query({ clusterId: b.id, state: "FAILED" });
    expect(failed.items.map((i) => i.id)).toContain(row.id);
    expect(failed.items.find((i) => i.id === row.id)?.lastFailureLine).toBe("java.lang.RuntimeException: down");
    expect(failed.version).toBeGreaterThan(v0);
    // Nothing changed since: after the probe interval the same version is served (no rebuild).
    await sleep(PROBE_INTERVAL_MS + 50);
    await s.current();
    expect(s.query({}).version).toBe(failed.version);
  });

  it("sees a write from another process that never published, within the probe interval", async () => {
    const s = open();
    await s.current();
    const target = s.query({ clusterId: a.id, state: "RUNNING" }).items[0]!;
    // As another process on SQLite would write it: its own connection, straight to the table, no bus.
    await otherProcess.connectorHealth.update({ where: { connectorId: target.id }, data: { state: "FAILED", severity: 70, observedAt: new Date() } });
    await sleep(PROBE_INTERVAL_MS + 50);
    await s.current();
    expect(s.query({ state: "FAILED" }).items.map((i) => i.id)).toContain(target.id);
    // Patched in place (only health changed): still exactly what the database says.
    await recordConnectorsHealth(t.db, a.id, [target.name], [{ connectorName: target.name, state: "DEGRADED", tasksRunning: 1, tasksTotal: 2, tasksFailed: 1, trace: "half down" }]);
    await s.current();
    for (const q of [{ pageSize: 200 }, { state: "DEGRADED" as const }, { sort: { column: "lastFailure" as const, direction: "desc" as const } }]) {
      expect(shape(s.query(q))).toEqual(shape(await queryBoard(t.db, q)));
    }
  });

  it("tells subscribers about changes from another process without anyone reading", async () => {
    const s = open();
    await s.current();
    const heard: number[] = [];
    const stop = s.subscribe((c) => heard.push(c.version));
    const target = s.query({ clusterId: a.id, state: "PAUSED" }).items[0]!;
    await otherProcess.connector.update({ where: { id: target.id }, data: { desiredState: "STOPPED" } });
    const deadline = Date.now() + 3 * PROBE_INTERVAL_MS;
    while (heard.length === 0 && Date.now() < deadline) await sleep(50);
    stop();
    expect(heard.length).toBeGreaterThan(0);
    expect(s.query({ clusterId: a.id, state: "PAUSED" }).items.find((i) => i.id === target.id)?.desiredState).toBe("STOPPED");
  });

  it("follows renames of teams and connectors, and drops deleted connectors", async () => {
    const s = open();
    await s.current();
    const victim = s.query({ teamId: teams[2]!.id }).items[0]!;
    await updateTeam(t.db, null, teams[2]!.id, { name: "operations" });
    await updateConnector(t.db, null, victim.id, { name: "renamed-connector" });
    await s.current();
    expect(s.query({ search: "operations" }).total).toBe((await queryBoard(t.db, { search: "operations" })).total);
    expect(s.query({ search: "renamed-connector" }).items.map((i) => i.team.name)).toEqual(["operations"]);
    await otherProcess.connector.update({ where: { id: victim.id }, data: { deletedAt: new Date() } });
    await sleep(PROBE_INTERVAL_MS + 50);
    await s.current();
    expect(s.query({ search: "renamed-connector" }).total).toBe(0);
  });
});
