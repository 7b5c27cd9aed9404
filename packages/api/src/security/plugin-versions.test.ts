/**
 * Pinning a plugin version (KIP-891) through the API with real sessions: refused at preview and at
 * deploy while any worker of the cluster is older than Kafka 4.1 (those workers would ignore the pin),
 * accepted once every worker is new enough; plugins missing on a worker or differing across workers
 * show as risks. The per-worker reports come from the fake Connect.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getConnector } from "@switchboard/db/repos/connectors";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import type { WorkerReport } from "@switchboard/engine/plugins";
import { FILE_SINK, ledgerUpdate } from "../routers/change-request.fixture";
import { buildAttackWorld, type AttackWorld } from "./world";

let t: TestDb;
let w: AttackWorld;
let workers: WorkerReport[];

const worker = (url: string, version: string, plugins = [{ class: FILE_SINK, type: "sink", version }]): WorkerReport => ({ url, reachable: true, version, plugins });

beforeEach(async () => {
  t = await createTestDb();
  w = await buildAttackWorld(t.db);
  workers = [worker("http://w1:8083", "4.3.1"), worker("http://w2:8083", "3.9.0")];
  w.fake.inspectWorkers = async () => structuredClone(workers);
});
afterEach(async () => {
  await w.stop();
  await t.cleanup();
});

async function approvedPin(version: string): Promise<string> {
  const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "pin the sink", rationale: "", items: [ledgerUpdate(w, { "connector.plugin.version": version })] });
  await w.caller("owner").changeRequest.submit({ id });
  await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
  await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
  return id;
}

describe("connector.plugin.version", () => {
  it("is refused at preview and at deploy while a worker runs Kafka older than 4.1, and nothing reaches the cluster", async () => {
    const id = await approvedPin("4.3.1");
    const page = await w.caller("approver").changeRequest.byId({ id });
    // An ordinary key: shown in the diff like any other.
    expect(page.items[0]?.diff.find((d) => d.key === "connector.plugin.version")).toMatchObject({ status: "added", after: "4.3.1" });
    const preview = await w.caller("approver").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.valid).toBe(false);
    expect(preview.problems).toEqual([
      {
        connector: "payments-ledger",
        key: "connector.plugin.version",
        message: "pinning a plugin version (connector.plugin.version) needs Kafka Connect 4.1 or newer on every worker (KIP-891), and older workers silently ignore it; http://w2:8083 runs 3.9.0.",
      },
    ]);

    w.startWorker();
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    const ended = await w.finished(deploymentId);
    expect(ended.status).toBe("failed");
    // The reason names the refusal, not only "the validator".
    expect((await w.caller("owner").changeRequest.byId({ id })).statusNote).toContain("needs Kafka Connect 4.1 or newer on every worker");
    const report = ended.report as DeploymentReport & { validation: Array<{ message: string }> };
    expect(JSON.stringify(report)).toContain("needs Kafka Connect 4.1 or newer on every worker");
    expect(w.fake.calls.filter((c) => c.method === "putConfig" || c.method === "createConnector")).toEqual([]);
    expect(w.fake.connectors.get("payments-ledger")?.config["connector.plugin.version"]).toBeUndefined();
    expect((await getConnector(t.db, w.ledger.id))?.config["connector.plugin.version"]).toBeUndefined();
  });

  it("is deployed once every worker runs 4.1 or newer", async () => {
    workers = [worker("http://w1:8083", "4.3.1"), worker("http://w2:8083", "4.1.0")];
    const id = await approvedPin("4.3.1");
    const preview = await w.caller("owner").changeRequest.preview({ id });
    expect(preview).toMatchObject({ ok: true, valid: true, problems: [] });
    w.startWorker();
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    expect((await w.finished(deploymentId)).status).toBe("succeeded");
    expect(w.fake.connectors.get("payments-ledger")?.config["connector.plugin.version"]).toBe("4.3.1");
    expect((await getConnector(t.db, w.ledger.id))?.config["connector.plugin.version"]).toBe("4.3.1");
  });

  it("shows a class missing on a worker and versions that differ as risks of the change", async () => {
    workers = [worker("http://w1:8083", "4.3.1"), worker("http://w2:8083", "4.3.1", [{ class: FILE_SINK, type: "sink", version: "4.2.0" }]), worker("http://w3:8083", "4.3.1", [])];
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "more tasks", rationale: "", items: [ledgerUpdate(w)] });
    const preview = await w.caller("viewer").changeRequest.preview({ id });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.valid).toBe(true);
    expect(preview.risks.map((r) => [r.code, r.connector])).toEqual([
      ["PLUGIN_MISSING", "payments-ledger"],
      ["PLUGIN_VERSION_SKEW", "payments-ledger"],
    ]);
    expect(preview.risks[0]?.message).toContain("http://w3:8083");
  });
});
