/**
 * Seed 001's sync, under governance: a state file becomes a change request through the import path
 * (items resolved with the caller's team rules, secrets decided here), its plan against the live
 * cluster is answered as sync lists, and the change request is submitted for review; when the
 * cluster's policy needs no approval (and the caller asked to sync, not to propose) its deploy is
 * queued at once. Connectors missing from the file are left alone, as in an import: `removed` lists
 * only what the plan deletes (e.g. the old name of a renamed connector).
 */
import type { DbOrTx } from "@switchboard/db/client";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import type { PlanJson } from "@switchboard/engine/format";
import type { ConnectPort } from "@switchboard/engine/port";
import { changeFacts, deploy, preview, submitForReview } from "./change-requests";
import type { ConnectFactory } from "./move";
import type { SessionUser } from "./policy";
import { importStateFile, NOTHING_TO_IMPORT, type ImportProblem } from "./state-file";

export type SyncInput = { clusterId: string; text: string; teamId: string; title: string; mode: "sync" | "propose"; source?: string };

export type SyncLists = { added: string[]; removed: string[]; paused: string[]; resumed: string[]; updated: string[]; restarted: string[]; stopped: string[] };

export type SyncResult =
  | { ok: false; problems: ImportProblem[] }
  | {
      ok: true;
      /** unchanged: nothing to do; in_review: waits for approvals; deploying: its deploy is queued. */
      outcome: "unchanged" | "in_review" | "deploying";
      changeRequestId: string | null;
      deploymentId: string | null;
      lists: SyncLists;
      plan: PlanJson | null;
    };

const LIST_OF = { create: "added", delete: "removed", pause: "paused", resume: "resumed", update: "updated", restart: "restarted", stop: "stopped" } as const;

function listsOf(plan: PlanJson | null): SyncLists {
  const lists: SyncLists = { added: [], removed: [], paused: [], resumed: [], updated: [], restarted: [], stopped: [] };
  for (const action of plan?.actions ?? []) {
    const list = LIST_OF[action.kind as keyof typeof LIST_OF];
    if (list) lists[list].push(action.name);
  }
  return lists;
}

/** Syncs (or, with mode "propose", only proposes) a state file on a cluster; see the file comment. */
export async function syncStateFile(db: DbOrTx, user: SessionUser, input: SyncInput, connect: ConnectPort, connectFor?: ConnectFactory): Promise<SyncResult> {
  const imported = await importStateFile(db, user, { clusterId: input.clusterId, text: input.text, title: input.title, teamId: input.teamId, source: input.source }, connect);
  const unchanged = { ok: true as const, outcome: "unchanged" as const, changeRequestId: null, deploymentId: null, lists: listsOf(null), plan: null };
  if (!imported.ok) return imported.problems.length === 1 && imported.problems[0]?.message === NOTHING_TO_IMPORT ? unchanged : imported;
  const id = imported.changeRequestId;
  if (!id) return unchanged; // only owner contacts were added
  const seen = await preview(db, id, connect, connectFor);
  const plan = seen.ok ? seen.plan : null;
  // An updated change request may be in review already.
  if ((await getChangeRequest(db, id))?.status === "draft") await submitForReview(db, user, id);
  const cr = await getChangeRequest(db, id);
  const needsApproval = !cr || (await changeFacts(db, cr)).approvalsRequired > 0;
  if (input.mode === "propose" || needsApproval) return { ok: true, outcome: "in_review", changeRequestId: id, deploymentId: null, lists: listsOf(plan), plan };
  // The deploy runs every check again (policy, conflicts); a refusal leaves the change request in review.
  const { deploymentId } = await deploy(db, user, id, connect, connectFor);
  return { ok: true, outcome: "deploying", changeRequestId: id, deploymentId, lists: listsOf(plan), plan };
}
