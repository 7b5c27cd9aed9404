/**
 * Operations: the automation API's view of long work. An operation IS a deployment (same id); its
 * status is derived on the server from the deployment's status and its progress log, so there is
 * nothing more to store and nothing that can disagree with the deployment page.
 *
 *   queued                                        → accepted
 *   running, planning or applying its steps       → preparing
 *   running, every step applied, verifying        → provisioned
 *   running, a plan that only deletes connectors  → deleting (until verification saw them gone)
 *   succeeded                                     → ready
 *   failed                                        → failed
 */
import { setTimeout as delay } from "node:timers/promises";
import type { DbOrTx } from "@switchboard/db/client";
import type { DeploymentStatus } from "@switchboard/db/enums";
import { summarizeProgress, type DeployEvent, type DeploymentProgress } from "./deployment-progress";
import { loadDeployment } from "./deployments";

export const OPERATION_STATUSES = ["accepted", "preparing", "provisioned", "ready", "failed", "deleting"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The statuses an operation never leaves. */
export const FINAL_OPERATION_STATUSES: readonly OperationStatus[] = ["ready", "failed"];

export const isFinalOperationStatus = (status: OperationStatus): boolean => FINAL_OPERATION_STATUSES.includes(status);

/** The longest `wait` a caller may ask for, in seconds. */
export const MAX_OPERATION_WAIT_SECONDS = 30;

const CHANGES = (kind: string) => kind !== "noop" && kind !== "skip";

/** True when the last plan in the log changes something and every change is a connector deletion. */
function onlyDeletes(events: readonly unknown[]): boolean {
  const plan = events.findLast((e): e is Extract<DeployEvent, { type: "plan" }> => typeof e === "object" && e !== null && (e as { type?: unknown }).type === "plan");
  const changes = plan?.actions.filter((a) => CHANGES(a.kind)) ?? [];
  return changes.length > 0 && changes.every((a) => a.kind === "delete");
}

function runningStatus(progress: DeploymentProgress): OperationStatus {
  if (progress.phase === "verifying" || progress.phase === "finished") return "provisioned";
  if (progress.phase === "applying" && progress.steps.ended >= progress.steps.total) return "provisioned";
  return "preparing";
}

/** The operation status of a deployment with this status and progress log. */
export function operationStatus(status: DeploymentStatus, events: readonly unknown[]): OperationStatus {
  switch (status) {
    case "queued":
      return "accepted";
    case "succeeded":
      return "ready";
    case "failed":
      return "failed";
    case "running":
      return onlyDeletes(events) ? "deleting" : runningStatus(summarizeProgress(events));
  }
}

export type OperationView = {
  id: string;
  status: OperationStatus;
  deploymentStatus: DeploymentStatus;
  changeRequestId: string;
  clusterId: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: { phase: DeploymentProgress["phase"]; steps: DeploymentProgress["steps"]; percent: number };
};

/** The operation whose id is a deployment's id; NOT_FOUND when there is no such deployment. */
export async function operationView(db: DbOrTx, id: string): Promise<OperationView> {
  const d = await loadDeployment(db, id);
  const progress = summarizeProgress(d.events);
  return {
    id: d.id,
    status: operationStatus(d.status, d.events),
    deploymentStatus: d.status,
    changeRequestId: d.changeRequestId,
    clusterId: d.clusterId,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    progress: { phase: progress.phase, steps: progress.steps, percent: progress.percent },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

export type WaitOptions = {
  pollMs?: number;
  /** Stops the wait (e.g. the client went away): the operation is answered as it is; the deploy goes on. */
  signal?: AbortSignal;
  /** The ceiling `waitSeconds` is clamped to (default MAX_OPERATION_WAIT_SECONDS). */
  maxSeconds?: number;
};

/**
 * The operation once its status is final, or as it is when `waitSeconds` have passed (0: at once)
 * or `signal` aborted. Reads the database every `pollMs` meanwhile (a long poll: one request
 * instead of many).
 */
export async function waitForOperation(db: DbOrTx, id: string, waitSeconds: number, opts: WaitOptions = {}): Promise<OperationView> {
  const { pollMs = 250, signal, maxSeconds = MAX_OPERATION_WAIT_SECONDS } = opts;
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), maxSeconds) * 1000;
  for (;;) {
    const op = await operationView(db, id);
    const left = deadline - Date.now();
    if (isFinalOperationStatus(op.status) || left <= 0 || signal?.aborted) return op;
    await sleep(Math.min(pollMs, left), signal);
  }
}
