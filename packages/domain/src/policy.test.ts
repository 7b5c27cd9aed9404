import { describe, expect, it } from "vitest";
import type { Role } from "@switchboard/db/enums";
import { changePermissions, countingApprovals, mayActForTeam, type ApprovalFact, type ChangeFacts, type SessionUser } from "./policy";

const user = (id: string, role: Role, teamIds: string[] = []): SessionUser => ({ id, email: `${id}@example.com`, name: id, role, teamIds });

describe("mayActForTeam", () => {
  it.each([
    ["an owner, for their team", user("o", "owner", ["analytics"]), true],
    ["an owner, for another team", user("o", "owner", ["payments"]), false],
    ["a viewer who is a member", user("v", "viewer", ["analytics"]), false],
    ["an approver who is no member", user("a", "approver"), true],
    ["an admin", user("x", "admin"), true],
  ] as const)("%s", (_, who, allowed) => {
    expect(mayActForTeam(who, "analytics")).toBe(allowed);
  });
});

const approval = (reviewerId: string, over: Partial<ApprovalFact> = {}): ApprovalFact => ({ reviewerId, revision: 2, dismissed: false, reviewerRole: "approver", reviewerDisabled: false, ...over });

describe("countingApprovals", () => {
  it.each([
    ["counts distinct approvers of the current revision", [approval("a"), approval("a"), approval("b")], ["a", "b"]],
    ["ignores a writer's approval", [approval("w"), approval("b")], ["b"]],
    ["ignores an approval of an older revision", [approval("a", { revision: 1 }), approval("b")], ["b"]],
    ["ignores a dismissed approval", [approval("a", { dismissed: true })], []],
    ["ignores an approver demoted since", [approval("a", { reviewerRole: "owner" })], []],
    ["ignores an approver disabled since", [approval("a", { reviewerDisabled: true })], []],
    ["counts an admin", [approval("x", { reviewerRole: "admin" })], ["x"]],
  ] as const)("%s", (_, approvals, counted) => {
    expect(countingApprovals(approvals, ["author", "w"], 2)).toEqual(counted);
  });
});

const facts = (over: Partial<ChangeFacts> = {}): ChangeFacts => ({
  status: "in_review",
  authorId: "author",
  writerIds: ["author"],
  revision: 1,
  itemCount: 1,
  teamIds: ["payments"],
  approvals: [],
  approvalsRequired: 1,
  staleCount: 0,
  clashes: [],
  ...over,
});

describe("changePermissions", () => {
  const author = user("author", "owner", ["payments"]);
  const approver = user("approver", "approver");
  const admin = user("admin", "admin");

  it.each([
    ["the author cannot approve", author, facts(), "canApprove", false],
    ["an approver can approve a change in review", approver, facts(), "canApprove", true],
    ["an admin who edited cannot approve", admin, facts({ writerIds: ["author", "admin"] }), "canApprove", false],
    ["an approver who wrote the change cannot approve it", approver, facts({ authorId: "approver", writerIds: ["approver"] }), "canApprove", false],
    ["nobody approves a draft", approver, facts({ status: "draft" }), "canApprove", false],
    ["nobody approves a change whose new name is taken", approver, facts({ clashes: ["taken"] }), "canApprove", false],
    ["the author deploys once approved", author, facts({ status: "approved", approvals: [approval("approver", { revision: 1 })] }), "canDeploy", true],
    ["not below the policy", author, facts({ status: "approved", approvalsRequired: 2, approvals: [approval("approver", { revision: 1 })] }), "canDeploy", false],
    ["not when stale", author, facts({ status: "approved", staleCount: 1, approvals: [approval("approver", { revision: 1 })] }), "canDeploy", false],
    ["another owner cannot deploy", user("o2", "owner", ["payments"]), facts({ status: "approved", approvals: [approval("approver", { revision: 1 })] }), "canDeploy", false],
    ["a failed deploy can be retried by the author", author, facts({ status: "failed", approvals: [approval("approver", { revision: 1 })] }), "canRetry", true],
    ["a failed deploy can be cancelled", author, facts({ status: "failed" }), "canCancel", true],
    ["a deploying change cannot be cancelled", author, facts({ status: "deploying" }), "canCancel", false],
    ["a viewer cannot comment", user("v", "viewer"), facts(), "canComment", false],
    ["only the author or an admin edits", approver, facts(), "canEdit", false],
  ] as const)("%s", (_, who, f, permission, allowed) => {
    const p = changePermissions(who, f)[permission];
    expect(p.allowed, p.reason ?? "").toBe(allowed);
    if (!allowed) expect(p.reason).toBeTruthy();
  });
});
