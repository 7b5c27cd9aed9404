import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthState } from "../enums";
import { createTestDb } from "../testing";
import { createCluster, type Cluster } from "./clusters";
import { createConnector, deleteConnector, markConnectorDeployed, queryBoard, updateConnector } from "./connectors";
import { listClusterHealth, recordClusterHealth, type HealthObservation } from "./health";
import { createTeam, type Team } from "./teams";

const t = await createTestDb();
afterAll(() => t.cleanup());

let cluster: Cluster;
let other: Cluster;
let payments: Team;
let analytics: Team;

// 30 connectors: pay-00..pay-19 (payments, cluster A, all deployed), ana-00..ana-09 (analytics, cluster B).
beforeAll(async () => {
  cluster = await createCluster(t.db, null, { name: "a", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 2 });
  other = await createCluster(t.db, null, { name: "b", environment: "dev", connectUrls: ["http://127.0.0.1:2"], approvalsRequired: 0 });
  payments = await createTeam(t.db, null, { name: "payments" });
  analytics = await createTeam(t.db, null, { name: "analytics" });
  const pad = (i: number) => String(i).padStart(2, "0");
  await t.db.$transaction(async (tx) => {
    for (let i = 0; i < 20; i++) {
      const pay = await createConnector(tx, null, {
        name: `pay-${pad(i)}`,
        clusterId: cluster.id,
        teamId: payments.id,
        desiredState: "RUNNING",
        config: { "connector.class": i % 2 ? "org.example.JdbcSink" : "org.example.S3Sink", topics: `payments.t${i}` },
        secrets: {},
      });
      await markConnectorDeployed(tx, null, pay.id, pay.version);
    }
    for (let i = 0; i < 10; i++) {
      await createConnector(tx, null, {
        name: `ana-${pad(i)}`,
        clusterId: other.id,
        teamId: analytics.id,
        desiredState: "RUNNING",
        config: { "connector.class": "org.example.Mock", topics: `Clicks.${i}` },
        secrets: {},
      });
    }
  });
  const obs = (name: string, state: HealthObservation["state"]): HealthObservation => ({ connectorName: name, state, tasksRunning: state === "RUNNING" ? 1 : 0, tasksTotal: 1, tasksFailed: state === "FAILED" ? 1 : 0 });
  // Cluster A: 2 FAILED, 1 DEGRADED, 15 RUNNING, pay-18 and pay-19 absent (MISSING).
  await recordClusterHealth(t.db, cluster.id, [
    obs("pay-07", "FAILED"),
    obs("pay-03", "FAILED"),
    obs("pay-05", "DEGRADED"),
    ...Array.from({ length: 18 }, (_, i) => `pay-${String(i).padStart(2, "0")}`)
      .filter((n) => !["pay-07", "pay-03", "pay-05"].includes(n))
      .map((n) => obs(n, "RUNNING")),
    obs("unmanaged-thing", "RUNNING"),
  ]);
  // Cluster B never polled: its connectors are UNKNOWN.
});

describe("queryBoard", () => {
  it("puts failing connectors first, then by name, and pages", async () => {
    const first = await queryBoard(t.db, { clusterId: cluster.id, pageSize: 5 });
    expect(first.total).toBe(20);
    expect(first.items.map((r) => r.name)).toEqual(["pay-03", "pay-07", "pay-05", "pay-18", "pay-19"]);
    const second = await queryBoard(t.db, { clusterId: cluster.id, pageSize: 5, page: 2 });
    expect(second.items.map((r) => r.name)).toEqual(["pay-00", "pay-01", "pay-02", "pay-04", "pay-06"]);
    expect(second.items[0]).toMatchObject({ team: { name: "payments" }, cluster: { name: "a" }, health: { state: "RUNNING" } });
  });

  it("counts connectors per observed state for the other filters", async () => {
    const page = await queryBoard(t.db, { state: "FAILED" });
    expect(page.items.map((r) => r.name)).toEqual(["pay-03", "pay-07"]);
    expect(page.total).toBe(2);
    expect(page.counts).toMatchObject({ FAILED: 2, DEGRADED: 1, MISSING: 2, RUNNING: 15, UNKNOWN: 10 } satisfies Partial<Record<HealthState | "UNKNOWN", number>>);
  });

  it("filters never-observed connectors as UNKNOWN", async () => {
    const page = await queryBoard(t.db, { state: "UNKNOWN" });
    expect(page.total).toBe(10);
    expect(page.items.every((r) => r.health === null && r.team.id === analytics.id)).toBe(true);
  });

  it("filters by team, by several teams (mine) and by cluster", async () => {
    expect((await queryBoard(t.db, { teamId: analytics.id })).total).toBe(10);
    expect((await queryBoard(t.db, { teamIds: [payments.id] })).total).toBe(20);
    expect((await queryBoard(t.db, { teamIds: [] })).total).toBe(0);
    expect((await queryBoard(t.db, { clusterId: other.id, teamId: payments.id })).total).toBe(0);
  });

  it("searches name, connector class and topics case-insensitively", async () => {
    expect((await queryBoard(t.db, { search: "PAY-1" })).total).toBe(10);
    expect((await queryBoard(t.db, { search: "jdbcsink" })).total).toBe(10);
    expect((await queryBoard(t.db, { search: "clicks.3" })).items.map((r) => r.name)).toEqual(["ana-03"]);
  });

  it("leaves out deleted connectors and follows renames", async () => {
    const page = await queryBoard(t.db, { search: "ana-09" });
    await deleteConnector(t.db, null, page.items[0]!.id);
    expect((await queryBoard(t.db, { search: "ana-09" })).total).toBe(0);
    const ana8 = (await queryBoard(t.db, { search: "ana-08" })).items[0]!;
    await updateConnector(t.db, null, ana8.id, { name: "renamed-8" });
    expect((await queryBoard(t.db, { search: "renamed" })).items.map((r) => r.id)).toEqual([ana8.id]);
  });
});

describe("connector versions", () => {
  it("bumps the version on each update and refuses an update from a stale version", async () => {
    const c = await createConnector(t.db, null, { name: "v", clusterId: other.id, teamId: analytics.id, desiredState: "RUNNING", config: { "connector.class": "X" }, secrets: {} });
    const u = await updateConnector(t.db, null, c.id, { desiredState: "PAUSED", expectedVersion: 1 });
    expect(u).toMatchObject({ version: 2, desiredState: "PAUSED" });
    await expect(updateConnector(t.db, null, c.id, { desiredState: "RUNNING", expectedVersion: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("allows a name again once its connector is deleted", async () => {
    const input = { name: "reuse", clusterId: other.id, teamId: analytics.id, desiredState: "RUNNING" as const, config: { "connector.class": "X" }, secrets: {} };
    const first = await createConnector(t.db, null, input);
    await deleteConnector(t.db, null, first.id);
    const second = await createConnector(t.db, null, input);
    expect(second.id).not.toBe(first.id);
  });
});

describe("recordClusterHealth", () => {
  it("marks managed connectors missing from the cluster MISSING and drops vanished unmanaged ones", async () => {
    const c = await createCluster(t.db, null, { name: "h", environment: "dev", connectUrls: ["http://127.0.0.1:3"], approvalsRequired: 0 });
    const managed = await createConnector(t.db, null, { name: "m", clusterId: c.id, teamId: payments.id, desiredState: "RUNNING", config: { "connector.class": "X" }, secrets: {} });
    await markConnectorDeployed(t.db, null, managed.id, managed.version);
    const run = (name: string, state: HealthObservation["state"], trace?: string): HealthObservation => ({ connectorName: name, state, tasksRunning: 0, tasksTotal: 1, tasksFailed: state === "FAILED" ? 1 : 0, trace });

    const t1 = new Date("2030-01-01T00:00:00Z");
    await recordClusterHealth(t.db, c.id, [run("m", "FAILED", "boom"), run("stray", "RUNNING")], t1);
    const t2 = new Date("2030-01-01T00:01:00Z");
    await recordClusterHealth(t.db, c.id, [run("m", "FAILED", "boom")], t2);
    let rows = await listClusterHealth(t.db, c.id);
    expect(rows.map((r) => [r.connectorName, r.state, r.connectorId])).toEqual([["m", "FAILED", managed.id]]);
    expect(rows[0]).toMatchObject({ lastFailureAt: t1, lastTrace: "boom", observedAt: t2 });

    await recordClusterHealth(t.db, c.id, [], new Date("2030-01-01T00:02:00Z"));
    rows = await listClusterHealth(t.db, c.id);
    expect(rows.map((r) => [r.connectorName, r.state])).toEqual([["m", "MISSING"]]);
  });

  it("marks a deployed connector absent from the cluster MISSING but leaves a never-deployed one unobserved (UNKNOWN)", async () => {
    const c = await createCluster(t.db, null, { name: "d", environment: "dev", connectUrls: ["http://127.0.0.1:4"], approvalsRequired: 0 });
    const input = { clusterId: c.id, teamId: payments.id, desiredState: "RUNNING" as const, config: { "connector.class": "X" }, secrets: {} };
    const deployed = await createConnector(t.db, null, { ...input, name: "deployed" });
    await markConnectorDeployed(t.db, null, deployed.id, deployed.version);
    const draft = await createConnector(t.db, null, { ...input, name: "draft" });

    await recordClusterHealth(t.db, c.id, [], new Date("2030-01-01T00:00:00Z"));

    const rows = await listClusterHealth(t.db, c.id);
    expect(rows.map((r) => [r.connectorName, r.state, r.connectorId])).toEqual([["deployed", "MISSING", deployed.id]]);
    const board = await queryBoard(t.db, { clusterId: c.id });
    // (Where never-observed rows sort is each database's NULL ordering: compare by name.)
    expect(board.items.map((r) => [r.name, r.health?.state ?? null]).sort()).toEqual([
      ["deployed", "MISSING"],
      ["draft", null],
    ]);
    expect(board.counts).toMatchObject({ MISSING: 1, UNKNOWN: 1 });
    expect((await queryBoard(t.db, { clusterId: c.id, state: "UNKNOWN" })).items.map((r) => r.id)).toEqual([draft.id]);
  });
});
