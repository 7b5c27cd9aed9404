/**
 * Who may do what: plain functions over plain facts, with no transport or database import. The
 * tRPC procedure builders, the use cases and the worker all ask these, so each rule has one place
 * and one meaning.
 */
import type { ChangeRequestStatus, Role } from "@switchboard/db/enums";
import type { SessionUser } from "@switchboard/db/repos/users";

export type { SessionUser };

const RANK: Record<Role, number> = { viewer: 0, owner: 1, approver: 2, admin: 3 };

export function hasRoleAtLeast(user: Pick<SessionUser, "role">, role: Role): boolean {
  return RANK[user.role] >= RANK[role];
}

/**
 * Whether the user may change things owned by a team (its connectors, its contacts, drafts touching
 * them): owners for the teams they belong to; approvers and admins, who review across teams, for
 * every team; viewers never, whatever their memberships.
 */
export function mayActForTeam(user: Pick<SessionUser, "role" | "teamIds" | "scopeTeamIds">, teamId: string): boolean {
  if (!withinScope(user, [teamId])) return false;
  if (hasRoleAtLeast(user, "approver")) return true;
  return user.role === "owner" && user.teamIds.includes(teamId);
}

/** Whether a team-limited API token (see `SessionUser.scopeTeamIds`) covers every one of these teams; always true for sessions. */
export function withinScope(user: Pick<SessionUser, "scopeTeamIds">, teamIds: readonly string[]): boolean {
  const scope = user.scopeTeamIds;
  return scope === undefined || teamIds.every((t) => scope.includes(t));
}

/** A decision with the reason when it is no. */
export type Permission = { allowed: boolean; reason: string | null };

const allow: Permission = { allowed: true, reason: null };
const deny = (reason: string): Permission => ({ allowed: false, reason });

const STATUS_WORD: Record<ChangeRequestStatus, string> = {
  draft: "a draft",
  in_review: "in review",
  approved: "approved",
  rejected: "rejected",
  deploying: "deploying",
  deployed: "deployed",
  failed: "failed",
  cancelled: "cancelled",
};

export function describeStatus(status: ChangeRequestStatus): string {
  return STATUS_WORD[status];
}

/** Statuses in which a change request is still being written or reviewed (shown live, not as a record). */
export const OPEN_STATUSES: readonly ChangeRequestStatus[] = ["draft", "in_review", "approved"];
export const EDITABLE_STATUSES: readonly ChangeRequestStatus[] = ["draft", "in_review"];
export const CANCELLABLE_STATUSES: readonly ChangeRequestStatus[] = ["draft", "in_review", "approved", "rejected", "failed"];

/** One standing approval as the policy needs it: who gave it, for which revision, and who they are now. */
export type ApprovalFact = {
  reviewerId: string;
  revision: number;
  dismissed: boolean;
  /** The reviewer's role and account state NOW, not when they approved. */
  reviewerRole: Role;
  reviewerDisabled: boolean;
};

/**
 * The approvals that count: on the current revision, not dismissed, from distinct reviewers who
 * wrote no revision of the change, and who are still enabled and still approvers (or admins).
 */
export function countingApprovals(approvals: readonly ApprovalFact[], writerIds: readonly string[], revision: number): string[] {
  const counted = new Set<string>();
  for (const a of approvals) {
    if (a.dismissed || a.revision !== revision || a.reviewerDisabled) continue;
    if (writerIds.includes(a.reviewerId) || !hasRoleAtLeast({ role: a.reviewerRole }, "approver")) continue;
    counted.add(a.reviewerId);
  }
  return [...counted];
}

export type ChangeFacts = {
  status: ChangeRequestStatus;
  authorId: string;
  /** Everyone who wrote a revision (the author included). */
  writerIds: readonly string[];
  revision: number;
  itemCount: number;
  /** Teams whose connectors the items touch (owners of created connectors included). */
  teamIds: readonly string[];
  approvals: readonly ApprovalFact[];
  approvalsRequired: number;
  /** Items written against an older connector version (or a connector deleted since). */
  staleCount: number;
  /** Names this change creates that a live connector of another team already holds, with why. */
  clashes: readonly string[];
};

export type ChangePermissions = {
  canEdit: Permission;
  canSubmit: Permission;
  canApprove: Permission;
  canReject: Permission;
  canComment: Permission;
  canDeploy: Permission;
  canRetry: Permission;
  canCancel: Permission;
  canRefresh: Permission;
};

/** Who may write revisions: the author, and admins. */
function mayWrite(user: SessionUser, f: ChangeFacts): boolean {
  return user.id === f.authorId || user.role === "admin";
}

/** Why the change cannot deploy now (approvals, staleness, name clashes), or null. Status is checked by the caller. */
export function deployBlocker(f: ChangeFacts): string | null {
  if (f.clashes.length > 0) return f.clashes.join(" ");
  if (f.staleCount > 0) return `${f.staleCount} ${f.staleCount === 1 ? "item was" : "items were"} written against an older connector version; refresh first.`;
  const approvals = countingApprovals(f.approvals, f.writerIds, f.revision).length;
  if (approvals < f.approvalsRequired) return `It has ${approvals} of ${f.approvalsRequired} required approvals from approvers who did not write it.`;
  return null;
}

const scopeDenial = deny("This API token is limited to teams this change request goes beyond.");
/** Whether a refusal is the one for a team-limited token (forbidden, not a matter of the change's state). */
export const isScopeDenial = (p: Permission): boolean => p === scopeDenial;
const outOfScope: ChangePermissions = {
  canEdit: scopeDenial,
  canSubmit: scopeDenial,
  canApprove: scopeDenial,
  canReject: scopeDenial,
  canComment: scopeDenial,
  canDeploy: scopeDenial,
  canRetry: scopeDenial,
  canCancel: scopeDenial,
  canRefresh: scopeDenial,
};

/** What the user may do with a change request, each with the reason when not. The use cases enforce exactly these. */
export function changePermissions(user: SessionUser, f: ChangeFacts): ChangePermissions {
  if (!withinScope(user, f.teamIds)) return outOfScope;
  const writer = f.writerIds.includes(user.id);
  const isApprover = hasRoleAtLeast(user, "approver");
  const notWriter = deny("Only the author or an admin can do this.");
  const status = describeStatus(f.status);
  const reviewer = (what: string): Permission | null =>
    !isApprover ? deny(`Only approvers can ${what}.`) : writer ? deny(`You wrote a revision of this change request, so you cannot ${what} it.`) : null;
  const approvedByMe = f.approvals.some((a) => a.reviewerId === user.id && !a.dismissed && a.revision === f.revision);
  const mayDeploy = user.id === f.authorId || isApprover;
  const blocker = deployBlocker(f);
  const deployable = f.status === "approved" || (f.status === "in_review" && f.approvalsRequired === 0);
  return {
    canEdit: !mayWrite(user, f) ? notWriter : EDITABLE_STATUSES.includes(f.status) ? allow : deny(`It is ${status}; only drafts and change requests in review can be edited.`),
    canSubmit: !mayWrite(user, f) ? notWriter : f.status !== "draft" ? deny("Only drafts are submitted for review.") : f.itemCount === 0 ? deny("Add at least one change first.") : f.clashes.length > 0 ? deny(f.clashes.join(" ")) : allow,
    canApprove:
      reviewer("approve") ??
      (f.status !== "in_review" ? deny(`It is ${status}; only change requests in review are approved.`) : approvedByMe ? deny("You approved this revision already.") : f.clashes.length > 0 ? deny(f.clashes.join(" ")) : allow),
    canReject: reviewer("reject") ?? (f.status === "in_review" || f.status === "approved" ? allow : deny(`It is ${status}.`)),
    canComment: hasRoleAtLeast(user, "owner") ? allow : deny("Viewers cannot comment."),
    canDeploy: !mayDeploy
      ? deny("Only the author, an approver or an admin can deploy.")
      : f.clashes.length > 0
        ? deny(f.clashes.join(" "))
        : !deployable
          ? deny(`It is ${status}; only approved change requests deploy.`)
          : blocker
            ? deny(blocker)
            : allow,
    canRetry: !mayDeploy ? deny("Only the author, an approver or an admin can retry a deploy.") : f.status !== "failed" ? deny("Only a failed deploy can be retried.") : blocker ? deny(blocker) : allow,
    canCancel: !mayWrite(user, f) ? notWriter : CANCELLABLE_STATUSES.includes(f.status) ? allow : deny(`It is ${status}; it can no longer be cancelled.`),
    canRefresh: !mayWrite(user, f) ? notWriter : !OPEN_STATUSES.includes(f.status) ? deny(`It is ${status}.`) : f.staleCount === 0 ? deny("Every item is based on the current connector versions.") : allow,
  };
}
