/**
 * The deploy job: plans the change request against the live cluster again, applies the plan with
 * the engine (every progress event appended to the deployment for the live view), then, in one
 * transaction, writes each verified connector's new definition to the database, moves the change
 * request to deployed or failed, and stores the report. A re-run after a crash plans again against
 * the cluster (what was already applied shows as unchanged) and carries on.
 */
import { z } from "zod";
import type { Db, Tx } from "@switchboard/db/client";
import { DbError } from "@switchboard/db/errors";
import { getChangeItemSecrets, getChangeRequest, transitionChangeRequest, type ChangeRequest } from "@switchboard/db/repos/change-requests";
import { getCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, deleteConnector, getConnector, markConnectorDeployed, updateConnector } from "@switchboard/db/repos/connectors";
import { appendDeploymentEvent, finishDeployment, getDeployment, startDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import { jobPayload, type Job } from "@switchboard/db/repos/jobs";
import { applyPlan, type ApplyEvent, type ApplyReport, type ConnectorOutcome } from "@switchboard/engine/apply";
import { planToJson, type PlanJson } from "@switchboard/engine/format";
import type { Plan, Problem } from "@switchboard/engine/model";
import { buildChangeDesired, type ChangeTarget } from "../desired";
import { PermanentJobError, type JobContext, type JobResult } from "./loop";
import type { DeployEvent } from "./progress";
import { redactSecrets, secretValuesOf } from "./redact";
import { closeQuietly } from "./services";

const payloadSchema = z.object({ deploymentId: z.string().min(1) });

/** The job that runs a queued deployment (one per cluster at a time through the lock key). */
export function deployJob(deploymentId: string, clusterId: string) {
  return { kind: "deploy", payload: { deploymentId }, lockKey: `deploy:${clusterId}` };
}

type Person = { name: string; email: string };

/** The stored deployment report (secrets masked). */
export type DeploymentReport = {
  deploymentId: string;
  outcome: "succeeded" | "failed";
  changeRequest: { id: string; title: string; rationale: string; revision: number; author: Person };
  cluster: { id: string; name: string; environment: string };
  requestedBy: Person | null;
  /** The approvals the deploy went ahead on. */
  approvals: Array<{ reviewer: Person; comment: string; at: string }>;
  plan: PlanJson | null;
  validation: Problem[];
  /** The engine's lists, as in the original `sync`. */
  summary: Pick<ApplyReport, "added" | "removed" | "updated" | "paused" | "resumed" | "stopped" | "restarted" | "skipped" | "unmanaged" | "topicsCreated" | "topicsDeleted">;
  failures: ApplyReport["failures"];
  /** Per connector: what was planned, what the cluster showed at the end, and whether the database now records it. */
  connectors: Array<{ name: string; actions: string[]; expected: string | null; observed: string | null; ok: boolean; reason?: string; tasks: ConnectorOutcome["tasks"]; recorded: boolean }>;
  verification: { ok: boolean; durationMs: number } | null;
  /** Why the deploy stopped before applying (cluster unreachable, invalid config, ...). */
  error?: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string;
};

/** Job handler for `deploy`. */
export async function runDeployJob(job: Job, ctx: JobContext): Promise<JobResult> {
  const { deploymentId } = payloadSchema.parse(jobPayload(job));
  const deployment = await getDeployment(ctx.db, deploymentId);
  if (!deployment) throw new PermanentJobError(`deployment ${deploymentId} does not exist`);
  if (deployment.status === "succeeded" || deployment.status === "failed") return;
  const cr = await getChangeRequest(ctx.db, deployment.changeRequestId);
  const cluster = await getCluster(ctx.db, deployment.clusterId);
  if (!cr || !cluster) throw new PermanentJobError(`deployment ${deploymentId}: its change request or cluster is gone`);

  const append = (e: DeployEvent) => appendDeploymentEvent(ctx.db, deploymentId, e);
  const at = () => new Date().toISOString();
  if (deployment.status === "queued" && (await startDeployment(ctx.db, deploymentId))) await append({ type: "deploy-start", attempt: job.attempts, at: at() });
  else await append({ type: "resumed", attempt: job.attempts, at: at() });
  // The deploy use case moves the change request to deploying; this covers a job queued otherwise.
  await transitionChangeRequest(ctx.db, null, cr.id, ["approved"], "deploying", "deploy started by the worker");

  const connect = ctx.connectFor(cluster);
  const topics = ctx.topicsFor(cluster);
  try {
    let planned: { plan: Plan; secretKeys: Record<string, string[]>; validation: Problem[] };
    try {
      planned = await ctx.planChange(ctx.db, cr.id, connect);
    } catch (err) {
      // Cluster unreachable or the change no longer applies: retried by the queue, then failed for good.
      const message = err instanceof Error ? err.message : String(err);
      const last = job.attempts >= job.maxAttempts || err instanceof DbError;
      await append({ type: "error", message, retrying: !last, at: at() });
      if (!last) throw err;
      await finish(ctx.db, { deployment, cr, cluster, job, plan: null, secretKeys: {}, validation: [], report: null, error: `planning failed: ${message}` });
      return;
    }
    const { plan, secretKeys, validation } = planned;
    const secrets = [...plan.actions.flatMap((a) => ("config" in a ? secretValuesOf(a.config, secretKeys[a.name]) : []))];
    const mask = <T>(v: T): T => redactSecrets(v, secrets);

    if (validation.length > 0) {
      await finish(ctx.db, { deployment, cr, cluster, job, plan, secretKeys, validation: mask(validation), report: null, error: "the cluster's validator rejected the configuration", secrets });
      return;
    }

    await append({ type: "plan", actions: plan.actions.map((a) => ({ name: a.name, kind: a.kind })), at: at() });
    // Events are appended in order, one write at a time, without holding up the apply.
    let pending: Promise<void> = Promise.resolve();
    const onEvent = (e: ApplyEvent) => {
      const line = mask({ ...e, at: at() });
      pending = pending.then(() => append(line)).catch((err: unknown) => ctx.log.warn(`deployment ${deploymentId}: progress not recorded: ${String(err)}`));
    };
    const report = await applyPlan(plan, connect, { ...ctx.applyOptions, ...(topics ? { topics } : {}), onEvent, signal: ctx.signal });
    await pending;
    // Stopped or lease lost: leave the deployment running; the next claim re-plans and carries on.
    if (ctx.signal.aborted) throw new Error("deploy interrupted; it resumes when the job is claimed again");
    await finish(ctx.db, { deployment, cr, cluster, job, plan, secretKeys, validation, report, secrets });
  } finally {
    await closeQuietly(connect);
    await closeQuietly(topics);
  }
}

type FinishInput = {
  deployment: Deployment;
  cr: ChangeRequest;
  cluster: Cluster;
  job: Job;
  plan: Plan | null;
  secretKeys: Record<string, string[]>;
  validation: Problem[];
  report: ApplyReport | null;
  error?: string;
  secrets?: string[];
};

/**
 * Records the end of a deploy in one transaction: verified connectors' definitions (create, update,
 * run state, soft delete) with revisions linked to the change request, the change request's new
 * status, and the report.
 */
async function finish(db: Db, input: FinishInput): Promise<void> {
  const { deployment, cr, report } = input;
  const targets = (await buildChangeDesired(db, cr.id).catch(() => null))?.targets ?? [];
  const outcomes = new Map((report?.verification.connectors ?? []).map((o) => [o.name, o]));
  const failed = new Set((report?.failures ?? []).map((f) => f.name));
  const verified = (t: ChangeTarget) =>
    report !== null && [t.name, t.previousName].every((n) => n === null || (!failed.has(n) && (outcomes.get(n)?.ok ?? true)));
  const ok = report !== null && report.ok && input.error === undefined;
  const status = ok ? "succeeded" : "failed";

  await db.$transaction(
    async (tx) => {
      const recorded = new Set<string>();
      for (const t of targets) {
        if (!verified(t)) continue;
        if (await recordTarget(tx, cr, t)) recorded.add(t.name);
      }
      const full = buildReport(input, status, recorded);
      await transitionChangeRequest(tx, null, cr.id, ["deploying", "approved"], ok ? "deployed" : "failed", ok ? undefined : (full.error ?? "deploy failed"));
      await finishDeployment(tx, deployment.id, status, redactSecrets(full, input.secrets ?? []));
      await appendDeploymentEvent(tx, deployment.id, { type: "finished", status, at: new Date().toISOString() } satisfies DeployEvent);
    },
    { timeout: 60_000 },
  );
}

/** Writes one verified change to the database; false when there is nothing to record (a restart). */
async function recordTarget(tx: Tx, cr: ChangeRequest, t: ChangeTarget): Promise<boolean> {
  const item = cr.items.find((i) => i.id === t.itemId);
  if (!item) return false;
  const definition = async () => ({ config: item.proposedConfig ?? {}, secrets: await getChangeItemSecrets(tx, item.id) });
  switch (t.action) {
    case "create": {
      const existing = await getConnector(tx, t.id);
      const c = existing ?? (await createConnector(tx, null, { id: t.id, name: t.name, clusterId: cr.clusterId, teamId: t.teamId, desiredState: t.state, ...(await definition()), changeRequestId: cr.id }));
      await markConnectorDeployed(tx, null, c.id, c.version);
      return true;
    }
    case "update": {
      const c = await updateConnector(tx, null, t.id, { name: t.name, desiredState: t.state, definition: await definition(), changeRequestId: cr.id });
      await markConnectorDeployed(tx, null, c.id, c.version);
      return true;
    }
    case "pause":
    case "resume":
    case "stop": {
      const c = await updateConnector(tx, null, t.id, { desiredState: t.state, changeRequestId: cr.id });
      await markConnectorDeployed(tx, null, c.id, c.version);
      return true;
    }
    case "delete": {
      const c = await getConnector(tx, t.id);
      if (c && !c.deletedAt) await deleteConnector(tx, null, t.id);
      return true;
    }
    case "restart":
      return false;
  }
}

const snapshotSchema = z
  .object({
    requestedBy: z.object({ name: z.string(), email: z.string() }).optional(),
    approvals: z.array(z.object({ reviewer: z.object({ name: z.string(), email: z.string() }), comment: z.string(), at: z.coerce.date() })).optional(),
  })
  .catch({});

function buildReport(input: FinishInput, outcome: "succeeded" | "failed", recorded: ReadonlySet<string>): DeploymentReport {
  const { deployment, cr, cluster, report, plan } = input;
  const snapshot = snapshotSchema.parse(deployment.plan);
  const approvals =
    snapshot.approvals ??
    cr.reviews.filter((r) => r.decision === "approve" && r.dismissedAt === null && r.crRevision === cr.revision).map((r) => ({ reviewer: r.reviewer, comment: r.comment, at: r.createdAt }));
  const outcomes = new Map((report?.verification.connectors ?? []).map((o) => [o.name, o]));
  const failures = new Map((report?.failures ?? []).map((f) => [f.name, f]));
  const names = [...new Set([...(plan?.actions.map((a) => a.name) ?? []), ...outcomes.keys()])];
  const person = (p: Person) => ({ name: p.name, email: p.email });
  return {
    deploymentId: deployment.id,
    outcome,
    changeRequest: { id: cr.id, title: cr.title, rationale: cr.rationale, revision: cr.revision, author: person(cr.author) },
    cluster: { id: cluster.id, name: cluster.name, environment: cluster.environment },
    requestedBy: snapshot.requestedBy ? person(snapshot.requestedBy) : null,
    approvals: approvals.map((a) => ({ reviewer: person(a.reviewer), comment: a.comment, at: a.at.toISOString() })),
    plan: plan ? planToJson(plan, { secretKeys: input.secretKeys }) : null,
    validation: input.validation,
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
    failures: report?.failures ?? [],
    connectors: names.map((name) => {
      const o = outcomes.get(name);
      const f = failures.get(name);
      const reason = o?.reason ?? f?.error;
      return {
        name,
        actions: plan?.actions.filter((a) => a.name === name).map((a) => a.kind) ?? [],
        expected: o?.expected ?? null,
        observed: o?.observed ?? null,
        ok: report !== null && !f && (o?.ok ?? true),
        ...(reason === undefined ? {} : { reason }),
        tasks: o?.tasks ?? [],
        recorded: recorded.has(name),
      };
    }),
    verification: report ? { ok: report.verification.ok, durationMs: report.verification.durationMs } : null,
    ...(input.error === undefined ? {} : { error: input.error }),
    attempts: input.job.attempts,
    startedAt: report?.startedAt ?? deployment.startedAt?.toISOString() ?? null,
    finishedAt: new Date().toISOString(),
  };
}
