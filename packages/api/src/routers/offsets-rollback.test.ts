/**
 * Offsets as a change and rollback, attacked through the API with real sessions: another team, a
 * viewer, the rollback's author approving it, hostile offset payloads. Deploys run on an in-process
 * worker against the fake Connect.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countChangeRequestsByStatus, getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createConnector } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import type { ConnectorOffset } from "@switchboard/engine/port";
import { startWorker } from "@switchboard/worker/loop";
import { silentLog, waitFor } from "@switchboard/worker/worker.fixture";
import { buildWorld, ledgerUpdate, SECRET, type Actor, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;
let stop: AbortController;

const committed: ConnectorOffset[] = [
  { partition: { kafka_topic: "payments.ledger", kafka_partition: 0 }, offset: { kafka_offset: 42 } },
  { partition: { kafka_topic: "payments.ledger", kafka_partition: 1 }, offset: { kafka_offset: 7 } },
];

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
  w.fake.connectors.get(w.ledger.name)!.offsets = structuredClone(committed);
  stop = new AbortController();
  void startWorker({
    db: w.db,
    workerId: "worker-offsets",
    signal: stop.signal,
    pollMs: 10,
    leaseMs: 2_000,
    stopGraceMs: 0,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { connectFor: () => w.fake, topicsFor: () => undefined, log: silentLog, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 0, pollIntervalMs: 5, verifyTimeoutMs: 2_000 } },
  });
});
afterEach(async () => {
  stop.abort();
  await testDb.cleanup();
});

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

type Items = Parameters<ReturnType<World["caller"]>["changeRequest"]["create"]>[0]["items"];
const draft = (actor: Actor, items: Items) => w.caller(actor).changeRequest.create({ clusterId: w.prod.id, title: "Offsets", rationale: "", items });

/** Submitted by its author, approved by both approvers (prod needs two), deployed by `deployer`, finished. */
async function deployed(id: string, author: Actor = "owner", approvers: Actor[] = ["approver", "approver2"]) {
  await w.caller(author).changeRequest.submit({ id });
  for (const a of approvers) await w.caller(a).changeRequest.review({ id, decision: "approve", comment: "" });
  const { deploymentId } = await w.caller(author).changeRequest.deploy({ id });
  const d = await waitFor(async () => {
    const d = await getDeployment(w.db, deploymentId);
    return d?.status === "succeeded" || d?.status === "failed" ? d : undefined;
  }, 10_000, "the deployment to finish");
  return { deploymentId, status: d.status, report: d.report as DeploymentReport };
}

describe("reading offsets", () => {
  it("shows a connector's committed offsets to any signed-in user, never to anonymous callers", async () => {
    expect(await w.caller("viewer").offsets.live({ id: w.ledger.id })).toEqual({ ok: true, onCluster: true, offsets: committed });
    expect(await outcome(() => w.caller("anonymous").offsets.live({ id: w.ledger.id }))).toBe("UNAUTHORIZED");
    w.fake.connectors.delete(w.ledger.name);
    expect(await w.caller("owner").offsets.live({ id: w.ledger.id })).toEqual({ ok: true, onCluster: false });
  });
});

describe("reset and set offsets through a change request", () => {
  it("only the connector's team (and approvers, admins) may ask; viewers and other teams are refused", async () => {
    const reset = [{ action: "reset_offsets" as const, connectorId: w.ledger.id }];
    const set = [{ action: "set_offsets" as const, connectorId: w.ledger.id, offsets: [committed[0]!] }];
    expect(await outcome(() => draft("viewer", reset))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("otherOwner", reset))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("otherOwner", set))).toBe("FORBIDDEN");
    expect(await outcome(() => draft("owner", reset))).toBe("OK");
    expect(await outcome(() => draft("approver", set))).toBe("OK");
  });

  it("refuses hostile payloads with a clear 400 and creates nothing", async () => {
    const before = await countChangeRequestsByStatus(w.db);
    const p = (i: number) => ({ partition: { kafka_topic: "payments.ledger", kafka_partition: i }, offset: { kafka_offset: 1 } });
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 50; i++) deep = { nested: deep };
    const hostile: Array<[string, unknown, RegExp]> = [
      ["huge", Array.from({ length: 10_001 }, (_, i) => p(i)), /At most 10,000 partitions/],
      ["deep", [{ partition: { kafka_topic: "t", kafka_partition: 0 }, offset: deep }], /nested deeper/],
      ["__proto__", JSON.parse('[{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"__proto__": {"polluted": true}}}]'), /__proto__\W+is not allowed/],
      ["__proto__ in partition", JSON.parse('[{"partition": {"__proto__": {"x": 1}}, "offset": {"kafka_offset": 1}}]'), /__proto__\W+is not allowed/],
      ["constructor", [{ partition: { constructor: "x" }, offset: { kafka_offset: 1 } }], /constructor\W+is not allowed/],
      ["a top-level __proto__ key", JSON.parse('[{"partition": {"kafka_topic": "t"}, "offset": null, "__proto__": {"polluted": true}}]'), /unrecognized key|__proto__/i],
      ["a long string", [{ partition: { kafka_topic: "x".repeat(5_000) }, offset: null }], /at most 1024 characters/],
      ["an empty partition", [{ partition: {}, offset: { kafka_offset: 1 } }], /cannot be empty/],
      ["not an object", [{ partition: "orders-0", offset: 1 }], /must be an object/],
      ["a partition twice", [p(0), p(0)], /appears twice/],
      ["no partitions", [], /at least one partition/],
    ];
    for (const [what, offsets, message] of hostile) {
      const err = await w.caller("owner").changeRequest
        .create({ clusterId: w.prod.id, title: "x", items: [{ action: "set_offsets", connectorId: w.ledger.id, offsets } as never] })
        .then(() => null, (e: unknown) => e as { code: string; message: string });
      expect(err?.code, what).toBe("BAD_REQUEST");
      expect(err?.message, what).toMatch(message);
      expect(err?.message, what).not.toMatch(/\n\s+at /);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await countChangeRequestsByStatus(w.db)).toEqual(before);
  });

  it("previews old (live) and new offsets, deploys a reset with the snapshot in the report and the connector back RUNNING", async () => {
    const { id } = await draft("owner", [{ action: "reset_offsets", connectorId: w.ledger.id }]);
    const preview = await w.caller("owner").changeRequest.preview({ id });
    expect(preview).toMatchObject({ ok: true, valid: true, offsets: [{ connector: w.ledger.name, action: "reset_offsets", before: committed, after: [] }] });

    const { status, report, deploymentId } = await deployed(id);
    expect(status).toBe("succeeded");
    expect(report.offsets).toEqual([expect.objectContaining({ name: w.ledger.name, kind: "reset", ok: true, snapshot: committed, after: [], restored: "RUNNING" })]);
    expect(w.fake.connectors.get(w.ledger.name)).toMatchObject({ state: "RUNNING", offsets: [] });
    // The version stays: offsets are not part of the definition.
    expect((await w.caller("owner").connector.byId({ id: w.ledger.id })).version).toBe(1);
    const recorded = await w.caller("viewer").changeRequest.preview({ id });
    expect(recorded).toMatchObject({ ok: true, source: "record", offsets: [{ before: committed, after: [] }] });
    expect(JSON.stringify([report, await w.caller("viewer").deployment.byId({ id: deploymentId })])).not.toContain(SECRET);
  });

  it("sets given partitions and reads them back", async () => {
    const wanted = [{ partition: { kafka_topic: "payments.ledger", kafka_partition: 1 }, offset: { kafka_offset: 100 } }];
    const { id } = await draft("owner", [{ action: "set_offsets", connectorId: w.ledger.id, offsets: wanted }]);
    const page = await w.caller("approver").changeRequest.byId({ id });
    expect(page.items[0]).toMatchObject({ action: "set_offsets", offsets: wanted });
    const { status, report } = await deployed(id);
    expect(status).toBe("succeeded");
    expect(w.fake.connectors.get(w.ledger.name)?.offsets).toEqual([committed[0], wanted[0]]);
    expect(report.offsets?.[0]).toMatchObject({ ok: true, snapshot: committed, requested: wanted });
  });
});

describe("rollback", () => {
  async function deployedUpdate() {
    const { id } = await draft("owner", [ledgerUpdate(w)]);
    const d = await deployed(id);
    expect(d.status).toBe("succeeded");
    return d;
  }

  it("rolls a connector back to an earlier revision: its team only, secrets from the revision and never shown", async () => {
    await deployedUpdate();
    expect(await outcome(() => w.caller("otherOwner").rollback.connector({ id: w.ledger.id, version: 1 }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").rollback.connector({ id: w.ledger.id, version: 1 }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("owner").rollback.connector({ id: w.ledger.id, version: 2 }))).toBe("BAD_REQUEST");
    const { id } = await w.caller("owner").rollback.connector({ id: w.ledger.id, version: 1 });
    const page = await w.caller("owner").changeRequest.byId({ id });
    expect(page).toMatchObject({ status: "draft", author: { id: w.users.owner.id } });
    expect(page.items[0]).toMatchObject({ action: "update", proposedState: "RUNNING", proposedConfig: { "tasks.max": "1", "ledger.api.token": "(sensitive)" } });
    expect(page.items[0]?.diff.find((r) => r.key === "tasks.max")).toMatchObject({ before: "2", after: "1" });
    expect(JSON.stringify(page)).not.toContain(SECRET);
    const { status } = await deployed(id);
    expect(status).toBe("succeeded");
    expect(w.fake.connectors.get(w.ledger.name)?.config).toMatchObject({ "tasks.max": "1", "ledger.api.token": SECRET });
  });

  it("its author never approves it, even as an approver; another approver does", async () => {
    await deployedUpdate();
    const { id } = await w.caller("approver").rollback.connector({ id: w.ledger.id, version: 1 });
    await w.caller("approver").changeRequest.submit({ id });
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("OK");
    expect((await getChangeRequest(w.db, id))?.status).toBe("in_review");
  });

  it("rolls back a deployment's offsets change to the snapshot, for the connector's team only", async () => {
    const { id } = await draft("owner", [{ action: "reset_offsets", connectorId: w.ledger.id }]);
    const { deploymentId } = await deployed(id);
    // Records consumed since the reset committed a new offset, which the snapshot did not have.
    w.fake.connectors.get(w.ledger.name)!.offsets = [{ partition: { kafka_topic: "payments.ledger", kafka_partition: 2 }, offset: { kafka_offset: 3 } }];

    expect(await outcome(() => w.caller("otherOwner").rollback.deployment({ id: deploymentId }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").rollback.deployment({ id: deploymentId }))).toBe("FORBIDDEN");
    const rollback = await w.caller("owner").rollback.deployment({ id: deploymentId });
    const page = await w.caller("owner").changeRequest.byId({ id: rollback.id });
    expect(page.items).toEqual([expect.objectContaining({ action: "set_offsets", connectorName: w.ledger.name, offsets: committed })]);
    expect(await outcome(() => w.caller("owner").changeRequest.review({ id: rollback.id, decision: "approve", comment: "" }))).toBe("FORBIDDEN");

    const { status, report } = await deployed(rollback.id);
    expect(status).toBe("succeeded");
    expect(w.fake.connectors.get(w.ledger.name)).toMatchObject({ state: "RUNNING", offsets: committed });
    expect(report.offsets?.[0]).toMatchObject({ ok: true, kind: "set" });
  });

  it("undoes every connector a deployment touched: created → delete, updated → previous revision, deleted → created again", async () => {
    const created = { action: "create" as const, name: "payments-audit", teamId: w.payments.id, config: { "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", topics: "audit" } };
    const { id } = await draft("owner", [created, ledgerUpdate(w)]);
    const first = await deployed(id);
    expect(first.status).toBe("succeeded");
    const rollback = await w.caller("owner").rollback.deployment({ id: first.deploymentId });
    const page = await w.caller("owner").changeRequest.byId({ id: rollback.id });
    expect(page.items.map((i) => [i.action, i.connectorName])).toEqual([
      ["delete", "payments-audit"],
      ["update", w.ledger.name],
    ]);
    const second = await deployed(rollback.id);
    expect(second.status).toBe("succeeded");
    expect(w.fake.connectors.has("payments-audit")).toBe(false);

    // Rolling back the rollback creates the deleted connector again from its last revision.
    const again = await w.caller("owner").rollback.deployment({ id: second.deploymentId });
    const againPage = await w.caller("owner").changeRequest.byId({ id: again.id });
    expect(againPage.items.map((i) => [i.action, i.connectorName])).toEqual([
      ["create", "payments-audit"],
      ["update", w.ledger.name],
    ]);
    // Refused, naming why, while another connector holds the name; nothing is created.
    await createConnector(w.db, null, { name: "payments-audit", clusterId: w.prod.id, teamId: w.analytics.id, desiredState: "RUNNING", config: created.config, secrets: {} });
    const before = await countChangeRequestsByStatus(w.db);
    const err = await w.caller("owner").rollback.deployment({ id: second.deploymentId }).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/payments-audit cannot be created again: .*owned by team analytics/) });
    expect(await countChangeRequestsByStatus(w.db)).toEqual(before);
  });

  it("refuses to roll back a deployment that has not finished", async () => {
    const { id } = await draft("owner", [{ action: "reset_offsets", connectorId: w.ledger.id }]);
    stop.abort();
    await w.caller("owner").changeRequest.submit({ id });
    for (const a of ["approver", "approver2"] as const) await w.caller(a).changeRequest.review({ id, decision: "approve", comment: "" });
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    expect(await outcome(() => w.caller("owner").rollback.deployment({ id: deploymentId }))).toBe("PRECONDITION_FAILED");
  });
});
