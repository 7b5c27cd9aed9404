import { describe, expect, it } from "vitest";
import { adoptionsOnly, blockingProblems, deployLabel, describeWriters, hasEnded, itemDiff, recordLabel, reviewStanding, statusNoteTitle } from "./change-request-display";

describe("describeWriters", () => {
  it("lists every writer with the revisions they wrote", () => {
    expect(
      describeWriters([
        { id: "o", name: "Olive", firstRevision: 1, lastRevision: 3 },
        { id: "a", name: "Ada", firstRevision: 2, lastRevision: 2 },
      ]),
    ).toBe("Olive (rev 1–3), Ada (rev 2)");
  });
});

describe("reviewStanding", () => {
  const approval = { decision: "approve", dismissed: false, counted: true, reviewer: { id: "r" } };

  it("says an approval counts", () => {
    expect(reviewStanding(approval, ["o"])).toEqual({ counts: true, text: "counts toward approval" });
  });

  it("says a dismissed approval does not count", () => {
    expect(reviewStanding({ ...approval, dismissed: true, counted: false }, ["o"])).toEqual({ counts: false, text: "dismissed by a later edit: does not count" });
  });

  it("says why a standing approval does not count: its reviewer wrote a revision, or is no longer an approver", () => {
    expect(reviewStanding({ ...approval, counted: false }, ["o", "r"])?.text).toBe("does not count: the reviewer wrote a revision of this change request");
    expect(reviewStanding({ ...approval, counted: false }, ["o"])?.text).toBe("does not count: the reviewer is no longer an enabled approver");
    expect(reviewStanding({ ...approval, counted: false, reviewerNow: "disabled" }, ["o"])?.text).toBe("does not count: the reviewer's account was disabled since");
    expect(reviewStanding({ ...approval, counted: false, reviewerNow: "not an approver" }, ["o"])?.text).toBe("does not count: the reviewer is no longer an approver");
  });

  it("says nothing about comments and rejections that stand", () => {
    expect(reviewStanding({ ...approval, decision: "comment", counted: false }, [])).toBeNull();
    expect(reviewStanding({ ...approval, decision: "reject", counted: false }, [])).toBeNull();
  });
});

describe("blockingProblems", () => {
  it("lists name clashes, then the plan's conflicts, each once", () => {
    const clash = "A connector named x already exists on this cluster, owned by team payments.";
    const conflict = "The name x is taken on the cluster by connector x of team payments.";
    expect(blockingProblems([clash], [conflict, clash])).toEqual([clash, conflict]);
    expect(blockingProblems([], [])).toEqual([]);
  });
});

describe("ended change requests", () => {
  it("are every status past review", () => {
    expect(["draft", "in_review", "approved"].map((s) => hasEnded(s as "draft"))).toEqual([false, false, false]);
    expect(["rejected", "deploying", "deployed", "failed", "cancelled"].map((s) => hasEnded(s as "draft"))).toEqual([true, true, true, true, true]);
  });

  it("label their record by how they ended", () => {
    expect(recordLabel("deployed", 3)).toBe("The record of revision 3, as approved and deployed");
    expect(recordLabel("failed", 1)).toBe("The record of revision 1, as approved and deployed");
    expect(recordLabel("rejected", 2)).toBe("The record of revision 2, as rejected");
    expect(recordLabel("cancelled", 2)).toBe("The record of revision 2, as they were when cancelled");
  });

  it("show the status note of failed, rejected and cancelled ones only", () => {
    expect(statusNoteTitle("failed")).toBe("The deploy failed");
    expect(statusNoteTitle("rejected")).toBe("Rejected");
    expect(statusNoteTitle("cancelled")).toBe("Cancelled");
    expect(statusNoteTitle("in_review")).toBeNull();
    expect(statusNoteTitle("deployed")).toBeNull();
  });
});

describe("deployLabel", () => {
  const plan = (actions: Array<{ kind: string; name: string }>) => ({ plan: { actions, topicsToCreate: [], topicsToDelete: [] } }) as unknown as Parameters<typeof deployLabel>[2];
  const adopt = { drift: "adopt" as const, connectorName: "orders" };
  const plain = { drift: null, connectorName: "billing" };

  it("counts the plan's changes", () => {
    expect(deployLabel("local", [plain], plan([{ kind: "update", name: "billing" }]))).toBe("Deploy 1 change to local");
    expect(deployLabel("local", [plain, { drift: null, connectorName: "x" }], null)).toBe("Deploy 2 changes to local");
  });

  it("says an adoption that changes nothing on the cluster records its config, rather than deploying 0 changes", () => {
    expect(deployLabel("local", [adopt], plan([{ kind: "noop", name: "orders" }]))).toBe("Record 1 adopted config on local");
    expect(deployLabel("local", [adopt], null)).toBe("Record 1 adopted config on local");
    expect(deployLabel("local", [adopt, plain], plan([{ kind: "noop", name: "orders" }, { kind: "create", name: "billing" }]))).toBe("Deploy 1 change to local and record 1 adopted config");
  });

  it("counts an adoption the plan does act on (a stamp to restore) as a change", () => {
    expect(deployLabel("local", [adopt], plan([{ kind: "update", name: "orders" }]))).toBe("Deploy 1 change to local");
    expect(adoptionsOnly([adopt], [{ kind: "update", name: "orders" }])).toEqual([]);
  });
});

describe("itemDiff", () => {
  const stored = [
    { key: "tasks.max", status: "unchanged" as const, before: "1", after: "1", sensitive: false },
    { key: "topics", status: "unchanged" as const, before: "t", after: "t", sensitive: false },
    { key: "db.password", status: "unchanged" as const, before: null, after: null, sensitive: true },
  ];
  const update = {
    kind: "update",
    name: "orders",
    id: "c1",
    reason: "config changed",
    changes: [
      { op: "change", key: "tasks.max", before: "2", after: "1" },
      { op: "change", key: "db.password", sensitive: true },
    ],
  };
  const actions = [update] as unknown as Parameters<typeof itemDiff>[1];

  it("shows a revert's live → approved changes from the plan, secrets as sensitive only, the other keys unchanged", () => {
    const d = itemDiff({ drift: "revert", connectorName: "orders", diff: stored }, actions);
    expect(d.note).toMatch(/^Live config differs from the approved one; deploying puts the approved one back/);
    expect(d.rows).toEqual([
      { key: "tasks.max", status: "changed", before: "2", after: "1", sensitive: false },
      { key: "db.password", status: "changed", before: null, after: null, sensitive: true },
      { key: "topics", status: "unchanged", before: "t", after: "t", sensitive: false },
    ]);
  });

  it("keeps the stored diff for any other item, and for a revert without a plan", () => {
    expect(itemDiff({ drift: null, connectorName: "orders", diff: stored }, actions)).toEqual({ rows: stored, note: null, caption: "Config changes of orders" });
    expect(itemDiff({ drift: "adopt", connectorName: "orders", diff: stored }, actions).note).toBeNull();
    expect(itemDiff({ drift: "revert", connectorName: "orders", diff: stored }, null).rows).toBe(stored);
  });

  it("says when the live config already matches a revert's approved one", () => {
    const d = itemDiff({ drift: "revert", connectorName: "orders", diff: stored }, [{ kind: "noop", name: "orders", id: "c1", reason: "unchanged" }] as unknown as Parameters<typeof itemDiff>[1]);
    expect(d.rows).toBe(stored);
    expect(d.note).toBe("The live config matches the approved one now: the deploy changes no key.");
  });
});
