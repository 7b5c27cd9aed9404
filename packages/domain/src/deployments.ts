/**
 * Deployments: the stored report, the page's view of one deployment, and the one way a deployment
 * ends failed (with its change request, in one transaction), whatever ended it.
 */
import { inTransaction, type DbOrTx } from "@switchboard/db/client";
import { getChangeRequest, transitionChangeRequest } from "@switchboard/db/repos/change-requests";
import { getCluster } from "@switchboard/db/repos/clusters";
import { appendDeploymentEvent, finishDeployment, getDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import type { ApplyReport, ConnectorOutcome } from "@switchboard/engine/apply";
import type { PlanJson } from "@switchboard/engine/format";
import type { Problem } from "@switchboard/engine/model";
import { redactDeep } from "@switchboard/engine/secrets";
import type { ApplyOptionsValue } from "./apply-options";
import { summarizeProgress, type DeployEvent } from "./deployment-progress";
import { notFound } from "./errors";
import type { MoveOutcome } from "./move";
import type { OffsetReport } from "./offsets";

type Person = { name: string; email: string };

/** The stored deployment report (secrets masked). */
export type DeploymentReport = {
  deploymentId: string;
  outcome: "succeeded" | "failed";
  changeRequest: { id: string; title: string; rationale: string; revision: number; author: Person };
  /** Everyone who wrote a revision of the change request (none of them counted as an approver). */
  writers: Person[];
  cluster: { id: string; name: string; environment: string };
  requestedBy: Person | null;
  /** The approvals the deploy went ahead on, as counted when the worker claimed it. */
  approvals: Array<{ reviewer: Person; comment: string; at: string }>;
  plan: PlanJson | null;
  validation: Problem[];
  /** The engine's lists, as in the original `sync`. */
  summary: Pick<ApplyReport, "added" | "removed" | "updated" | "paused" | "resumed" | "stopped" | "restarted" | "skipped" | "unmanaged" | "topicsCreated" | "topicsDeleted">;
  failures: ApplyReport["failures"];
  /** Connectors left untouched because the apply halted after too many failures (absent in older reports). */
  notAttempted?: string[];
  /** The throttle the apply ran with; null: the engine's defaults (absent in older reports). */
  applyOptions?: ApplyOptionsValue | null;
  /** Per connector: what was planned, what the cluster showed at the end, and whether the database now records it. */
  connectors: Array<{ name: string; actions: string[]; expected: string | null; observed: string | null; ok: boolean; reason?: string; tasks: ConnectorOutcome["tasks"]; recorded: boolean }>;
  verification: { ok: boolean; durationMs: number } | null;
  /** Offsets changes (KIP-875), each with the snapshot taken before it: what rolling back restores. */
  offsets?: OffsetReport[];
  /** Moves to another cluster: the steps and final state on each of the two clusters. */
  moves?: MoveOutcome[];
  /** Why the deploy ended before or instead of applying (refused at claim, cluster unreachable, retries exhausted, ...). */
  error?: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string;
};

const EMPTY_SUMMARY: DeploymentReport["summary"] = {
  added: [],
  removed: [],
  updated: [],
  paused: [],
  resumed: [],
  stopped: [],
  restarted: [],
  skipped: [],
  unmanaged: [],
  topicsCreated: [],
  topicsDeleted: [],
};

/**
 * Ends a deployment that did not finish normally, and its change request, as failed with the
 * reason, in one transaction: a refusal at claim time, retries exhausted, a lease that expired with
 * no attempt left, a crash. Nothing is left queued, running or deploying. Does nothing when the
 * deployment has already ended. `secretValues` are redacted from the reason.
 */
export async function failDeployment(db: DbOrTx, deploymentId: string, reason: string, opts: { attempts?: number; secretValues?: readonly string[] } = {}): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const deployment = await getDeployment(tx, deploymentId);
    if (!deployment || deployment.status === "succeeded" || deployment.status === "failed") return false;
    const cr = await getChangeRequest(tx, deployment.changeRequestId);
    const cluster = await getCluster(tx, deployment.clusterId);
    const error = redactDeep(reason, opts.secretValues ?? []);
    const person = (p: Person) => ({ name: p.name, email: p.email });
    const report: DeploymentReport = {
      deploymentId,
      outcome: "failed",
      changeRequest: cr ? { id: cr.id, title: cr.title, rationale: cr.rationale, revision: cr.revision, author: person(cr.author) } : { id: deployment.changeRequestId, title: "", rationale: "", revision: 0, author: { name: "", email: "" } },
      writers: cr?.writers.map((w) => person(w.user)) ?? [],
      cluster: cluster ? { id: cluster.id, name: cluster.name, environment: cluster.environment } : { id: deployment.clusterId, name: "", environment: "" },
      requestedBy: null,
      approvals: [],
      plan: null,
      validation: [],
      summary: EMPTY_SUMMARY,
      failures: [],
      connectors: [],
      verification: null,
      error,
      attempts: opts.attempts ?? 0,
      startedAt: deployment.startedAt?.toISOString() ?? null,
      finishedAt: new Date().toISOString(),
    };
    await finishDeployment(tx, deploymentId, "failed", report);
    await appendDeploymentEvent(tx, deploymentId, { type: "finished", status: "failed", at: report.finishedAt } satisfies DeployEvent);
    await transitionChangeRequest(tx, null, deployment.changeRequestId, ["deploying", "approved"], "failed", error);
    return true;
  });
}

/** One topic a deployment was asked to create or delete, and what became of it. */
export type TopicOutcome = {
  topic: string;
  action: "created" | "deleted" | "left alone" | "create" | "delete";
  /** Set for a topic planned for creation. */
  partitions: number | null;
  replicationFactor: number | null;
  ok: boolean;
  outcome: string;
};

const TOPIC_FAILURE_KINDS: Record<"create" | "delete", readonly string[]> = { create: ["create-topics", "topics"], delete: ["delete-topics", "topics"] };

/**
 * The report's topic outcomes, one row per topic: created or deleted as planned, left alone (it
 * existed already, or was gone before the delete), or not done with the reason. Older reports and
 * reports without topic changes give no rows.
 */
export function reportTopics(report: DeploymentReport): TopicOutcome[] {
  const plan = report.plan;
  if (!plan) return [];
  const created = new Set(report.summary.topicsCreated ?? []);
  const deleted = new Set(report.summary.topicsDeleted ?? []);
  const failure = (kind: "create" | "delete", topic: string) =>
    report.failures.find((f) => TOPIC_FAILURE_KINDS[kind].includes(f.kind) && (f.name === "topics" || f.name.split(", ").includes(topic)));
  const unfinished = (kind: "create" | "delete", topic: string): Pick<TopicOutcome, "ok" | "outcome"> => {
    const f = failure(kind, topic);
    if (f) return { ok: false, outcome: `failed: ${f.error}` };
    return report.verification === null ? { ok: false, outcome: "not run: the deploy ended before applying" } : { ok: true, outcome: "" };
  };
  const rows: TopicOutcome[] = [];
  for (const t of plan.topicsToCreate ?? []) {
    const size = { partitions: t.partitions, replicationFactor: t.replicationFactor };
    if (created.has(t.name)) rows.push({ topic: t.name, action: "created", ...size, ok: true, outcome: "created" });
    else {
      const u = unfinished("create", t.name);
      rows.push(u.outcome === "" ? { topic: t.name, action: "left alone", ...size, ok: true, outcome: "existed already when applied" } : { topic: t.name, action: "create", ...size, ...u });
    }
  }
  for (const name of plan.topicsToDelete ?? []) {
    const none = { partitions: null, replicationFactor: null };
    if (deleted.has(name)) rows.push({ topic: name, action: "deleted", ...none, ok: true, outcome: "deleted with its records" });
    else {
      const u = unfinished("delete", name);
      rows.push(u.outcome === "" ? { topic: name, action: "left alone", ...none, ok: true, outcome: "already gone when applied" } : { topic: name, action: "delete", ...none, ...u });
    }
  }
  for (const w of plan.warnings ?? []) {
    const exists = w.code === "TOPIC_EXISTS" ? /^topic (\S+) exists already/.exec(w.message) : null;
    const missing = w.code === "TOPIC_MISSING" ? /^topic (\S+) does not exist/.exec(w.message) : null;
    const name = exists?.[1] ?? missing?.[1];
    if (!name || rows.some((r) => r.topic === name)) continue;
    rows.push({ topic: name, action: "left alone", partitions: null, replicationFactor: null, ok: true, outcome: exists ? "existed already: not changed" : "did not exist: nothing to delete" });
  }
  return rows;
}

/** A deployment for its page: status, progress derived from its events, the events after `after`, and the report once finished. */
export async function deploymentView(db: DbOrTx, deploymentId: string, after: number) {
  const d = await loadDeployment(db, deploymentId);
  const [cr, cluster] = await Promise.all([getChangeRequest(db, d.changeRequestId), getCluster(db, d.clusterId)]);
  return {
    id: d.id,
    status: d.status,
    changeRequest: cr ? { id: cr.id, title: cr.title, status: cr.status } : null,
    cluster: cluster ? { id: cluster.id, name: cluster.name, environment: cluster.environment } : null,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    progress: summarizeProgress(d.events),
    /** Events from index `after` on, for a live log; `eventCount` is the cursor for the next call. */
    events: d.events.slice(after),
    eventCount: d.events.length,
    report: d.report as DeploymentReport | null,
    /** The report's topic outcomes (empty while running or without topic changes). */
    topics: d.report ? reportTopics(d.report as DeploymentReport) : [],
  };
}

export type DeploymentView = Awaited<ReturnType<typeof deploymentView>>;

export async function loadDeployment(db: DbOrTx, deploymentId: string): Promise<Deployment> {
  const d = await getDeployment(db, deploymentId);
  if (!d) throw notFound("No such deployment.");
  return d;
}

/** The full report for download; NOT_FOUND while the deployment is still running. */
export async function deploymentReport(db: DbOrTx, deploymentId: string): Promise<DeploymentReport> {
  const d = await loadDeployment(db, deploymentId);
  if (d.report === null) throw notFound("This deployment has not finished yet; its report is written when it ends.");
  return d.report as DeploymentReport;
}
