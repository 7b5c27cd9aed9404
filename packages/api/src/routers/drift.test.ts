import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { recordDriftMarks } from "@switchboard/db/repos/drift";
import { recordClusterHealth } from "@switchboard/db/repos/health";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { describeDrift, detectDrift } from "@switchboard/engine/drift";
import { webManager } from "@switchboard/domain/change-pipeline";
import { buildWorld, SECRET, type Actor, type World } from "./change-request.fixture";

const LIVE_SECRET = "token-typed-into-connect-by-hand";

let testDb: TestDb;
let w: World;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
  // Someone edits payments-ledger on the cluster behind Switchboard's back; the monitor marks it DRIFTED.
  const live = w.fake.connectors.get(w.ledger.name)!;
  live.config = { ...live.config, "tasks.max": "3", "ledger.api.token": LIVE_SECRET };
  await recordClusterHealth(w.db, w.prod.id, [w.ledger, w.clicks].map((c) => ({ connectorName: c.name, state: "RUNNING", tasksRunning: 1, tasksTotal: 1, tasksFailed: 0 })));
  const report = detectDrift(
    { id: w.ledger.id, config: { ...w.ledger.config, "ledger.api.token": SECRET }, state: "RUNNING", version: 1, manager: webManager(w.prod.id), stamped: true },
    { name: w.ledger.name, config: live.config, type: "sink", state: "RUNNING", tasks: [] },
  );
  await recordDriftMarks(w.db, w.prod.id, [{ connectorName: w.ledger.name, drift: JSON.stringify(report) }]);
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

describe("drift.revert and drift.adopt", () => {
  it("only those who may act for the connector's team: not another team's owner, not a viewer, not anonymous", async () => {
    for (const verb of ["revert", "adopt"] as const) {
      const run = (actor: Actor) => outcome(() => w.caller(actor).drift[verb]({ id: w.ledger.id }));
      expect(await run("anonymous")).toBe("UNAUTHORIZED");
      expect(await run("viewer")).toBe("FORBIDDEN");
      expect(await run("otherOwner")).toBe("FORBIDDEN");
      expect(await run("owner")).toBe("OK");
      expect(await run("approver")).toBe("OK");
      expect(await run("admin")).toBe("OK");
    }
  });

  it("refuses a connector in step", async () => {
    expect(await outcome(() => w.caller("otherOwner").drift.revert({ id: w.clicks.id }))).toBe("PRECONDITION_FAILED");
    expect(await outcome(() => w.caller("otherOwner").drift.adopt({ id: w.clicks.id }))).toBe("PRECONDITION_FAILED");
  });

  it("is a draft by the caller under the normal policy: its author never approves it, another approver does", async () => {
    const { id } = await w.caller("approver").drift.revert({ id: w.ledger.id });
    expect(await getChangeRequest(w.db, id)).toMatchObject({ status: "draft", authorId: w.users.approver.id });
    await w.caller("approver").changeRequest.submit({ id });
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "mine" }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("owner").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "Back to the approved one." }))).toBe("OK");
    // prod needs two approvals: one counted, the author's never.
    expect((await w.caller("admin").changeRequest.byId({ id })).approvals).toMatchObject({ count: 1, required: 2 });
  });

  it("never shows a secret: not the stored one (revert), not the live one (adopt), not in the drift view", async () => {
    const revert = await w.caller("owner").drift.revert({ id: w.ledger.id });
    const adopt = await w.caller("owner").drift.adopt({ id: w.ledger.id });
    const view = await w.caller("viewer").drift.byConnector({ id: w.ledger.id });
    expect(view?.lines).toEqual(describeDrift({ config: { added: [], removed: [], changed: ["ledger.api.token", "tasks.max"] } }));
    const shown = JSON.stringify([view, await w.caller("owner").changeRequest.byId({ id: revert.id }), await w.caller("owner").changeRequest.byId({ id: adopt.id })]);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(LIVE_SECRET);
    // The adopted live token is stored as a secret (encrypted), decided by the server.
    expect((await getChangeRequest(w.db, adopt.id))?.items[0]).toMatchObject({ proposedSecretKeys: ["ledger.api.token"], proposedConfig: expect.objectContaining({ "tasks.max": "3" }) });
  });

  it("a client cannot mark its own item as a drift revert (which the deploy forces over the live version)", async () => {
    const item = { action: "update" as const, connectorId: w.ledger.id, config: { ...w.ledger.config, "ledger.api.token": "(sensitive)" }, payload: { drift: "revert" } };
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "sneaky", rationale: "", items: [item] });
    expect((await getChangeRequest(w.db, id))?.items[0]?.payload).toBeNull();
  });
});
