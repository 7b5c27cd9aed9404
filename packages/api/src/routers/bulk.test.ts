import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { getChangeRequest, listChangeRequests } from "@switchboard/db/repos/change-requests";
import { createConnector, type Connector } from "@switchboard/db/repos/connectors";
import { recordClusterHealth } from "@switchboard/db/repos/health";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { DEFAULT_APPLY_OPTIONS } from "@switchboard/domain/apply-options";
import { buildWorld, FILE_SINK, type Actor, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
});
afterEach(() => testDb.cleanup());

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

async function connector(name: string, teamId: string, clusterId = w.prod.id): Promise<Connector> {
  return createConnector(w.db, null, { name, clusterId, teamId, desiredState: "RUNNING", config: { "connector.class": FILE_SINK, topics: name, file: `/tmp/${name}.txt` }, secrets: {} });
}

/** payments: ledger (RUNNING) + 3 FAILED + 1 RUNNING on prod; analytics: clicks (RUNNING) + 2 FAILED on prod. */
async function failingWorld() {
  const pay = [await connector("pay-a", w.payments.id), await connector("pay-b", w.payments.id), await connector("pay-c", w.payments.id), await connector("pay-ok", w.payments.id)];
  const ana = [await connector("ana-a", w.analytics.id), await connector("ana-b", w.analytics.id)];
  const failed = ["pay-a", "pay-b", "pay-c", "ana-a", "ana-b"];
  await recordClusterHealth(
    w.db,
    w.prod.id,
    [w.ledger.name, w.clicks.name, ...pay.map((c) => c.name), ...ana.map((c) => c.name)].map((connectorName) =>
      failed.includes(connectorName)
        ? { connectorName, state: "FAILED" as const, tasksRunning: 0, tasksTotal: 1, tasksFailed: 1, trace: "java.lang.RuntimeException: down" }
        : { connectorName, state: "RUNNING" as const, tasksRunning: 1, tasksTotal: 1, tasksFailed: 0 },
    ),
  );
  return { pay, ana };
}

const itemNames = async (id: string) => (await getChangeRequest(w.db, id))!.items.map((i) => i.connectorName);
const changeRequestCount = async () => (await listChangeRequests(w.db)).total;

describe("labels", () => {
  it("are set by those who may act for the connector's team, normalised, audited, and never by a viewer or another team", async () => {
    expect(await w.caller("owner").connector.setLabels({ id: w.ledger.id, labels: ["Tier=Gold", " env=prod ", "pci", "pci"] })).toEqual({ labels: ["env=prod", "pci", "tier=gold"] });
    expect(await outcome(() => w.caller("otherOwner").connector.setLabels({ id: w.ledger.id, labels: ["hijacked"] }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").connector.setLabels({ id: w.ledger.id, labels: ["x"] }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("anonymous").connector.setLabels({ id: w.ledger.id, labels: ["x"] }))).toBe("UNAUTHORIZED");
    expect(await outcome(() => w.caller("approver").connector.setLabels({ id: w.clicks.id, labels: ["team=analytics"] }))).toBe("OK");
    expect((await w.caller("viewer").connector.byId({ id: w.ledger.id })).labels).toEqual(["env=prod", "pci", "tier=gold"]);
    const audit = await listAuditEvents(w.db, { entityType: "connector", entityId: w.ledger.id });
    expect(audit.items.filter((e) => e.action === "connector.setLabels")).toHaveLength(1);
  });

  it("refuses malformed labels, two values for one key and too many, changing nothing", async () => {
    await w.caller("owner").connector.setLabels({ id: w.ledger.id, labels: ["env=prod"] });
    for (const labels of [["has space"], ["under_score"], ["a=b=c"], ["=x"], ["-x"], ["x".repeat(64)], ["env=prod", "env=dev"], Array.from({ length: 21 }, (_, i) => `l${i}`)]) {
      expect(await outcome(() => w.caller("owner").connector.setLabels({ id: w.ledger.id, labels })), JSON.stringify(labels)).toBe("BAD_REQUEST");
    }
    expect((await w.caller("owner").connector.byId({ id: w.ledger.id })).labels).toEqual(["env=prod"]);
  });

  it("filter the board: key=value matches that label, a key matches any value, several must all match", async () => {
    const other = await connector("pay-dev", w.payments.id);
    await w.caller("owner").connector.setLabels({ id: w.ledger.id, labels: ["env=prod", "pci"] });
    await w.caller("owner").connector.setLabels({ id: other.id, labels: ["env=dev"] });
    const board = async (labels: string[]) => (await w.caller("viewer").connector.board({ labels })).items.map((i) => i.name).sort();
    expect(await board(["env=prod"])).toEqual(["payments-ledger"]);
    expect(await board(["ENV"])).toEqual(["pay-dev", "payments-ledger"]);
    expect(await board(["env", "pci"])).toEqual(["payments-ledger"]);
    expect(await board(["env=pro"])).toEqual([]);
    expect((await w.caller("viewer").connector.board({ labels: ["env"] })).items.find((i) => i.name === "pay-dev")?.labels).toEqual(["env=dev"]);
    expect(await outcome(() => w.caller("viewer").connector.board({ labels: ["no spaces"] }))).toBe("BAD_REQUEST");
  });
});

describe("bulk changes", () => {
  it('"restart every FAILED connector of team payments": one draft with exactly those, bulk apply options, from two inputs', async () => {
    const { pay } = await failingWorld();
    const selection = { teamId: w.payments.id, state: "FAILED" as const };
    const selected = await w.caller("owner").bulk.select({ selection });
    expect(selected).toMatchObject({ total: 3, excluded: 0 });
    const opened = await w.caller("owner").bulk.open({ selection, operation: { action: "restart" } });
    expect(opened).toMatchObject({ total: 3, excluded: 0, changeRequests: [{ cluster: { id: w.prod.id, name: "prod" }, items: 3 }] });
    const id = opened.changeRequests[0]!.id;
    expect(await itemNames(id)).toEqual(pay.slice(0, 3).map((c) => c.name));
    const detail = await w.caller("owner").changeRequest.byId({ id });
    expect(detail).toMatchObject({ status: "draft", title: "Restart 3 connectors (team payments, state FAILED)", applyOptions: DEFAULT_APPLY_OPTIONS });
    expect(detail.items.map((i) => i.action)).toEqual(["restart", "restart", "restart"]);
  });

  it("never includes another team's connectors, even when the filter names that team or their ids", async () => {
    const { pay, ana } = await failingWorld();
    const before = await changeRequestCount();
    // Naming the other team: nothing the owner may act for.
    expect(await outcome(() => w.caller("owner").bulk.open({ selection: { teamId: w.analytics.id }, operation: { action: "pause" } }))).toBe("BAD_REQUEST");
    // Naming only the other team's ids: the same.
    expect(await outcome(() => w.caller("owner").bulk.open({ selection: { connectorIds: ana.map((c) => c.id) }, operation: { action: "delete" } }))).toBe("BAD_REQUEST");
    expect(await changeRequestCount()).toBe(before);
    // Mixed ids: only the owner's own, and the rest is said to be left out.
    const mixed = await w.caller("owner").bulk.open({ selection: { state: "FAILED", connectorIds: [pay[0]!.id, ana[0]!.id, ana[1]!.id] }, operation: { action: "stop" } });
    expect(mixed).toMatchObject({ total: 1, excluded: 2 });
    expect(await itemNames(mixed.changeRequests[0]!.id)).toEqual([pay[0]!.name]);
    // No team named: only the owner's teams.
    const all = await w.caller("owner").bulk.open({ selection: { state: "FAILED" }, operation: { action: "restart", onlyFailed: true } });
    expect(all).toMatchObject({ total: 3, excluded: 2 });
    expect(await itemNames(all.changeRequests[0]!.id)).toEqual(pay.slice(0, 3).map((c) => c.name));
  });

  it("ids only narrow a selection: an id the filters do not select is not added", async () => {
    const { pay } = await failingWorld();
    const opened = await w.caller("owner").bulk.open({ selection: { state: "FAILED", connectorIds: [pay[0]!.id, pay[3]!.id, w.ledger.id] }, operation: { action: "pause" } });
    expect(await itemNames(opened.changeRequests[0]!.id)).toEqual([pay[0]!.name]);
  });

  it("viewers and anonymous callers can neither select nor open one", async () => {
    await failingWorld();
    expect(await outcome(() => w.caller("viewer").bulk.open({ selection: {}, operation: { action: "pause" } }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").bulk.select({ selection: {} }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("anonymous").bulk.open({ selection: {}, operation: { action: "pause" } }))).toBe("UNAUTHORIZED");
    expect(await changeRequestCount()).toBe(0);
  });

  it("the author of a bulk change cannot approve it; another approver can", async () => {
    await failingWorld();
    const opened = await w.caller("approver").bulk.open({ selection: { state: "FAILED" }, operation: { action: "restart" } });
    expect(opened.total).toBe(5);
    const id = opened.changeRequests[0]!.id;
    await w.caller("approver").changeRequest.submit({ id });
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve" }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("approver2").changeRequest.review({ id, decision: "approve" }))).toBe("OK");
  });

  it("opened and submitted in one step, it is in review and its author still cannot approve it", async () => {
    await failingWorld();
    const opened = await w.caller("approver").bulk.open({ selection: { state: "FAILED" }, operation: { action: "restart" }, submit: true });
    const id = opened.changeRequests[0]!.id;
    expect((await getChangeRequest(w.db, id))?.status).toBe("in_review");
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve" }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("approver2").changeRequest.review({ id, decision: "approve" }))).toBe("OK");
  });

  it("opens one draft per cluster when the selection spans clusters, and says so", async () => {
    const devOne = await connector("dev-one", w.payments.id, w.dev.id);
    await w.caller("owner").connector.setLabels({ id: devOne.id, labels: ["bulk"] });
    await w.caller("owner").connector.setLabels({ id: w.ledger.id, labels: ["bulk"] });
    const opened = await w.caller("owner").bulk.open({ selection: { labels: ["bulk"] }, operation: { action: "pause" } });
    expect(opened.changeRequests.map((c) => [c.cluster.name, c.items]).sort()).toEqual([
      ["dev", 1],
      ["prod", 1],
    ]);
    for (const { id, cluster } of opened.changeRequests) {
      const cr = (await getChangeRequest(w.db, id))!;
      expect(cr.clusterId).toBe(cluster.id);
      expect(cr.title).toBe(`Pause 1 connector (label bulk) on ${cluster.name}`);
      expect(cr.rationale).toContain("One of 2 change requests");
    }
  });

  it("refuses a selection beyond the items limit with how to narrow it, creating nothing", async () => {
    for (let i = 0; i < 200; i++) await connector(`many-${String(i).padStart(3, "0")}`, w.payments.id);
    const err = await w.caller("owner").bulk.open({ selection: { teamId: w.payments.id }, operation: { action: "pause" } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("The selection holds 201 connectors; a bulk change takes at most 200. Narrow it by team, cluster, label, state or search") });
    expect(await changeRequestCount()).toBe(0);
    expect((await w.caller("owner").bulk.open({ selection: { teamId: w.payments.id, search: "many-" }, operation: { action: "pause" } })).total).toBe(200);
  }, 60_000);

  it("restarts a single task: the item carries the task and the preview plans that task's restart", async () => {
    const opened = await w.caller("owner").bulk.open({ selection: { connectorIds: [w.ledger.id] }, operation: { action: "restart", taskId: 0 } });
    const id = opened.changeRequests[0]!.id;
    expect((await getChangeRequest(w.db, id))!.items[0]).toMatchObject({ action: "restart", payload: { taskId: 0 } });
    const preview = await w.caller("owner").changeRequest.preview({ id });
    expect(preview.ok && preview.plan?.actions.find((a) => a.kind === "restart")).toMatchObject({ name: "payments-ledger", reason: "restart of task 0 requested" });
    expect(await outcome(() => w.caller("owner").bulk.open({ selection: {}, operation: { action: "restart", onlyFailed: true, taskId: 0 } }))).toBe("BAD_REQUEST");
  });
});

describe("apply options", () => {
  it("are set by the author (or an admin) while a draft, and by nobody once submitted", async () => {
    const { id } = (await w.caller("owner").bulk.open({ selection: { connectorIds: [w.ledger.id] }, operation: { action: "pause" } })).changeRequests[0]!;
    const options = { concurrency: 2, ratePerSecond: 0.5, haltAfterFailures: 1 };
    const set = (actor: Actor, applyOptions = options) => outcome(() => w.caller(actor).changeRequest.setApplyOptions({ id, applyOptions }));
    expect(await set("otherOwner")).toBe("FORBIDDEN");
    expect(await set("approver")).toBe("FORBIDDEN");
    expect(await set("viewer")).toBe("FORBIDDEN");
    expect(await set("owner", { ...options, concurrency: 0 })).toBe("BAD_REQUEST");
    expect(await set("owner", { ...options, ratePerSecond: 1000 })).toBe("BAD_REQUEST");
    expect(await set("owner")).toBe("OK");
    expect((await w.caller("viewer").changeRequest.byId({ id })).applyOptions).toEqual(options);
    await w.caller("owner").changeRequest.submit({ id });
    expect(await set("owner", { ...options, concurrency: 8 })).toBe("PRECONDITION_FAILED");
    expect((await w.caller("viewer").changeRequest.byId({ id })).applyOptions).toEqual(options);
  });

  it("a change request opened by hand has none (the engine's defaults)", async () => {
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Pause", rationale: "", items: [{ action: "pause", connectorId: w.ledger.id }] });
    expect((await w.caller("owner").changeRequest.byId({ id })).applyOptions).toBeNull();
  });
});
