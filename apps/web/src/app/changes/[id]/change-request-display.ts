/**
 * What the change request page says, as pure functions of the API's answer: who wrote it, which
 * reviews count, what blocks it, and how an ended change request's record is labelled.
 */
import type { RouterOutputs } from "../../../trpc/types";

type Detail = RouterOutputs["changeRequest"]["byId"];
type ChangeStatus = Detail["status"];
type Review = Detail["reviews"][number];

export type WriterView = Pick<Detail["writers"][number], "id" | "name" | "firstRevision" | "lastRevision">;

/** "Olive (rev 1–3), Ada (rev 2)": every writer, in the order they first wrote, with the revisions they wrote. */
export function describeWriters(writers: readonly WriterView[]): string {
  return writers.map((w) => `${w.name} (rev ${w.firstRevision === w.lastRevision ? w.firstRevision : `${w.firstRevision}–${w.lastRevision}`})`).join(", ");
}

/** What a review's standing depends on; `decision` stays a string so a test can build one from a literal. */
export type ReviewView = Pick<Review, "dismissed" | "counted"> &
  Partial<Pick<Review, "reviewerNow">> & {
    decision: string;
    reviewer: Pick<Review["reviewer"], "id">;
  };

export type ReviewStanding = { counts: boolean; text: string } | null;

/**
 * Whether a review counts toward the approvals the policy requires, and if not why: dismissed by a
 * later revision, written by someone who also wrote a revision, or by someone who is no longer an
 * enabled approver. Null for comments and rejections that stand.
 */
export function reviewStanding(review: ReviewView, writerIds: readonly string[]): ReviewStanding {
  if (review.dismissed) return { counts: false, text: review.decision === "approve" ? "dismissed by a later edit: does not count" : "dismissed by a later edit" };
  if (review.decision !== "approve") return null;
  if (review.counted) return { counts: true, text: "counts toward approval" };
  if (writerIds.includes(review.reviewer.id)) return { counts: false, text: "does not count: the reviewer wrote a revision of this change request" };
  if (review.reviewerNow === "disabled") return { counts: false, text: "does not count: the reviewer's account was disabled since" };
  if (review.reviewerNow === "not an approver") return { counts: false, text: "does not count: the reviewer is no longer an approver" };
  return { counts: false, text: "does not count: the reviewer is no longer an enabled approver" };
}

/** What blocks a deploy, each problem once: name clashes the server found, then the plan's conflicts. */
export function blockingProblems(clashes: readonly string[], conflicts: readonly string[]): string[] {
  return [...new Set([...clashes, ...conflicts])];
}

/** Statuses in which the page shows the record kept when the change request ended. */
export function hasEnded(status: ChangeStatus): boolean {
  return status !== "draft" && status !== "in_review" && status !== "approved";
}

/** The heading of an ended change request's changes: the record, as what it was when it ended. */
export function recordLabel(status: ChangeStatus, revision: number): string {
  const as =
    status === "rejected" ? "as rejected" : status === "cancelled" ? "as they were when cancelled" : "as approved and deployed";
  return `The record of revision ${revision}, ${as}`;
}

/** The words before a change request's status note (why it failed, the rejection's comment, who cancelled), or null when none is shown. */
export function statusNoteTitle(status: ChangeStatus): string | null {
  return status === "failed" ? "The deploy failed" : status === "rejected" ? "Rejected" : status === "cancelled" ? "Cancelled" : null;
}
