/**
 * Seed 001's sync, under governance: a state file becomes a change request through the import path
 * (items resolved with the caller's team rules, secrets decided here), its plan against the live
 * cluster is answered as sync lists, and the change request is submitted for review; when the
 * cluster's policy needs no approval (and the caller asked to sync, not to propose) its deploy is
 * queued at once and, with `wait`, waited on (the operations' long poll) so the answer can carry the
 * deployment's report; a wait that ends first (or a caller that went away) leaves the deploy going.
 * Connectors missing from the file are left alone, as in an import: `removed` lists
 * only what the plan deletes (e.g. the old name of a renamed connector).
 */
import type { DbOrTx } from "@switchboard/db/client";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import type { PlanJson } from "@switchboard/engine/format";
import type { ConnectPort } from "@switchboard/engine/port";
import { changeFacts, deploy, preview, submitForReview } from "./change-requests";
import { deploymentReport, type DeploymentReport } from "./deployments";
import type { ConnectFactory } from "./move";
import { isFinalOperationStatus, waitForOperation } from "./operation-status";
import type { SessionUser } from "./policy";
import { importStateFile, NOTHING_TO_IMPORT, type ImportProblem } from "./state-file";

/** The longest a sync may wait for the deploy it queued, in seconds, and how long the REST API waits when not told. */
export const MAX_SYNC_WAIT_SECONDS = 60;
export const DEFAULT_SYNC_WAIT_SECONDS = 30;

/** `wait`: seconds to wait for a queued deploy to end (0 or absent: answer once it is queued). */
export type SyncInput = { clusterId: string; text: string; teamId: string; title: string; mode: "sync" | "propose"; source?: string; wait?: number };

export type SyncLists = { added: string[]; removed: string[]; paused: string[]; resumed: string[]; updated: string[]; restarted: string[]; stopped: string[] };

export type SyncResult =
  | { ok: false; problems: ImportProblem[] }
  | {
      ok: true;
      /**
       * unchanged: nothing to do; in_review: waits for approvals; approved: the same file's change
       * request from this source is approved already (deploy it); deploying: its deploy is queued (and
       * did not end within the wait); deployed / failed: its deploy ended within the wait, succeeded or failed.
       */
      outcome: "unchanged" | "in_review" | "approved" | "deploying" | "deployed" | "failed";
      changeRequestId: string | null;
      deploymentId: string | null;
      lists: SyncLists;
      plan: PlanJson | null;
      /** Why the change cannot deploy as it stands: conflicts, the cluster validator's problems, or why no plan could be made. */
      blockers: string[];
      /** The deployment's report (secrets masked when stored), once it ended within the wait. */
      report: DeploymentReport | null;
    };

type SyncAnswer = Extract<SyncResult, { ok: true }>;

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
export async function syncStateFile(db: DbOrTx, user: SessionUser, input: SyncInput, connect: ConnectPort, connectFor?: ConnectFactory, signal?: AbortSignal): Promise<SyncResult> {
  const imported = await importStateFile(db, user, { clusterId: input.clusterId, text: input.text, title: input.title, teamId: input.teamId, source: input.source }, connect);
  const unchanged = { ok: true as const, outcome: "unchanged" as const, changeRequestId: null, deploymentId: null, lists: listsOf(null), plan: null, blockers: [], report: null };
  if (!imported.ok) return imported.problems.length === 1 && imported.problems[0]?.message === NOTHING_TO_IMPORT ? unchanged : imported;
  const id = imported.changeRequestId;
  if (!id) return unchanged; // only owner contacts were added
  const seen = await preview(db, id, connect, connectFor);
  const plan = seen.ok ? seen.plan : null;
  const blockers = seen.ok ? [...seen.conflicts, ...seen.problems.map((p) => [p.connector, p.key, p.message].filter(Boolean).join(": "))] : [`no plan: ${seen.message}`];
  // An updated change request may be in review already.
  if ((await getChangeRequest(db, id))?.status === "draft") await submitForReview(db, user, id);
  const cr = await getChangeRequest(db, id);
  const needsApproval = !cr || (await changeFacts(db, cr)).approvalsRequired > 0;
  if (input.mode === "propose" || needsApproval) return { ok: true, outcome: cr?.status === "approved" ? "approved" : "in_review", changeRequestId: id, deploymentId: null, lists: listsOf(plan), plan, blockers, report: null };
  // The deploy runs every check again (policy, conflicts); a refusal leaves the change request in review.
  const { deploymentId } = await deploy(db, user, id, connect, connectFor);
  const queued: SyncAnswer = { ok: true, outcome: "deploying", changeRequestId: id, deploymentId, lists: listsOf(plan), plan, blockers, report: null };
  return awaitDeploy(db, queued, deploymentId, input.wait ?? 0, signal);
}

/** The queued answer with its deploy's outcome and report when it ends within `waitSeconds`, else as queued. */
async function awaitDeploy(db: DbOrTx, queued: SyncAnswer, deploymentId: string, waitSeconds: number, signal?: AbortSignal): Promise<SyncAnswer> {
  if (waitSeconds <= 0) return queued;
  const op = await waitForOperation(db, deploymentId, waitSeconds, { signal, maxSeconds: MAX_SYNC_WAIT_SECONDS });
  if (!isFinalOperationStatus(op.status)) return queued;
  const report = await deploymentReport(db, deploymentId);
  return { ...queued, outcome: report.outcome === "succeeded" ? "deployed" : "failed", report };
}
