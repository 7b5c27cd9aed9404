/** The policy for team-limited API tokens (`SessionUser.scopeTeamIds`), as a table. */
import { describe, expect, it } from "vitest";
import { changePermissions, isScopeDenial, mayActForTeam, withinScope, type ChangeFacts, type SessionUser } from "./policy";

const approver = (scope?: string[]): SessionUser => ({ id: "a", email: "a@x", name: "A", role: "approver", teamIds: ["payments"], ...(scope ? { scopeTeamIds: scope } : {}) });
const owner = (scope?: string[]): SessionUser => ({ id: "o", email: "o@x", name: "O", role: "owner", teamIds: ["payments"], ...(scope ? { scopeTeamIds: scope } : {}) });

describe("team-limited tokens", () => {
  it.each([
    ["an approver's session acts for any team", approver(), "analytics", true],
    ["an approver's token limited to payments acts for payments", approver(["payments"]), "payments", true],
    ["an approver's token limited to payments does not act for analytics", approver(["payments"]), "analytics", false],
    ["a token whose teams all left acts for none", approver([]), "payments", false],
    ["an owner's token limited to payments acts for payments", owner(["payments"]), "payments", true],
    ["an owner's token never acts for a team the owner is not in", owner(["analytics"]), "analytics", false],
  ] as const)("%s", (_, user, team, allowed) => {
    expect(mayActForTeam(user, team)).toBe(allowed);
  });

  it("refuses every action on a change request touching a team outside the token's, with a scope denial", () => {
    const facts: ChangeFacts = {
      status: "in_review",
      authorId: "someone",
      writerIds: ["someone"],
      revision: 1,
      itemCount: 1,
      teamIds: ["payments", "analytics"],
      approvals: [],
      approvalsRequired: 1,
      staleCount: 0,
      clashes: [],
    };
    const limited = changePermissions(approver(["payments"]), facts);
    expect(Object.values(limited).every((p) => !p.allowed && isScopeDenial(p))).toBe(true);
    expect(changePermissions(approver(), facts).canApprove).toEqual({ allowed: true, reason: null });
    expect(withinScope(approver(["payments", "analytics"]), facts.teamIds)).toBe(true);
  });
});
