/**
 * The jobs the API enqueues and the worker runs, typed once: kind, payload schema, lock and dedupe keys.
 */
import { z } from "zod";
import type { EnqueueInput } from "@switchboard/db/repos/jobs";
import { currentRequestId } from "@switchboard/telemetry/request-context";

export const DEPLOY_JOB = "deploy";
export const HEALTH_JOB = "health";

export const deployPayloadSchema = z.object({ deploymentId: z.string().min(1) });
export type DeployPayload = z.infer<typeof deployPayloadSchema>;

/**
 * The job that runs a queued deployment: one deploy per cluster at a time through the lock key. It
 * carries the id of the request that queued it (if any), so the worker's log lines for it can be found.
 */
export function deployJob(deploymentId: string, clusterId: string): EnqueueInput {
  const requestId = currentRequestId();
  return { kind: DEPLOY_JOB, payload: { deploymentId } satisfies DeployPayload, lockKey: `deploy:${clusterId}`, ...(requestId ? { requestId } : {}) };
}

export const healthPayloadSchema = z.object({ clusterId: z.string().min(1) });

/** The queued health poll of a cluster (one at a time per cluster, by dedupe key). */
export function healthJob(clusterId: string, runAfter?: Date): EnqueueInput {
  return { kind: HEALTH_JOB, payload: { clusterId }, dedupeKey: `health:${clusterId}`, maxAttempts: 3, ...(runAfter ? { runAfter } : {}) };
}

export const GIT_COMMIT_JOB = "git-commit";

export const gitCommitPayloadSchema = z.object({ deploymentId: z.string().min(1) });

/**
 * The commit of a succeeded deployment's state file to its cluster's Git repository: one per
 * deployment (dedupe key), one at a time per cluster (lock key) so commits land in deploy order.
 */
export function gitCommitJob(deploymentId: string, clusterId: string): EnqueueInput {
  return { kind: GIT_COMMIT_JOB, payload: { deploymentId }, lockKey: `git:${clusterId}`, dedupeKey: `git:${deploymentId}`, maxAttempts: 3 };
}
