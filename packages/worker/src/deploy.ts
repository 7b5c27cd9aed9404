/**
 * The deploy job. Nothing the queue holds is trusted: when it claims the job, the worker checks the
 * change request again (still deploying, approvals meeting the policy as it is now, nothing stale,
 * no name clash), builds the change's deploy input, plans it against the live cluster (refusing
 * conflicts: a name held by another id, a connector managed elsewhere, a version that moved), applies
 * it with the engine (every progress event appended for the live view), then in one transaction
 * writes each verified connector's new definition, moves the change request to deployed or failed,
 * and stores the report. A re-run after a crash plans again against the cluster (what was already
 * applied shows as unchanged) and carries on.
 */
import type { Db, Tx } from "@switchboard/db/client";
import { DbError } from "@switchboard/db/errors";
import { getChangeRequest, transitionChangeRequest, type ChangeRequest } from "@switchboard/db/repos/change-requests";
import { getCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { appendDeploymentEvent, finishDeployment, getDeployment, listDeployments, startDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import { enqueueJob, hasLiveJob, jobPayload, type Job } from "@switchboard/db/repos/jobs";
import { buildDeployInput, describeConflicts, planDeploy, recordVerifiedTargets, type ChangeTarget, type DeployInput, type PlannedDeploy } from "@switchboard/domain/change-pipeline";
import { deployRefusal } from "@switchboard/domain/change-requests";
import type { DeployEvent } from "@switchboard/domain/deployment-progress";
import { failDeployment, type DeploymentReport } from "@switchboard/domain/deployments";
import { DomainError } from "@switchboard/domain/errors";
import { DEPLOY_JOB, deployPayloadSchema, gitCommitJob } from "@switchboard/domain/jobs";
import { runMoves, type MoveOutcome } from "@switchboard/domain/move";
import { snapshotsFromEvents } from "@switchboard/domain/offsets";
import { applyPlan, type ApplyEvent, type ApplyReport } from "@switchboard/engine/apply";
import { applyOffsetChanges, type OffsetOutcome } from "@switchboard/engine/offsets";
import { planToJson } from "@switchboard/engine/format";
import type { MoveEvent } from "@switchboard/engine/move";
import { redactDeep } from "@switchboard/engine/secrets";
import { deployDuration } from "@switchboard/telemetry/metrics";
import { PermanentJobError, type JobContext, type JobResult } from "./loop";
import { closeQuietly } from "./services";

/** Job handler for `deploy`. */
export async function runDeployJob(job: Job, ctx: JobContext): Promise<JobResult> {
  const { deploymentId } = deployPayloadSchema.parse(jobPayload(job));
  const deployment = await getDeployment(ctx.db, deploymentId);
  if (!deployment) throw new PermanentJobError(`deployment ${deploymentId} does not exist`);
  if (deployment.status === "succeeded" || deployment.status === "failed") return;
  const fail = async (reason: string, secretValues?: readonly string[]) => {
    const ended = await failDeployment(ctx.db, deploymentId, reason, { attempts: job.attempts, ...(secretValues ? { secretValues } : {}) });
    if (ended) observeDeploy(deployment, "failed");
    return ended;
  };
  const cr = await getChangeRequest(ctx.db, deployment.changeRequestId);
  const cluster = await getCluster(ctx.db, deployment.clusterId);
  if (!cr || !cluster) return void (await fail("its change request or cluster no longer exists"));

  const append = (e: DeployEvent) => appendDeploymentEvent(ctx.db, deploymentId, e);
  const at = () => new Date().toISOString();
  if (deployment.status === "queued" && (await startDeployment(ctx.db, deploymentId))) await append({ type: "deploy-start", attempt: job.attempts, at: at() });
  else await append({ type: "resumed", attempt: job.attempts, at: at() });

  const refusal = await deployRefusal(ctx.db, cr.id);
  if (refusal) return void (await fail(`refused when the worker took it up: ${refusal}`));
  // The deploy use case moves the change request to deploying; this covers a job queued otherwise.
  await transitionChangeRequest(ctx.db, null, cr.id, ["approved"], "deploying", "deploy started by the worker");

  let input: DeployInput;
  try {
    input = await buildDeployInput(ctx.db, cr.id);
  } catch (err) {
    if (err instanceof DomainError) return void (await fail(err.message));
    throw err;
  }
  let connect: ReturnType<JobContext["connectFor"]>;
  try {
    connect = ctx.connectFor(cluster);
  } catch (err) {
    // A cluster whose client cannot be made (a credential variable outside the allowed prefix).
    if (err instanceof DomainError) return void (await fail(err.message));
    throw err;
  }
  const topics = ctx.topicsFor(cluster);
  try {
    let planned: PlannedDeploy;
    try {
      planned = await planDeploy(input, connect, topics);
    } catch (err) {
      // Cluster unreachable: retried by the queue; the last attempt's failure ends it (see failDeployJob).
      const message = err instanceof Error ? err.message : String(err);
      await append(redactDeep({ type: "error", message, retrying: job.attempts < job.maxAttempts, at: at() }, input.secretValues));
      throw new Error(`planning failed: ${message}`);
    }
    const { plan, problems } = planned;
    const mask = <T>(v: T): T => redactDeep(v, input.secretValues);

    if (plan.conflicts.length > 0) {
      const reasons = await describeConflicts(ctx.db, plan.conflicts);
      return void (await finish(ctx.db, { deployment, cr, cluster, job, input, planned, report: null, error: `nothing was applied: ${reasons.join(" ")}` }));
    }
    if (problems.length > 0) {
      // The first problem in the reason, so a refusal (say, a plugin version pin on a worker older than 4.1) says why where it is shown.
      const masked = mask(problems);
      const first = `${masked[0]?.message ?? ""}${masked.length > 1 ? ` (and ${masked.length - 1} more)` : ""}`;
      return void (await finish(ctx.db, { deployment, cr, cluster, job, input, planned: { ...planned, problems: masked }, report: null, error: `the cluster's validator rejected the configuration: ${first}` }));
    }

    await append({ type: "plan", actions: plan.actions.map((a) => ({ name: a.name, kind: a.kind })), at: at() });
    // Offsets first (each stops its connector, snapshots, alters, restores its state): the plan's verification then checks the state.
    const offsets = await applyOffsetChanges(input.offsets, connect, { snapshots: snapshotsFromEvents(deployment.events), onEvent: (e) => append(mask({ ...e, at: at() })), signal: ctx.signal });
    // Events are appended in order, one write at a time, without holding up the apply.
    let pending: Promise<void> = Promise.resolve();
    const onEvent = (e: ApplyEvent | MoveEvent) => {
      const line = mask({ ...e, at: at() });
      pending = pending.then(() => append(line)).catch((err: unknown) => ctx.log.warn(`deployment ${deploymentId}: progress not recorded: ${String(err)}`));
    };
    // The change request's own throttle (reviewed with it) wins over the worker's defaults.
    const throttle = input.applyOptions ?? {};
    const report = await applyPlan(plan, connect, { ...ctx.applyOptions, ...throttle, ...(topics ? { topics } : {}), onEvent, signal: ctx.signal });
    // Moves run after the plan, each across its two clusters; a re-run after a crash carries them on.
    const moves = await runMoves(ctx.db, input, connect, ctx.connectFor, { ...ctx.applyOptions, onEvent, signal: ctx.signal, ...(report.ok ? {} : { skip: "the rest of the change failed" }) });
    await pending;
    // Stopped or lease lost: leave the deployment running; the next claim re-plans and carries on.
    if (ctx.signal.aborted) throw new Error("deploy interrupted; it resumes when the job is claimed again");
    await finish(ctx.db, { deployment, cr, cluster, job, input, planned, report, offsets, moves });
  } finally {
    await closeQuietly(connect);
    await closeQuietly(topics);
  }
}

/** Finalizer of `deploy` jobs: a job that failed for good ends its deployment and change request failed. */
export async function failDeployJob(tx: Tx, job: Job, reason: string): Promise<void> {
  const payload = deployPayloadSchema.safeParse(jobPayload(job));
  if (payload.success && (await failDeployment(tx, payload.data.deploymentId, reason, { attempts: job.attempts }))) observeDeploy({ startedAt: null, createdAt: job.createdAt }, "failed");
}

/** Deploy duration by outcome: from its start (from its queueing when it never started) to now. */
function observeDeploy(deployment: Pick<Deployment, "startedAt" | "createdAt">, outcome: "succeeded" | "failed"): void {
  deployDuration.observe({ outcome }, (Date.now() - (deployment.startedAt ?? deployment.createdAt).getTime()) / 1000);
}

/**
 * Ends deployments that are still queued or running although no live job will ever finish them
 * (left by a crash of an older version, or a job deleted by hand). Returns their ids.
 */
export async function sweepOrphanDeployments(db: Db): Promise<string[]> {
  const ended: string[] = [];
  for (const status of ["queued", "running"] as const) {
    for (const d of await listDeployments(db, { status, pageSize: 200 })) {
      if (await hasLiveJob(db, DEPLOY_JOB, { deploymentId: d.id })) continue;
      if (await failDeployment(db, d.id, "its deploy job ended without finishing it")) ended.push(d.id);
    }
  }
  return ended;
}

type FinishInput = {
  deployment: Deployment;
  cr: ChangeRequest;
  cluster: Cluster;
  job: Job;
  input: DeployInput;
  planned: PlannedDeploy;
  report: ApplyReport | null;
  offsets?: OffsetOutcome[];
  moves?: MoveOutcome[];
  error?: string;
};

/**
 * Records the end of a deploy in one transaction: verified connectors' definitions (only if each is
 * still at the version the change was written against), the change request's new status, and the
 * report. A database that moved on meanwhile fails the deploy with the reason instead.
 */
async function finish(db: Db, input: FinishInput): Promise<void> {
  const { deployment, cr, report } = input;
  const outcomes = new Map((report?.verification.connectors ?? []).map((o) => [o.name, o]));
  const failed = new Set((report?.failures ?? []).map((f) => f.name));
  const moves = input.moves ?? [];
  const verified = (t: ChangeTarget) =>
    t.action === "move" ? moves.some((m) => m.id === t.id && m.ok) : report !== null && [t.name, t.previousName].every((n) => n === null || (!failed.has(n) && (outcomes.get(n)?.ok ?? true)));
  const ok = report !== null && report.ok && input.error === undefined && (input.offsets ?? []).every((o) => o.ok) && moves.every((m) => m.ok);
  const status = ok ? "succeeded" : "failed";
  try {
    await db.$transaction(
      async (tx) => {
        const recorded = await recordVerifiedTargets(tx, input.input, verified);
        const full = redactDeep(buildReport(input, status, recorded), input.input.secretValues);
        await transitionChangeRequest(tx, null, cr.id, ["deploying", "approved"], ok ? "deployed" : "failed", ok ? undefined : (full.error ?? firstFailure(full) ?? "deploy failed"));
        await finishDeployment(tx, deployment.id, status, full);
        await appendDeploymentEvent(tx, deployment.id, { type: "finished", status, at: new Date().toISOString() } satisfies DeployEvent);
        // The cluster's Git mirror gets the deployed state as one commit, written by its own job.
        if (ok && input.cluster.gitRepository) await enqueueJob(tx, gitCommitJob(deployment.id, input.cluster.id));
      },
      { timeout: 60_000 },
    );
    observeDeploy(deployment, status);
  } catch (err) {
    if (!(err instanceof DbError) || err.code !== "CONFLICT") throw err;
    if (await failDeployment(db, deployment.id, `applied on the cluster, but the database refused to record it: ${err.message}`, { attempts: input.job.attempts, secretValues: input.input.secretValues })) observeDeploy(deployment, "failed");
  }
}

function firstFailure(report: DeploymentReport): string | undefined {
  const f = report.failures[0];
  return f ? `${f.name}: ${f.error}` : undefined;
}

function buildReport(input: FinishInput, outcome: "succeeded" | "failed", recorded: ReadonlySet<string>): DeploymentReport {
  const { deployment, cr, cluster, report, planned } = input;
  const snapshot = deployment.plan as { requestedBy?: { name: string; email: string }; approvals?: Array<{ reviewer: { name: string; email: string }; comment: string; at: string }> } | null;
  const outcomes = new Map((report?.verification.connectors ?? []).map((o) => [o.name, o]));
  const failures = new Map((report?.failures ?? []).map((f) => [f.name, f]));
  const plan = planned.plan;
  const names = [...new Set([...plan.actions.map((a) => a.name), ...outcomes.keys()])];
  const person = (p: { name: string; email: string }) => ({ name: p.name, email: p.email });
  return {
    deploymentId: deployment.id,
    outcome,
    changeRequest: { id: cr.id, title: cr.title, rationale: cr.rationale, revision: cr.revision, author: person(cr.author) },
    writers: cr.writers.map((w) => person(w.user)),
    cluster: { id: cluster.id, name: cluster.name, environment: cluster.environment },
    requestedBy: snapshot?.requestedBy ? person(snapshot.requestedBy) : null,
    approvals: (snapshot?.approvals ?? []).map((a) => ({ reviewer: person(a.reviewer), comment: a.comment, at: new Date(a.at).toISOString() })),
    plan: planToJson(plan, { secretKeys: planned.secretKeys }),
    validation: planned.problems,
    summary: {
      added: report?.added ?? [],
      removed: report?.removed ?? [],
      updated: report?.updated ?? [],
      paused: report?.paused ?? [],
      resumed: report?.resumed ?? [],
      stopped: report?.stopped ?? [],
      restarted: report?.restarted ?? [],
      skipped: report?.skipped ?? [],
      unmanaged: report?.unmanaged ?? [],
      topicsCreated: report?.topicsCreated ?? [],
      topicsDeleted: report?.topicsDeleted ?? [],
    },
    failures: [
      ...(input.offsets ?? []).flatMap((o) => (o.ok ? [] : [{ name: o.name, kind: "offsets", error: o.error ?? "failed" }])),
      ...(report?.failures ?? []),
      ...(input.moves ?? []).flatMap((m) => (m.ok ? [] : [{ name: m.name, kind: "move", error: m.error ?? "not moved" }])),
    ],
    notAttempted: report?.notAttempted ?? [],
    applyOptions: input.input.applyOptions,
    connectors: names.map((name) => {
      const o = outcomes.get(name);
      const f = failures.get(name);
      const reason = o?.reason ?? f?.error;
      return {
        name,
        actions: plan.actions.filter((a) => a.name === name).map((a) => a.kind),
        expected: o?.expected ?? null,
        observed: o?.observed ?? null,
        ok: report !== null && !f && (o?.ok ?? true),
        ...(reason === undefined ? {} : { reason }),
        tasks: o?.tasks ?? [],
        recorded: recorded.has(name),
      };
    }),
    verification: report ? { ok: report.verification.ok, durationMs: report.verification.durationMs } : null,
    ...(input.offsets?.length ? { offsets: input.offsets } : {}),
    ...(input.moves?.length ? { moves: input.moves } : {}),
    ...(input.error === undefined ? {} : { error: input.error }),
    attempts: input.job.attempts,
    startedAt: report?.startedAt ?? deployment.startedAt?.toISOString() ?? null,
    finishedAt: new Date().toISOString(),
  };
}
