/**
 * Moving a connector to another cluster through the API with real sessions: who may move what, the
 * stricter approval policy of the two clusters, clear errors for a bad target, and the name on the
 * target checked at create, submit, preview and deploy (naming the holder).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createConnector, markConnectorDeployed } from "@switchboard/db/repos/connectors";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createFakeConnect, type FakeConnect } from "@switchboard/engine/fake-connect";
import { stampConfig } from "@switchboard/engine/managed";
import { withConnect } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";
import { buildWorld, FILE_SINK, SECRET, type Actor, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;
/** The dev cluster's Connect (the fixture's fake is prod's). */
let devFake: FakeConnect;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
  devFake = createFakeConnect();
});
afterEach(() => testDb.cleanup());

/** A caller whose Connect client is the fake of the cluster asked for. */
const caller = (actor: Exclude<Actor, "anonymous">) =>
  createCaller(withConnect(createContextInner({ db: w.db, user: w.users[actor] }), (cluster) => (cluster.id === w.dev.id ? devFake : w.fake)));

const moveLedger = (targetClusterId: string) => ({ action: "move" as const, connectorId: w.ledger.id, targetClusterId });

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the call to be refused");
}

describe("moving a connector", () => {
  it("stores the move with its target and shows both clusters, never the connector's secret", async () => {
    const { id } = await caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Move the ledger", rationale: "", items: [moveLedger(w.dev.id)] });
    const detail = await caller("approver").changeRequest.byId({ id });
    expect(detail.items[0]).toMatchObject({ action: "move", connectorName: "payments-ledger", moveTo: { id: w.dev.id, name: "dev" }, stateChange: null });
    const preview = await caller("approver").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.moves).toEqual([{ connectorName: "payments-ledger", from: { id: w.prod.id, name: "prod" }, to: { id: w.dev.id, name: "dev" } }]);
    expect(preview.plan?.actions).toEqual([]);
    expect(preview.valid).toBe(true);
    expect(JSON.stringify([detail, preview])).not.toContain(SECRET);
  });

  it("needs the stricter of the two clusters' approvals: a move from dev (0) to prod (2) needs two", async () => {
    const config = { "connector.class": FILE_SINK, topics: "payments.dev", file: "/tmp/dev.txt" };
    const devSink = await createConnector(w.db, null, { name: "payments-dev", clusterId: w.dev.id, teamId: w.payments.id, desiredState: "RUNNING", config, secrets: {} });
    await markConnectorDeployed(w.db, null, devSink.id, 1);
    devFake.connectors.set("payments-dev", { config: stampConfig(config, { id: devSink.id, version: 1, manager: `web/${w.dev.id}` }), state: "RUNNING", tasks: [], type: "sink" });

    const { id } = await caller("owner").changeRequest.create({ clusterId: w.dev.id, title: "Promote", rationale: "", items: [{ action: "move", connectorId: devSink.id, targetClusterId: w.prod.id }] });
    await caller("owner").changeRequest.submit({ id });
    expect((await caller("owner").changeRequest.byId({ id })).approvals).toEqual({ count: 0, required: 2 });
    // dev alone needs no approval: a deploy now must be refused.
    expect(await codeOf(caller("owner").changeRequest.deploy({ id }))).toEqual({ code: "PRECONDITION_FAILED", message: "It is in review; only approved change requests deploy." });
    await caller("approver").changeRequest.review({ id, decision: "approve" });
    expect((await caller("owner").changeRequest.byId({ id })).status).toBe("in_review");
    await caller("approver2").changeRequest.review({ id, decision: "approve" });
    expect((await caller("owner").changeRequest.byId({ id })).status).toBe("approved");
  });

  it("refuses another team's owner: they cannot move a connector they do not own", async () => {
    expect(await codeOf(caller("otherOwner").changeRequest.create({ clusterId: w.prod.id, title: "Take it", rationale: "", items: [moveLedger(w.dev.id)] }))).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("payments"),
    });
  });

  it("refuses a viewer", async () => {
    expect((await codeOf(caller("viewer").changeRequest.create({ clusterId: w.prod.id, title: "Move", rationale: "", items: [moveLedger(w.dev.id)] }))).code).toBe("FORBIDDEN");
  });

  it("never lets the author approve their own move", async () => {
    const { id } = await caller("approver").changeRequest.create({ clusterId: w.prod.id, title: "Move the ledger", rationale: "", items: [moveLedger(w.dev.id)] });
    await caller("approver").changeRequest.submit({ id });
    expect((await codeOf(caller("approver").changeRequest.review({ id, decision: "approve" }))).code).toBe("FORBIDDEN");
  });

  it("answers an unknown target cluster with a clear 400", async () => {
    expect(await codeOf(caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Move", rationale: "", items: [moveLedger("no-such-cluster")] }))).toEqual({
      code: "BAD_REQUEST",
      message: "No such target cluster.",
    });
  });

  it("answers a move to the connector's own cluster with a clear 400", async () => {
    expect(await codeOf(caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Move", rationale: "", items: [moveLedger(w.prod.id)] }))).toEqual({
      code: "BAD_REQUEST",
      message: "payments-ledger is already on cluster prod; pick another cluster to move it to.",
    });
  });

  it("refuses a name a stored connector holds on the target, naming its team, at create and again at submit", async () => {
    const config = { "connector.class": FILE_SINK, topics: "x", file: "/tmp/x.txt" };
    const { id } = await caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Move", rationale: "", items: [moveLedger(w.dev.id)] });
    // The name is taken on dev after the draft was written.
    await createConnector(w.db, null, { name: "payments-ledger", clusterId: w.dev.id, teamId: w.analytics.id, desiredState: "RUNNING", config, secrets: {} });
    expect(await codeOf(caller("owner").changeRequest.submit({ id }))).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("owned by team analytics") });
    expect(await codeOf(caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Move", rationale: "", items: [moveLedger(w.dev.id)] }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already exists on cluster dev, owned by team analytics"),
    });
  });

  it("refuses a name a live connector holds on the target at preview and at deploy, naming the holder", async () => {
    devFake.connectors.set("payments-ledger", { config: stampConfig({ "connector.class": FILE_SINK, topics: "x" }, { id: "ops-ledger", version: 3, manager: "cli/ops" }), state: "RUNNING", tasks: [], type: "sink" });
    const { id } = await caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "Move", rationale: "", items: [moveLedger(w.dev.id)] });
    await caller("owner").changeRequest.submit({ id });
    const preview = await caller("approver").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.valid).toBe(false);
    expect(preview.conflicts).toEqual(["The name payments-ledger is taken on cluster dev by a connector managed by cli/ops; it cannot be moved there."]);

    await caller("approver").changeRequest.review({ id, decision: "approve" });
    await caller("approver2").changeRequest.review({ id, decision: "approve" });
    expect(await codeOf(caller("owner").changeRequest.deploy({ id }))).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("taken on cluster dev by a connector managed by cli/ops") });
    expect((await caller("owner").changeRequest.byId({ id })).status).toBe("approved");
  });
});
