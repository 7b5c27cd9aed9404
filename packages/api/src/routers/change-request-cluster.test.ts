import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getConnector, getConnectorSecrets, listClusterConnectors } from "@switchboard/db/repos/connectors";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { ConnectError } from "@switchboard/engine/port";
import { buildWorld, FILE_SINK, ledgerUpdate, SECRET, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
});
afterEach(() => testDb.cleanup());

describe("preview", () => {
  it("plans only this change's connectors, with the validator's verdict, and never carries a secret", async () => {
    const newSecret = "brand-new-token-value";
    const { id } = await w.caller("owner").changeRequest.create({
      clusterId: w.prod.id,
      title: "Rotate and scale",
      rationale: "",
      items: [
        ledgerUpdate(w, { "ledger.api.token": newSecret }),
        { action: "create", name: "payments-audit", teamId: w.payments.id, config: { "connector.class": FILE_SINK, topics: "payments.audit", "db.password": "pw-value-123" }, desiredState: "RUNNING" },
      ],
    });
    // An unmanaged connector elsewhere on the cluster is left out of the plan.
    w.fake.connectors.set("someone-elses", { config: { "connector.class": FILE_SINK, topics: "x" }, state: "RUNNING", tasks: [], type: "sink" });

    const result = await w.caller("approver").changeRequest.preview({ id });
    if (!result.ok || !result.plan) throw new Error(result.ok ? "no plan" : result.message);
    expect(result.plan.actions.map((a) => [a.kind, a.name])).toEqual([
      ["create", "payments-audit"],
      ["update", "payments-ledger"],
    ]);
    const update = result.plan.actions.find((a) => a.kind === "update");
    expect(update && "changes" in update ? update.changes : []).toEqual([
      { op: "change", key: "ledger.api.token", sensitive: true },
      { op: "change", key: "tasks.max", before: "1", after: "2" },
    ]);
    expect(result.plan.unmanaged).toEqual([]);
    expect(result.valid).toBe(true);
    const text = JSON.stringify(result);
    for (const secret of [SECRET, newSecret, "pw-value-123"]) expect(text).not.toContain(secret);
  });

  it("adds a forced restart for a restart item and warns about deletes", async () => {
    const { id } = await w.caller("admin").changeRequest.create({
      clusterId: w.prod.id,
      title: "Restart and remove",
      rationale: "",
      items: [
        { action: "restart", connectorId: w.ledger.id, onlyFailed: true },
        { action: "delete", connectorId: w.clicks.id },
      ],
    });
    const result = await w.caller("admin").changeRequest.preview({ id });
    if (!result.ok || !result.plan) throw new Error(result.ok ? "no plan" : result.message);
    expect(result.plan.actions.map((a) => [a.kind, a.name])).toEqual([
      ["delete", "analytics-clicks"],
      ["restart", "payments-ledger"],
    ]);
    expect(result.risks).toEqual([expect.objectContaining({ code: "DELETE", connector: "analytics-clicks" })]);
  });

  it("answers with a clear error object when the cluster is unreachable", async () => {
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "t", rationale: "", items: [ledgerUpdate(w)] });
    w.fake.failNext("listConnectors", new ConnectError("UNREACHABLE", "no Kafka Connect worker answered"));
    const result = await w.caller("owner").changeRequest.preview({ id });
    expect(result).toEqual({ ok: false, reason: "unreachable", message: expect.stringContaining("no Kafka Connect worker answered") });
  });
});

describe("validate", () => {
  it("returns the cluster's errors by key and the keys it types as PASSWORD", async () => {
    const ok = await w.caller("owner").changeRequest.validate({ clusterId: w.prod.id, connectorClass: "FileStreamSink", config: { topics: "t", "connection.password": "x" } });
    expect(ok).toEqual({ reachable: true, valid: true, errors: {}, general: [], passwordKeys: ["connection.password"] });

    const unknown = await w.caller("owner").changeRequest.validate({ clusterId: w.prod.id, connectorClass: "io.confluent.connect.jdbc.JdbcSourceConnector", config: {} });
    if (!unknown.reachable) throw new Error("expected an answer");
    expect(unknown.valid).toBe(false);
    expect(unknown.errors["connector.class"]?.[0]).toContain('unknown connector class "io.confluent.connect.jdbc.JdbcSourceConnector"');
  });

  it("says the cluster is unreachable instead of failing", async () => {
    w.fake.failNext("listPlugins", new ConnectError("TIMEOUT", "no answer within 10000 ms"));
    const result = await w.caller("owner").changeRequest.validate({ clusterId: w.prod.id, connectorClass: FILE_SINK, config: {} });
    expect(result).toEqual({ reachable: false, message: expect.stringContaining("Cluster unreachable") });
  });
});

describe("state files", () => {
  it("reports a syntax error with line and column and creates nothing", async () => {
    const text = '{\n  "connectors": [\n    { "id": "a" "name": "b" }\n  ]\n}\n';
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "Import", teamId: w.payments.id });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ line: 3, column: expect.any(Number) });
    expect((await w.caller("owner").changeRequest.list({ page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("turns a seed-001 file into a draft: create for new names, update for changed ones, nothing for the rest", async () => {
    const text = JSON.stringify({
      connectors: [
        { nameSpace: "payments", connectorName: "payments-new", connectorConfig: { "connector.class": FILE_SINK, topics: "n" }, ownerName: "Olive", ownerEmail: "o@example.com" },
        { nameSpace: "payments", connectorName: "payments-ledger", connectorConfig: { ...w.ledger.config, "tasks.max": "4", "ledger.api.token": "(sensitive)" }, ownerName: "Olive", ownerEmail: "o@example.com" },
      ],
    });
    const dry = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "Import", teamId: w.payments.id, dryRun: true });
    expect(dry).toEqual({
      ok: true,
      changeRequestId: null,
      entries: [
        { action: "create", name: "payments-new", team: "payments", changedKeys: ["connector.class", "topics"], contacts: ["o@example.com"] },
        { action: "update", name: "payments-ledger", team: "payments", changedKeys: ["tasks.max"], contacts: ["o@example.com"] },
      ],
    });
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "Import", teamId: w.payments.id });
    if (!result.ok || !result.changeRequestId) throw new Error("expected a change request");
    const page = await w.caller("owner").changeRequest.byId({ id: result.changeRequestId });
    expect(page.status).toBe("draft");
    expect(page.items.map((i) => [i.action, i.connectorName])).toEqual([
      ["create", "payments-new"],
      ["update", "payments-ledger"],
    ]);
    expect(page.items[1]?.diff.find((d) => d.key === "ledger.api.token")?.status).toBe("unchanged");
  });

  it("refuses an owner importing into another team", async () => {
    const text = JSON.stringify({ connectors: [{ id: "x", name: "clicks-2", owner: { team: "analytics" }, config: { "connector.class": FILE_SINK } }] });
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "Import", teamId: w.payments.id });
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ message: expect.stringContaining("team analytics") })] });
  });

  it("takes back the whole cluster's export edited in one place: other teams' connectors left as they are are no change, changed they are refused", async () => {
    const { text } = await w.caller("viewer").changeRequest.exportStateFile({ clusterId: w.prod.id });
    type Doc = { connectors: Array<{ name: string; config: Record<string, string> }> };
    const edit = (name: string, key: string, value: string) => {
      const doc = JSON.parse(text) as Doc;
      const spec = doc.connectors.find((c) => c.name === name);
      if (!spec) throw new Error(`no ${name} in the export`);
      spec.config[key] = value;
      return JSON.stringify(doc, null, 2);
    };
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text: edit("payments-ledger", "tasks.max", "3"), title: "From Git", teamId: w.payments.id });
    if (!result.ok || !result.changeRequestId) throw new Error(JSON.stringify(result));
    const page = await w.caller("owner").changeRequest.byId({ id: result.changeRequestId });
    expect(page.items.map((i) => [i.action, i.connectorName])).toEqual([["update", "payments-ledger"]]);
    expect(page.items[0]?.diff.filter((d) => d.status !== "unchanged").map((d) => d.key)).toEqual(["tasks.max"]);

    const other = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text: edit(w.clicks.name, "tasks.max", "9"), title: "Not mine", teamId: w.payments.id });
    expect(other).toEqual({ ok: false, problems: [expect.objectContaining({ message: `you are not a member of team analytics, which owns connector ${w.clicks.name}` })] });
  });

  it("exports the canonical state file with secrets masked", async () => {
    const { text, fileName } = await w.caller("viewer").changeRequest.exportStateFile({ clusterId: w.prod.id });
    expect(fileName).toBe("prod-state.json");
    expect(text).not.toContain(SECRET);
    const doc = JSON.parse(text) as { connectors: Array<{ name: string; config: Record<string, string>; owner: { team: string } }> };
    const ledger = doc.connectors.find((c) => c.name === "payments-ledger");
    expect(ledger?.config["ledger.api.token"]).toBe("(sensitive)");
    expect(ledger?.owner).toEqual({ team: "payments" });
  });
});

describe("adopt", () => {
  beforeEach(() => {
    w.fake.connectors.set("legacy-sink", {
      config: { name: "legacy-sink", "connector.class": FILE_SINK, topics: "legacy", "db.password": "legacy-pw-value" },
      state: "PAUSED",
      tasks: [{ id: 0, state: "PAUSED" }],
      type: "sink",
    });
  });

  it("lists connectors on the cluster that Switchboard does not know", async () => {
    const result = await w.caller("owner").adopt.listCandidates({ clusterId: w.prod.id });
    expect(result).toEqual({ ok: true, candidates: [expect.objectContaining({ name: "legacy-sink", connectorClass: FILE_SINK, state: "PAUSED", topics: "legacy", stampedId: null })] });
  });

  it("records the live definition with its secret encrypted, deployed at version 1, without touching the cluster", async () => {
    const callsBefore = w.fake.calls.filter((c) => !["listConnectors", "listPlugins", "validateConfig"].includes(c.method)).length;
    const { adopted } = await w.caller("approver").adopt.import({ clusterId: w.prod.id, connectors: [{ name: "legacy-sink", teamId: w.analytics.id }] });
    const connector = await getConnector(w.db, adopted[0]?.id ?? "");
    expect(connector).toMatchObject({ name: "legacy-sink", teamId: w.analytics.id, version: 1, deployedVersion: 1, desiredState: "PAUSED", secretKeys: ["db.password"] });
    expect(connector?.config).toEqual({ "connector.class": FILE_SINK, topics: "legacy" });
    expect(await getConnectorSecrets(w.db, adopted[0]?.id ?? "")).toEqual({ "db.password": "legacy-pw-value" });
    expect(w.fake.calls.filter((c) => !["listConnectors", "listPlugins", "validateConfig"].includes(c.method)).length).toBe(callsBefore);
    expect((await listClusterConnectors(w.db, w.prod.id)).map((c) => c.name)).toContain("legacy-sink");
  });
});
