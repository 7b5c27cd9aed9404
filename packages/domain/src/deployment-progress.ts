/**
 * Deployment progress: the events the deploy job appends (the engine's apply events plus its own),
 * and the per-connector view the deployment page shows, derived from them.
 */
import type { ApplyEvent } from "@switchboard/engine/apply";
import type { PlanAction } from "@switchboard/engine/model";
import type { OffsetEvent } from "@switchboard/engine/offsets";
import type { MoveEvent } from "@switchboard/engine/move";

type At = { at: string };

/** One line of a deployment's log. */
export type DeployEvent =
  | (ApplyEvent & At)
  | (OffsetEvent & At)
  | ({ type: "deploy-start"; attempt: number } & At)
  | ({ type: "resumed"; attempt: number } & At)
  | ({ type: "plan"; actions: Array<{ name: string; kind: PlanAction["kind"] }> } & At)
  | ({ type: "error"; message: string; retrying: boolean } & At)
  | ({ type: "finished"; status: "succeeded" | "failed" } & At)
  /** A step of a move to another cluster (see ./move): not part of the plan's progress. */
  | (MoveEvent & At);

export type StepStatus = "pending" | "running" | "done" | "uncertain" | "failed";

/** A plan step, or a step of a move to another cluster (e.g. `stop on source`). */
export type StepKind = PlanAction["kind"] | `${MoveEvent["step"]} on ${MoveEvent["cluster"]}`;

export type ConnectorProgress = {
  name: string;
  steps: Array<{ kind: StepKind; status: StepStatus; error?: string }>;
  /** Worst-first summary of the steps ("unchanged" when the plan leaves it alone). */
  status: StepStatus | "unchanged";
  /** Verification of this connector once it started: still waiting for it, or settled (ready or failed; the report tells). */
  verify?: "waiting" | "settled";
};

export type DeploymentProgress = {
  phase: "queued" | "planning" | "applying" | "verifying" | "finished";
  /** Steps that change something, and how many of them ended (done, uncertain or failed). */
  steps: { total: number; ended: number };
  connectors: ConnectorProgress[];
  verification: { ready: number; total: number; pending: string[]; ok: boolean | null } | null;
  /** 0..100 over steps and verification together. */
  percent: number;
  attempts: number;
  errors: Array<{ at: string; message: string; retrying: boolean }>;
};

const CHANGES = (kind: string) => kind !== "noop" && kind !== "skip";

/**
 * The progress view of a deployment's events. A re-run after a crash appends a new plan: the view
 * starts again from the last one.
 */
export function summarizeProgress(events: readonly unknown[]): DeploymentProgress {
  const list = events.filter((e): e is DeployEvent => typeof e === "object" && e !== null && typeof (e as { type?: unknown }).type === "string");
  const attempts = list.filter((e) => e.type === "deploy-start" || e.type === "resumed").length;
  const errors = list.flatMap((e) => (e.type === "error" ? [{ at: e.at, message: e.message, retrying: e.retrying }] : []));
  const finished = list.some((e) => e.type === "finished");
  const lastPlan = list.findLastIndex((e) => e.type === "plan");
  const empty: DeploymentProgress = { phase: finished ? "finished" : attempts > 0 ? "planning" : "queued", steps: { total: 0, ended: 0 }, connectors: [], verification: null, percent: finished ? 100 : 0, attempts, errors };
  if (lastPlan < 0) return empty;
  const plan = list[lastPlan] as Extract<DeployEvent, { type: "plan" }>;

  const connectors = new Map<string, ConnectorProgress>();
  for (const a of plan.actions) {
    const c = connectors.get(a.name) ?? { name: a.name, steps: [], status: "unchanged" };
    if (CHANGES(a.kind)) c.steps.push({ kind: a.kind, status: "pending" });
    connectors.set(a.name, c);
  }
  let verification: DeploymentProgress["verification"] = null;
  let phase: DeploymentProgress["phase"] = "applying";
  let sawVerifyProgress = false;
  let verifyOk: boolean | null = null;
  for (const e of list.slice(lastPlan + 1)) {
    if (e.type === "step-start" || e.type === "step-done" || e.type === "step-failed") {
      const step = connectors.get(e.name)?.steps.find((s) => s.kind === e.kind && (e.type === "step-start" ? s.status === "pending" : s.status === "running" || s.status === "pending"));
      if (!step) continue;
      if (e.type === "step-start") step.status = "running";
      else if (e.type === "step-failed") Object.assign(step, { status: "failed", error: e.error });
      else Object.assign(step, e.uncertain ? { status: "uncertain", error: e.error } : { status: "done" });
    } else if (e.type === "step-resent") {
      // Sent again because verification showed it had not landed; verification still has the final word.
      const step = connectors.get(e.name)?.steps.find((s) => s.kind === e.kind && s.status === "uncertain");
      if (step) step.error = e.error ? `sent again (${e.attempt}): ${e.error}` : `sent again (${e.attempt})`;
    } else if (e.type === "verify-start") {
      phase = "verifying";
      verification = { ready: 0, total: e.connectors, pending: [], ok: null };
    } else if (e.type === "verify-progress") {
      verification = { ready: e.ready, total: e.total, pending: e.pending, ok: null };
      sawVerifyProgress = true;
    } else if (e.type === "verify-done") {
      verifyOk = e.ok;
    } else if (e.type === "move") {
      // A move runs after the plan, outside it: its steps are listed under its connector as they happen.
      const c = connectors.get(e.name) ?? { name: e.name, steps: [], status: "unchanged" as const };
      connectors.set(e.name, c);
      const kind: StepKind = `${e.step} on ${e.cluster}`;
      const running = c.steps.find((s) => s.kind === kind && s.status === "running");
      if (e.status === "start" || !running) c.steps.push({ kind, status: e.status === "start" ? "running" : e.status === "done" ? "done" : "failed", ...(e.detail && e.status === "failed" ? { error: e.detail } : {}) });
      else Object.assign(running, e.status === "done" ? { status: "done" } : { status: "failed", ...(e.detail ? { error: e.detail } : {}) });
    }
  }
  if (verification && verifyOk !== null) verification.ok = verifyOk;
  if (finished) phase = "finished";

  const rank: Record<StepStatus, number> = { failed: 4, running: 3, uncertain: 2, pending: 1, done: 0 };
  for (const c of connectors.values()) {
    if (c.steps.length > 0) c.status = c.steps.reduce<StepStatus>((worst, s) => (rank[s.status] > rank[worst] ? s.status : worst), "done");
    if (verification) c.verify = verification.ok === null && (sawVerifyProgress ? verification.pending.includes(c.name) : true) ? "waiting" : "settled";
  }
  const steps = [...connectors.values()].flatMap((c) => c.steps);
  const ended = steps.filter((s) => s.status === "done" || s.status === "uncertain" || s.status === "failed").length;
  const verifyTotal = verification?.total ?? new Set(plan.actions.filter((a) => CHANGES(a.kind)).map((a) => a.name)).size;
  const denominator = steps.length + verifyTotal;
  const percent = finished ? 100 : denominator === 0 ? 0 : Math.min(99, Math.round((100 * (ended + (verification?.ready ?? 0))) / denominator));
  return { phase, steps: { total: steps.length, ended }, connectors: [...connectors.values()], verification, percent, attempts, errors };
}
