import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markConnectorDeployed } from "@switchboard/db/repos/connectors";
import { listClusterHealth, listIncidents } from "@switchboard/db/repos/health";
import { listNotifications } from "@switchboard/db/repos/notifications";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { MASK } from "@switchboard/engine/secrets";
import type { ObservedConnector } from "@switchboard/engine/model";
import { applyObservations, type MonitorContext } from "./monitor";
import { buildWorkerWorld, SECRET, silentLog, type WorkerWorld } from "./worker.fixture";

let t: TestDb;
let w: WorkerWorld;
let ctx: MonitorContext;
let queued = 0;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db, { webhookUrl: "http://127.0.0.1:9/hook" });
  queued = 0;
  ctx = { db: t.db, connectFor: () => w.fake, publicUrl: "http://switchboard.test", log: silentLog, notificationsQueued: () => queued++ };
});
afterEach(() => t.cleanup());

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
// As the status topic describes a connector: no config.
const failing = (name: string, trace: string): ObservedConnector => ({ name, config: null, type: "unknown", state: "RUNNING", tasks: [{ id: 0, state: "FAILED", trace }] });
const apply = (observed: ObservedConnector[], scope: string[] | null, s: number) => applyObservations(ctx, w.fake, w.cluster, observed, scope, at(s));
const openNames = async () => (await listIncidents(t.db, { clusterId: w.cluster.id, state: "open" })).items.map((i) => i.connectorName).sort();
const rows = async () => Object.fromEntries((await listClusterHealth(t.db, w.cluster.id)).map((h) => [h.connectorName, h.state]));

describe("applyObservations for some connectors (status topic)", () => {
  it("opens an incident, notifies the owners once with the stored secret masked, and asks for delivery", async () => {
    const r = await apply([failing("payments-sink", `boom with ${SECRET}`)], ["payments-sink"], 0);
    expect(r).toMatchObject({ opened: ["payments-sink"], notified: ["payments-sink"] });
    expect(queued).toBe(1);
    const [incident] = (await listIncidents(t.db, { connectorId: w.connector.id })).items;
    expect(incident?.trace).toBe(`boom with ${MASK}`);
    const sent = await listNotifications(t.db, { incidentId: incident?.id });
    expect(sent.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(sent.items)).not.toContain(SECRET);
    // The same record again (a replayed topic) neither opens nor notifies twice.
    expect(await apply([failing("payments-sink", "boom")], ["payments-sink"], 1)).toMatchObject({ opened: [], notified: [] });
    expect(queued).toBe(1);
  });

  it("touches only the connectors in scope: others keep their rows and incidents", async () => {
    await apply([failing("payments-sink", "a"), failing("unmanaged-1", "b")], null, 0);
    expect(await openNames()).toEqual(["payments-sink", "unmanaged-1"]);
    // A record about a third connector says nothing about the first two.
    await apply([{ name: "other-2", config: null, type: "unknown", state: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }] }], ["other-2"], 1);
    expect(await openNames()).toEqual(["payments-sink", "unmanaged-1"]);
    expect(await rows()).toEqual({ "payments-sink": "FAILED", "unmanaged-1": "FAILED", "other-2": "RUNNING" });
  });

  it("ends a deleted connector cleanly: an unmanaged one's row goes, a deployed managed one becomes MISSING", async () => {
    await markConnectorDeployed(t.db, null, w.connector.id, 1);
    await apply([failing("payments-sink", "a"), failing("unmanaged-1", "b")], null, 0);
    const r = await apply([], ["unmanaged-1"], 1);
    expect(r.closed).toEqual(["unmanaged-1"]);
    expect(await rows()).toEqual({ "payments-sink": "FAILED" });
    await apply([], ["payments-sink"], 2);
    expect(await openNames()).toEqual([]);
    expect(await rows()).toEqual({ "payments-sink": "MISSING" });
  });
});
