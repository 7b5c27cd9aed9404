import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../testing";
import { addReview, createChangeRequest, editChangeRequest, findStaleItems, getChangeItemSecrets, getChangeRequest, transitionChangeRequest } from "./change-requests";
import { createCluster } from "./clusters";
import { createConnector, updateConnector, type Connector } from "./connectors";
import { createTeam } from "./teams";
import { createUser, type User } from "./users";

const t = await createTestDb();
afterAll(() => t.cleanup());

let author: User;
let approver1: User;
let approver2: User;
let clusterId: string;
let connector: Connector;

beforeAll(async () => {
  author = await createUser(t.db, null, { email: "author@example.com", name: "A", role: "owner" });
  approver1 = await createUser(t.db, null, { email: "ap1@example.com", name: "B", role: "approver" });
  approver2 = await createUser(t.db, null, { email: "ap2@example.com", name: "C", role: "approver" });
  const team = await createTeam(t.db, null, { name: "payments" });
  clusterId = (await createCluster(t.db, null, { name: "prod", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 2 })).id;
  connector = await createConnector(t.db, null, { name: "sink", clusterId, teamId: team.id, desiredState: "RUNNING", config: { "connector.class": "X" }, secrets: {} });
});

const pauseItem = () => ({ action: "pause" as const, connectorId: connector.id, connectorName: "sink", proposedState: "PAUSED" as const, baseVersion: connector.version });

describe("change requests", () => {
  it("dismisses standing approvals when the change request is edited", async () => {
    const cr = await createChangeRequest(t.db, author.id, { clusterId, title: "Pause sink", items: [pauseItem()] });
    expect(cr).toMatchObject({ status: "draft", revision: 1, items: [{ action: "pause", baseVersion: 1 }] });
    expect(await transitionChangeRequest(t.db, author.id, cr.id, ["draft"], "in_review")).toBe(true);

    await addReview(t.db, approver1.id, cr.id, { decision: "approve" });
    await addReview(t.db, approver2.id, cr.id, { decision: "approve" });
    const edited = await editChangeRequest(t.db, author.id, cr.id, { rationale: "now with a reason" });
    expect(edited.revision).toBe(2);
    expect(edited.reviews.every((r) => r.dismissedAt !== null)).toBe(true);
  });

  it("records every writer of a revision, the author first", async () => {
    const cr = await createChangeRequest(t.db, author.id, { clusterId, title: "Two hands", items: [pauseItem()] });
    await editChangeRequest(t.db, approver1.id, cr.id, { title: "rewritten" });
    await editChangeRequest(t.db, author.id, cr.id, { title: "again" });
    const after = await getChangeRequest(t.db, cr.id);
    expect(after?.writers.map((w) => [w.user.email, w.firstRevision, w.lastRevision])).toEqual([
      ["author@example.com", 1, 3],
      ["ap1@example.com", 2, 2],
    ]);
  });

  it("refuses a review from any writer of the change request but allows their comment", async () => {
    const cr = await createChangeRequest(t.db, author.id, { clusterId, title: "Mine", items: [pauseItem()] });
    await editChangeRequest(t.db, approver1.id, cr.id, { title: "edited by an approver" });
    await expect(addReview(t.db, author.id, cr.id, { decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(addReview(t.db, approver1.id, cr.id, { decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(addReview(t.db, author.id, cr.id, { decision: "comment", comment: "context" })).resolves.toMatchObject({ decision: "comment" });
    await expect(addReview(t.db, approver2.id, cr.id, { decision: "approve" })).resolves.toMatchObject({ decision: "approve" });
  });

  it("keeps the record and the status note it ended with", async () => {
    const cr = await createChangeRequest(t.db, author.id, { clusterId, title: "Ends", items: [pauseItem()] });
    expect(await transitionChangeRequest(t.db, author.id, cr.id, ["draft"], "cancelled", "not needed", { items: ["as it was"] })).toBe(true);
    expect(await getChangeRequest(t.db, cr.id)).toMatchObject({ status: "cancelled", statusNote: "not needed", record: { items: ["as it was"] } });
  });

  it("moves status only from the expected states", async () => {
    const cr = await createChangeRequest(t.db, author.id, { clusterId, title: "Race", items: [pauseItem()] });
    await transitionChangeRequest(t.db, author.id, cr.id, ["draft"], "in_review");
    expect(await transitionChangeRequest(t.db, approver1.id, cr.id, ["in_review"], "approved")).toBe(true);
    expect(await transitionChangeRequest(t.db, approver2.id, cr.id, ["in_review"], "rejected")).toBe(false);
    expect((await getChangeRequest(t.db, cr.id))?.status).toBe("approved");
    await expect(editChangeRequest(t.db, author.id, cr.id, { title: "late edit" })).rejects.toMatchObject({ code: "INVALID_STATE" });
  });

  it("flags items written against an older connector version as stale", async () => {
    const cr = await createChangeRequest(t.db, author.id, { clusterId, title: "Stale", items: [pauseItem()] });
    expect(await findStaleItems(t.db, cr.id)).toEqual([]);
    await updateConnector(t.db, null, connector.id, { desiredState: "STOPPED" });
    expect(await findStaleItems(t.db, cr.id)).toMatchObject([{ connectorName: "sink", baseVersion: connector.version, currentVersion: connector.version + 1 }]);
  });

  it("keeps proposed secrets encrypted and out of the change request view", async () => {
    const cr = await createChangeRequest(t.db, author.id, {
      clusterId,
      title: "New",
      items: [{ action: "create", connectorName: "jdbc", proposedConfig: { "connector.class": "Jdbc" }, proposedSecrets: { "connection.password": "pw-123456" }, proposedState: "RUNNING" }],
    });
    expect(JSON.stringify(await getChangeRequest(t.db, cr.id))).not.toContain("pw-123456");
    expect(cr.items[0]?.proposedSecretKeys).toEqual(["connection.password"]);
    expect(await getChangeItemSecrets(t.db, cr.items[0]!.id)).toEqual({ "connection.password": "pw-123456" });
  });
});
