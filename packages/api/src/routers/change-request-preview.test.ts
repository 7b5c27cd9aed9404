/**
 * The review page's preview: topic items checked against the cluster's (fake) Kafka, Kafka that
 * cannot be read said rather than failing, and drift items (revert, adopt) marked on the items
 * with the live → approved changes in the plan.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordDriftMarks } from "@switchboard/db/repos/drift";
import { recordClusterHealth } from "@switchboard/db/repos/health";
import { updateCluster } from "@switchboard/db/repos/clusters";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { detectDrift } from "@switchboard/engine/drift";
import { webManager } from "@switchboard/domain/change-pipeline";
import { withConnect, withTopics } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";
import { buildWorld, FILE_SINK, SECRET, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
  await updateCluster(w.db, null, w.prod.id, { bootstrapServers: "127.0.0.1:9" });
});
afterEach(() => testDb.cleanup());

const createTopic = (teamId: string, name: string) => ({ action: "create_topic" as const, teamId, name, partitions: 3, replicationFactor: 1 });
const deleteTopic = (teamId: string, name: string) => ({ action: "delete_topic" as const, teamId, name });

async function okPreview(caller: ReturnType<World["caller"]>, id: string) {
  const preview = await caller.changeRequest.preview({ id });
  if (!preview.ok) throw new Error(preview.message);
  return preview;
}

describe("changeRequest.preview of topic items", () => {
  it("reads the cluster's topics: a creation of an existing topic is left alone, a deletion of a missing one has nothing to delete", async () => {
    const { id } = await w.caller("owner").changeRequest.create({
      clusterId: w.prod.id,
      title: "Topics",
      items: [createTopic(w.payments.id, "payments.ledger"), createTopic(w.payments.id, "payments.refunds"), deleteTopic(w.payments.id, "payments.gone"), deleteTopic(w.payments.id, "payments.old-audit")],
    });
    const preview = await okPreview(w.caller("owner"), id);
    expect(preview.topics).toEqual({
      checked: true,
      items: [
        { name: "payments.ledger", action: "create_topic", exists: true, note: "exists: left alone" },
        { name: "payments.refunds", action: "create_topic", exists: false, note: "absent: will be created" },
        { name: "payments.gone", action: "delete_topic", exists: false, note: "absent: nothing to delete" },
        { name: "payments.old-audit", action: "delete_topic", exists: true, note: "exists: will be deleted" },
      ],
    });
    // The plan is the worker's: only what is missing is created, only what exists is deleted.
    expect(preview.plan?.topicsToCreate.map((t) => t.name)).toEqual(["payments.refunds"]);
    expect(preview.plan?.topicsToDelete).toEqual(["payments.old-audit"]);
    expect(preview.risks.map((r) => r.code)).toEqual(expect.arrayContaining(["TOPIC_EXISTS", "TOPIC_MISSING"]));
  });

  it("an unreachable Kafka does not fail the preview: it says the topics were not checked and lists every topic change", async () => {
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Topics", items: [createTopic(w.payments.id, "payments.ledger")] });
    const unreachable = () => ({
      listTopics: () => Promise.reject(new Error("Could not connect to Kafka brokers 127.0.0.1:9")),
      createTopics: async () => {},
      deleteTopics: async () => {},
    });
    const caller = createCaller(withTopics(withConnect(createContextInner({ db: w.db, user: w.users.owner }), () => w.fake), unreachable));
    const preview = await okPreview(caller, id);
    expect(preview.topics).toEqual({ checked: false, reason: "Could not connect to Kafka brokers 127.0.0.1:9" });
    expect(preview.plan?.topicsToCreate.map((t) => t.name)).toEqual(["payments.ledger"]);
  });

  it("a change without topic items does not read Kafka", async () => {
    let reads = 0;
    const counting = () => ({ listTopics: async () => (reads++, []), createTopics: async () => {}, deleteTopics: async () => {} });
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Pause", items: [{ action: "pause", connectorId: w.ledger.id }] });
    const caller = createCaller(withTopics(withConnect(createContextInner({ db: w.db, user: w.users.owner }), () => w.fake), counting));
    expect((await okPreview(caller, id)).topics).toBeUndefined();
    expect(reads).toBe(0);
  });
});

describe("drift items on the review page", () => {
  beforeEach(async () => {
    // Someone sets tasks.max to 3 on the cluster behind Switchboard's back; the monitor marks it.
    const live = w.fake.connectors.get(w.ledger.name)!;
    live.config = { ...live.config, "tasks.max": "3" };
    await recordClusterHealth(w.db, w.prod.id, [w.ledger, w.clicks].map((c) => ({ connectorName: c.name, state: "RUNNING", tasksRunning: 1, tasksTotal: 1, tasksFailed: 0 })));
    const report = detectDrift(
      { id: w.ledger.id, config: { ...w.ledger.config, "ledger.api.token": SECRET }, state: "RUNNING", version: 1, manager: webManager(w.prod.id), stamped: true },
      { name: w.ledger.name, config: live.config, type: "sink", state: "RUNNING", tasks: [] },
    );
    await recordDriftMarks(w.db, w.prod.id, [{ connectorName: w.ledger.name, drift: JSON.stringify(report) }]);
  });

  it("a revert's item is marked as one, and the preview holds the live → approved changes (its stored diff is all unchanged)", async () => {
    const { id } = await w.caller("owner").drift.revert({ id: w.ledger.id });
    const view = await w.caller("owner").changeRequest.byId({ id });
    expect(view.items[0]?.drift).toBe("revert");
    expect(view.items[0]?.diff.every((r) => r.status === "unchanged")).toBe(true);
    const preview = await okPreview(w.caller("owner"), id);
    const update = preview.plan?.actions.find((a) => a.name === w.ledger.name);
    expect(update).toMatchObject({ kind: "update", changes: [{ op: "change", key: "tasks.max", before: "3", after: "1" }] });
    expect(JSON.stringify(preview)).not.toContain(SECRET);
  });

  it("an adoption's item is marked as one; the plan leaves the cluster as it is", async () => {
    const { id } = await w.caller("owner").drift.adopt({ id: w.ledger.id });
    const view = await w.caller("owner").changeRequest.byId({ id });
    expect(view.items[0]?.drift).toBe("adopt");
    const preview = await okPreview(w.caller("owner"), id);
    expect(preview.plan?.actions.filter((a) => a.kind !== "noop" && a.kind !== "skip")).toEqual([]);
  });

  it("other items carry no drift mark", async () => {
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Pause", items: [{ action: "pause", connectorId: w.ledger.id }] });
    expect((await w.caller("owner").changeRequest.byId({ id })).items[0]?.drift).toBeNull();
  });
});

describe("changeRequest.validate", () => {
  it("reads the cluster's plugin inventory once for two validations in a row, and asks the validator each time", async () => {
    const validate = (tasks: string) => w.caller("owner").changeRequest.validate({ clusterId: w.prod.id, connectorClass: FILE_SINK, config: { topics: "t", file: "/tmp/x", "tasks.max": tasks } });
    expect(await validate("1")).toMatchObject({ reachable: true });
    expect(await validate("2")).toMatchObject({ reachable: true });
    expect(w.fake.calls.filter((c) => c.method === "listPlugins")).toHaveLength(1);
    expect(w.fake.calls.filter((c) => c.method === "validateConfig")).toHaveLength(2);
  });
});
