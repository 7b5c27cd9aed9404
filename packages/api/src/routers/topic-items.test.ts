/**
 * Topic change items through the API with real sessions: who may ask for a topic creation or
 * deletion, the rule that a team never deletes a topic another team's connector uses, Kafka's name
 * rules and bounds, the refusal on a cluster without bootstrap servers, and a deletion that the
 * preview shows as the destructive step it is.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { updateCluster } from "@switchboard/db/repos/clusters";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { buildWorld, type Actor, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
  await updateCluster(w.db, null, w.prod.id, { bootstrapServers: "127.0.0.1:9" });
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

type ItemsInput = Parameters<ReturnType<World["caller"]>["changeRequest"]["create"]>[0]["items"];

function draft(actor: Actor, items: ItemsInput, clusterId = w.prod.id) {
  return w.caller(actor).changeRequest.create({ clusterId, title: "Topics", rationale: "Topics for the ledger", items });
}

const createTopic = (teamId: string, name = "payments.refunds") => ({ action: "create_topic" as const, teamId, name, partitions: 3, replicationFactor: 1, config: { "cleanup.policy": "compact" } });
const deleteTopic = (teamId: string, name: string) => ({ action: "delete_topic" as const, teamId, name });

describe("topic items: who may ask", () => {
  it("create_topic: viewers and anonymous callers are refused; owners only for their own team", async () => {
    expect(await outcome(() => draft("anonymous", [createTopic(w.payments.id)]))).toBe("UNAUTHORIZED");
    expect(await outcome(() => draft("viewer", [createTopic(w.payments.id)]))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("otherOwner", [createTopic(w.payments.id)]))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("owner", [createTopic(w.payments.id)]))).toBe("OK");
    expect(await outcome(() => draft("admin", [createTopic(w.analytics.id, "analytics.sessions")]))).toBe("OK");
  });

  it("delete_topic: a team cannot delete a topic another team's connector uses, whoever asks for it", async () => {
    // analytics-clicks (team analytics) reads analytics.clicks.
    expect(await outcome(() => draft("owner", [deleteTopic(w.payments.id, "analytics.clicks")]))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("admin", [deleteTopic(w.payments.id, "analytics.clicks")]))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("viewer", [deleteTopic(w.analytics.id, "analytics.clicks")]))).toBe("FORBIDDEN");
    // Pretending to be the other team does not help: the server checks membership.
    expect(await outcome(() => draft("owner", [deleteTopic(w.analytics.id, "analytics.clicks")]))).toBe("FORBIDDEN");
    // The owning team may ask (the plan still refuses while its own connector uses it).
    expect(await outcome(() => draft("otherOwner", [deleteTopic(w.analytics.id, "analytics.clicks")]))).toBe("OK");
    // A topic no other team's connector uses.
    expect(await outcome(() => draft("owner", [deleteTopic(w.payments.id, "payments.old-audit")]))).toBe("OK");
  });

  it("delete_topic names the connector and team in the way", async () => {
    await expect(draft("owner", [deleteTopic(w.payments.id, "analytics.clicks")])).rejects.toThrow(/analytics-clicks \(team analytics\)/);
  });

  it("never deletes an internal topic", async () => {
    for (const name of ["__consumer_offsets", "_connect-offsets", "_schemas"]) {
      expect(await outcome(() => draft("admin", [deleteTopic(w.payments.id, name)]))).toBe("FORBIDDEN");
    }
  });

  it("an edit by another team's owner cannot slip a topic deletion into a change request", async () => {
    const { id } = await draft("owner", [createTopic(w.payments.id)]);
    expect(await outcome(() => w.caller("otherOwner").changeRequest.update({ id, items: [deleteTopic(w.analytics.id, "payments.ledger")] }))).toBe("FORBIDDEN");
  });
});

describe("topic items: review", () => {
  it("another user approves a submitted topic change and deploys it; its author cannot approve it", async () => {
    const { id } = await draft("owner", [createTopic(w.payments.id)]);
    await w.caller("owner").changeRequest.submit({ id });
    expect((await w.caller("owner").changeRequest.byId({ id })).permissions.canApprove.allowed).toBe(false);
    const view = await w.caller("approver").changeRequest.byId({ id });
    expect(view.permissions.canApprove).toEqual({ allowed: true, reason: null });
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
    const after = await w.caller("approver").changeRequest.byId({ id });
    expect(after.status).toBe("approved");
    expect(after.permissions.canDeploy).toEqual({ allowed: true, reason: null });
    expect(await outcome(() => w.caller("approver").changeRequest.deploy({ id }))).toBe("OK");
  });
});

describe("topic items: input", () => {
  it.each([
    ["a name with a slash", { name: "a/b" }],
    ["a name of 250 characters", { name: "t".repeat(250) }],
    ['".."', { name: ".." }],
    ["a Kafka-internal name", { name: "__mine" }],
    ["zero partitions", { partitions: 0 }],
    ["a fractional partition count", { partitions: 1.5 }],
    ["too many partitions", { partitions: 10_001 }],
    ["a replication factor of 0", { replicationFactor: 0 }],
    ["a replication factor of 33", { replicationFactor: 33 }],
    ["an upper-case config key", { config: { "Cleanup.Policy": "compact" } }],
  ])("refuses %s with BAD_REQUEST and stores nothing", async (_what, over) => {
    expect(await outcome(() => draft("owner", [{ ...createTopic(w.payments.id), ...over }]))).toBe("BAD_REQUEST");
    expect((await w.caller("owner").changeRequest.list({ page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("refuses the same topic twice in one change request", async () => {
    expect(await outcome(() => draft("owner", [createTopic(w.payments.id, "x"), deleteTopic(w.payments.id, "x")]))).toBe("BAD_REQUEST");
  });

  it("refuses topic items on a cluster without bootstrap servers, saying so", async () => {
    await expect(draft("owner", [createTopic(w.payments.id)], w.dev.id)).rejects.toThrow(/no Kafka bootstrap servers/);
    expect(await outcome(() => draft("owner", [createTopic(w.payments.id)], w.dev.id))).toBe("PRECONDITION_FAILED");
  });
});

describe("topic items: what the review shows", () => {
  it("the item carries its topic; the preview lists the creation and the deletion, the deletion as data loss", async () => {
    const { id } = await draft("owner", [createTopic(w.payments.id), deleteTopic(w.payments.id, "payments.old-audit")]);
    const view = await w.caller("approver").changeRequest.byId({ id });
    expect(view.items.map((i) => [i.action, i.connectorName, i.team?.name, i.topic])).toEqual([
      ["create_topic", "payments.refunds", "payments", { name: "payments.refunds", partitions: 3, replicationFactor: 1, config: { "cleanup.policy": "compact" } }],
      ["delete_topic", "payments.old-audit", "payments", { name: "payments.old-audit" }],
    ]);
    const preview = await w.caller("approver").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.plan?.topicsToCreate.map((t) => t.name)).toEqual(["payments.refunds"]);
    expect(preview.plan?.topicsToDelete).toEqual(["payments.old-audit"]);
    expect(preview.risks).toContainEqual(expect.objectContaining({ code: "DELETE_TOPIC", message: expect.stringMatching(/payments\.old-audit.*data is lost/) }));
  });

  it("a change without topic items plans no topic deletion", async () => {
    const { id } = await draft("owner", [{ action: "pause", connectorId: w.ledger.id }]);
    const preview = await w.caller("owner").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.plan?.topicsToDelete).toEqual([]);
    expect(preview.risks.map((r) => r.code)).not.toContain("DELETE_TOPIC");
  });

  it("the preview shows the deletion of a topic its own team's live connector uses as a conflict", async () => {
    const { id } = await draft("otherOwner", [deleteTopic(w.analytics.id, "analytics.clicks")]);
    const preview = await w.caller("otherOwner").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.valid).toBe(false);
    expect(preview.conflicts.join(" ")).toMatch(/analytics\.clicks.*analytics-clicks/);
    expect(preview.plan?.topicsToDelete).toEqual([]);
  });
});
