/**
 * The board snapshot on PostgreSQL, as a replica sees it: writes made by another replica's connection
 * that never reached this process's bus still show within the probe interval. (board-snapshot.test.ts
 * checks every query against `queryBoard` on SQLite; on PostgreSQL that reference orders connectors
 * never observed by the database's own NULL ordering, so it is not run there.)
 */
import { createCluster } from "@switchboard/db/repos/clusters";
import { createConnector } from "@switchboard/db/repos/connectors";
import { recordClusterHealth } from "@switchboard/db/repos/health";
import { createTeam } from "@switchboard/db/repos/teams";
import { createDb, isPostgres } from "@switchboard/db/client";
import { createTestDb } from "@switchboard/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { BoardSnapshot, probeIntervalMs } from "./board-snapshot";

const t = await createTestDb();
const otherReplica = createDb(t.url);
const snapshot = new BoardSnapshot(t.db);
afterAll(async () => {
  snapshot.close();
  await otherReplica.$disconnect();
  await t.cleanup();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("board snapshot on PostgreSQL", () => {
  it("shows another replica's health and connector writes within the probe interval", async () => {
    expect(isPostgres(t.db)).toBe(true);
    const cluster = await createCluster(t.db, null, { name: "alpha", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 1 });
    const team = await createTeam(t.db, null, { name: "payments" });
    const names = ["a-sink", "b-sink", "c-sink"];
    const ids = [];
    for (const name of names) ids.push((await createConnector(t.db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config: { "connector.class": "X" }, secrets: {} })).id);
    await recordClusterHealth(t.db, cluster.id, names.map((connectorName) => ({ connectorName, state: "RUNNING" as const, tasksRunning: 1, tasksTotal: 1, tasksFailed: 0 })));
    await snapshot.current();
    expect(snapshot.query({ state: "RUNNING" }).total).toBe(3);

    await otherReplica.connectorHealth.update({ where: { connectorId: ids[1] }, data: { state: "FAILED", severity: 70, observedAt: new Date() } });
    await otherReplica.connector.update({ where: { id: ids[2] }, data: { desiredState: "PAUSED" } });
    await sleep(probeIntervalMs(t.db) + 50);
    await snapshot.current();
    expect(snapshot.query({ state: "FAILED" }).items.map((i) => i.name)).toEqual(["b-sink"]);
    expect(snapshot.query({}).items.map((i) => i.name)[0]).toBe("b-sink");
    expect(snapshot.query({}).items.find((i) => i.name === "c-sink")?.desiredState).toBe("PAUSED");
  });
});
