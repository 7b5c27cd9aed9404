/**
 * What the change request page says, as pure functions of the API's answer: who wrote it, which
 * reviews count, what blocks it, and how an ended change request's record is labelled.
 */
import type { RouterOutputs } from "../../../trpc/types";
import type { PlannedPreview } from "./plan-summary";

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

type Item = Detail["items"][number];
type DiffRow = Item["diff"][number];
type PlanAction = PlannedPreview["plan"]["actions"][number];

/** What the deploy preview shows in numbers: the plan's steps, offsets changes, moves and topics. */
export type DeployPreviewCounts = Pick<PlannedPreview, "offsets" | "moves"> & { plan: Pick<PlannedPreview["plan"], "actions" | "topicsToCreate" | "topicsToDelete"> };

/** Adoption items whose connector the plan leaves as it is: the deploy only records their live config. */
export function adoptionsOnly(items: readonly Pick<Item, "drift" | "connectorName">[], actions: readonly Pick<PlanAction, "kind" | "name">[] | null): string[] {
  const changed = new Set((actions ?? []).filter((a) => a.kind !== "noop" && a.kind !== "skip").map((a) => a.name));
  return items.filter((i) => i.drift === "adopt" && !changed.has(i.connectorName)).map((i) => i.connectorName);
}

/**
 * The deploy button's words: the changes the plan makes on the cluster (offsets changes, moves and
 * topics counted on their own) and, for an adoption that changes nothing there, the configs it
 * records. Without a plan (or once ended), each item counts as one change.
 */
export function deployLabel(clusterName: string, items: readonly Pick<Item, "drift" | "connectorName">[], preview: DeployPreviewCounts | null): string {
  const plan = preview?.plan ?? null;
  const adopted = adoptionsOnly(items, plan?.actions ?? null).length;
  const changes = plan
    ? plan.actions.filter((a) => a.kind !== "noop" && a.kind !== "skip").length + (preview?.offsets?.length ?? 0) + (preview?.moves?.length ?? 0) + plan.topicsToCreate.length + plan.topicsToDelete.length
    : items.length - adopted;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const record = `record ${plural(adopted, "adopted config")}`;
  if (adopted === 0) return `Deploy ${plural(changes, "change")} to ${clusterName}`;
  if (changes === 0) return `Record ${plural(adopted, "adopted config")} on ${clusterName}`;
  return `Deploy ${plural(changes, "change")} to ${clusterName} and ${record}`;
}

/** A config diff to show on an item card, with a line saying what it compares when that is not the stored definitions. */
export type ItemDiff = { rows: DiffRow[]; note: string | null; caption: string };

function rowOfChange(change: Extract<PlanAction, { kind: "update" }>["changes"][number]): DiffRow {
  const status = change.op === "add" ? "added" : change.op === "remove" ? "removed" : "changed";
  if (change.sensitive) return { key: change.key, status, before: null, after: null, sensitive: true };
  return { key: change.key, status, before: change.op === "add" ? null : change.before, after: change.op === "remove" ? null : change.after, sensitive: false };
}

/**
 * The diff an item card shows. A revert redeploys the approved definition, so its stored diff is
 * every key unchanged: the difference that matters is live → approved, the plan's key-level changes
 * of its update (secrets as sensitive only), with the item's other keys as unchanged.
 */
export function itemDiff(item: Pick<Item, "drift" | "connectorName" | "diff">, actions: readonly PlanAction[] | null): ItemDiff {
  const stored: ItemDiff = { rows: item.diff, note: null, caption: `Config changes of ${item.connectorName}` };
  if (item.drift !== "revert" || actions === null) return stored;
  const update = actions.find((a): a is Extract<PlanAction, { kind: "update" }> => a.kind === "update" && a.name === item.connectorName);
  if (!update || update.changes.length === 0) return { ...stored, note: "The live config matches the approved one now: the deploy changes no key." };
  const changed = update.changes.map(rowOfChange);
  const keys = new Set(changed.map((r) => r.key));
  return {
    rows: [...changed, ...item.diff.filter((r) => !keys.has(r.key)).map((r) => ({ ...r, status: "unchanged" as const }))],
    note: "Live config differs from the approved one; deploying puts the approved one back (before: live, after: approved).",
    caption: `Live config of ${item.connectorName} against the approved one`,
  };
}
