import { describe, expect, it } from "vitest";
import { blockingProblems, describeWriters, hasEnded, recordLabel, reviewStanding, statusNoteTitle } from "./change-request-display";

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
