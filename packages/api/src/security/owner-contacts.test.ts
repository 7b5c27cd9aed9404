/**
 * Owners from a state file (seed 001) become connector contacts, through the API with real sessions
 * and, for a connector the import creates, through the worker's deploy: and no team sets contacts on
 * another team's connectors by importing a file that names them.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listConnectorContacts } from "@switchboard/db/repos/teams";
import { listClusterConnectors } from "@switchboard/db/repos/connectors";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { FILE_SINK } from "../routers/change-request.fixture";
import { buildAttackWorld, type AttackWorld } from "./world";

let t: TestDb;
let w: AttackWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildAttackWorld(t.db);
});
afterEach(async () => {
  await w.stop();
  await t.cleanup();
});

type Entry = { nameSpace: string; connectorName: string; connectorConfig: Record<string, string>; ownerName: string; ownerEmail: string; paused?: boolean };
const seedFile = (...connectors: Entry[]) => JSON.stringify({ connectors }, null, 2);
const ledgerEntry = (ownerName: string, ownerEmail: string): Entry => ({
  nameSpace: "payments",
  connectorName: "payments-ledger",
  connectorConfig: { ...w.ledger.config, "ledger.api.token": "(sensitive)" },
  ownerName,
  ownerEmail,
});
const contactsOf = async (connectorId: string) => (await listConnectorContacts(t.db, connectorId)).map((c) => [c.kind, c.target, c.name]);

describe("owners from a state file", () => {
  it("become the contacts of an existing connector at import, once, whatever the case of the email", async () => {
    const text = seedFile(ledgerEntry("Olive Owner", "olive@example.com"));
    const dry = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "owners", teamId: w.payments.id, dryRun: true });
    expect(dry).toEqual({ ok: true, changeRequestId: null, entries: [{ action: "unchanged", name: "payments-ledger", team: "payments", changedKeys: [], contacts: ["olive@example.com"] }] });
    expect(await contactsOf(w.ledger.id)).toEqual([]);

    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "owners", teamId: w.payments.id });
    // Nothing in the definition changed: no change request, the owner is a contact now.
    expect(result).toMatchObject({ ok: true, changeRequestId: null });
    expect(await contactsOf(w.ledger.id)).toEqual([["email", "olive@example.com", "Olive Owner"]]);

    const again = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text: seedFile(ledgerEntry("Olive", "OLIVE@example.com")), title: "owners", teamId: w.payments.id });
    expect(again).toEqual({ ok: false, problems: [expect.objectContaining({ message: expect.stringContaining("nothing to import") })] });
    expect(await contactsOf(w.ledger.id)).toEqual([["email", "olive@example.com", "Olive Owner"]]);
    // The connector page lists them.
    const page = await w.caller("viewer").connector.byId({ id: w.ledger.id });
    expect(page.contacts).toEqual([expect.objectContaining({ kind: "email", target: "olive@example.com", name: "Olive Owner" })]);
  });

  it("become the contacts of a connector the import creates, when its deploy creates it", async () => {
    const text = seedFile(
      { nameSpace: "payments", connectorName: "payments-refunds", connectorConfig: { "connector.class": FILE_SINK, topics: "refunds", file: "/tmp/refunds.txt" }, ownerName: "Rita Refunds", ownerEmail: "rita@example.com" },
      { ...ledgerEntry("Rita Refunds", "rita@example.com"), connectorConfig: { ...w.ledger.config, "ledger.api.token": "(sensitive)", "tasks.max": "3" } },
    );
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "refunds", teamId: w.payments.id });
    if (!result.ok || !result.changeRequestId) throw new Error(`expected a change request: ${JSON.stringify(result)}`);
    expect(result.entries.map((e) => [e.action, e.name, e.contacts])).toEqual([
      ["create", "payments-refunds", ["rita@example.com"]],
      ["update", "payments-ledger", ["rita@example.com"]],
    ]);
    // The existing connector has its owner at once; the new one only once it exists.
    expect(await contactsOf(w.ledger.id)).toEqual([["email", "rita@example.com", "Rita Refunds"]]);
    const id = result.changeRequestId;
    await w.caller("owner").changeRequest.submit({ id });
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
    w.startWorker();
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    expect((await w.finished(deploymentId)).status).toBe("succeeded");
    const refunds = (await listClusterConnectors(t.db, w.prod.id)).find((c) => c.name === "payments-refunds");
    if (!refunds) throw new Error("payments-refunds was not recorded");
    expect(await contactsOf(refunds.id)).toEqual([["email", "rita@example.com", "Rita Refunds"]]);
  });

  it("cannot be set on another team's connector: the import is refused and writes nothing", async () => {
    // analytics' owner names their own connector and payments' in one file, with their own email as owner.
    const text = seedFile(
      { nameSpace: "analytics", connectorName: "analytics-clicks", connectorConfig: { ...w.clicks.config }, ownerName: "Mallory", ownerEmail: "mallory@example.com" },
      ledgerEntry("Mallory", "mallory@example.com"),
    );
    for (const dryRun of [true, false]) {
      const result = await w.caller("otherOwner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "take over", teamId: w.analytics.id, dryRun });
      expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ message: "you are not a member of team payments, which owns connector payments-ledger", connector: "payments-ledger" })] });
    }
    expect(await contactsOf(w.ledger.id)).toEqual([]);
    // Not even on their own connector named in the same file: a refused import changes nothing.
    expect(await contactsOf(w.clicks.id)).toEqual([]);
    expect((await w.caller("admin").changeRequest.list({ page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("refuses an owner email that is not an email address, with its place in the file", async () => {
    const text = seedFile(ledgerEntry("Olive", "olive(at)example.com"));
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "owners", teamId: w.payments.id });
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ path: "connectors[0].ownerEmail", line: expect.any(Number), column: expect.any(Number) })] });
    expect(await contactsOf(w.ledger.id)).toEqual([]);
  });
});
