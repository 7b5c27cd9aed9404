/**
 * Moving a connector to another Connect cluster with its offsets (KIP-875 offsets, KIP-980
 * initial_state): stop it on the source and read its offsets, create it STOPPED on the target,
 * write the offsets there, bring it to its run state, then delete it from the source. Each step is a
 * one-action plan run by {@link applyPlan}, so every step is verified like any deploy.
 *
 * Anything that fails before the source delete is rolled back: the target's copy is removed and the
 * source brought back to its run state. A run that was interrupted (a worker crash, a lost lease)
 * is not rolled back: running the move again reads both clusters and carries on from where they are.
 */
import { applyPlan, type ApplyOptions, type ApplyReport } from "./apply";
import { readMark, stampConfig } from "./managed";
import type { DesiredRunState, ObservedConnector, Plan, PlanAction, PlanConflict } from "./model";
import { ConnectError, type ConnectPort } from "./port";

export type MoveSpec = {
  /** Stable id (switchboard.id): the connector on both clusters must carry it. */
  id: string;
  name: string;
  /** The version stamped on the target. */
  version: number;
  /** The config as Connect gets it, without reserved keys (secrets included: never report it). */
  config: Record<string, string>;
  /** Run state on the target at the end, and the state the source is restored to on a rollback. */
  state: DesiredRunState;
  /** Manager stamped on the target (the web app of the target cluster). */
  targetManager: string;
};

export type MoveStepName = "read" | "stop" | "read-offsets" | "create" | "write-offsets" | "start" | "delete" | "remove-copy" | "restore";

export type MoveStep = { step: MoveStepName; ok: boolean; detail?: string };

export type MoveSide = {
  steps: MoveStep[];
  /** What the cluster showed last: a run state, "ABSENT", or "UNKNOWN" when it could not be read. */
  final: string;
};

export type MoveReport = {
  id: string;
  name: string;
  ok: boolean;
  /** Stopped by the caller's signal: left as it is for a later run to carry on (no rollback). */
  interrupted: boolean;
  /** Partitions whose offsets were carried over; null when none were read. */
  offsets: number | null;
  source: MoveSide;
  target: MoveSide;
  /** A name on the target held by another connector: nothing was changed. */
  conflict?: PlanConflict;
  error?: string;
};

export type MoveEvent = { type: "move"; name: string; cluster: "source" | "target"; step: MoveStepName; status: "start" | "done" | "failed"; detail?: string };

export type MoveOptions = Pick<ApplyOptions, "settleMs" | "pollIntervalMs" | "verifyTimeoutMs" | "tasklessMs" | "signal"> & {
  onEvent?: (e: MoveEvent) => void;
};

/**
 * Why the name cannot be taken on the target, or null: a live connector there holds it that is not
 * stamped with this id (an earlier, interrupted run of this move leaves a copy that is).
 */
export function targetConflict(live: ObservedConnector | null, spec: Pick<MoveSpec, "id" | "name">): PlanConflict | null {
  if (!live) return null;
  const mark = readMark(live.config);
  if (mark?.id === spec.id) return null;
  const heldBy = { name: live.name, ...(mark ? { id: mark.id } : {}), ...(mark?.manager ? { manager: mark.manager } : {}) };
  return { connector: spec.name, code: "NAME_TAKEN", message: `the name ${spec.name} is taken on the target cluster`, heldBy };
}

class StepFailed extends Error {}

/** Moves one connector from `source` to `target`; never throws for Connect errors (they end up in the report). */
export async function moveConnector(spec: MoveSpec, source: ConnectPort, target: ConnectPort, opts: MoveOptions = {}): Promise<MoveReport> {
  const report: MoveReport = { id: spec.id, name: spec.name, ok: false, interrupted: false, offsets: null, source: { steps: [], final: "UNKNOWN" }, target: { steps: [], final: "UNKNOWN" } };
  const sides = { source, target };
  const applyOpts: ApplyOptions = { ...pick(opts), concurrency: 1 };
  const targetConfig = stampConfig(spec.config, { id: spec.id, version: spec.version, manager: spec.targetManager });

  const record = (cluster: "source" | "target", step: MoveStepName, ok: boolean, detail?: string) => {
    report[cluster].steps.push({ step, ok, ...(detail === undefined ? {} : { detail }) });
    emit(opts, { type: "move", name: spec.name, cluster, step, status: ok ? "done" : "failed", ...(detail === undefined ? {} : { detail }) });
  };
  /** One step as a plan of at most one action, verified to reach `expected`. */
  const run = async (cluster: "source" | "target", step: MoveStepName, action: PlanAction | null, expected: DesiredRunState | "ABSENT") => {
    emit(opts, { type: "move", name: spec.name, cluster, step, status: "start" });
    const result = await applyPlan(onePlan(action, spec.name, expected), sides[cluster], applyOpts);
    report[cluster].final = result.verification.connectors[0]?.observed ?? report[cluster].final;
    if (opts.signal?.aborted) throw new StepFailed("interrupted");
    if (!result.ok) {
      const error = describeFailure(result);
      record(cluster, step, false, error);
      throw new StepFailed(`${step} on the ${cluster} cluster failed: ${error}`);
    }
    record(cluster, step, true);
  };
  const call = async <T>(cluster: "source" | "target", step: MoveStepName, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> => {
    emit(opts, { type: "move", name: spec.name, cluster, step, status: "start" });
    try {
      const v = await fn();
      record(cluster, step, true, detail?.(v));
      return v;
    } catch (err) {
      const error = describeError(err);
      record(cluster, step, false, error);
      throw new StepFailed(`${step} on the ${cluster} cluster failed: ${error}`);
    }
  };

  // 1. Read both clusters; nothing is changed unless both answer and the name is free on the target.
  let src: ObservedConnector | null;
  let tgt: ObservedConnector | null;
  try {
    src = await call("source", "read", () => source.getConnector(spec.name), (c) => (c ? c.state : "ABSENT"));
    tgt = await call("target", "read", () => target.getConnector(spec.name), (c) => (c ? c.state : "ABSENT"));
  } catch (err) {
    return { ...report, error: `${messageOf(err)}; nothing was changed` };
  }
  report.source.final = src?.state ?? "ABSENT";
  report.target.final = tgt?.state ?? "ABSENT";
  const conflict = targetConflict(tgt, spec);
  if (conflict) return { ...report, conflict, error: `${conflict.message}; nothing was changed` };
  if (src && readMark(src.config)?.id !== spec.id) {
    return { ...report, error: `the connector named ${spec.name} on the source cluster is not this one (stamped ${readMark(src.config)?.id ?? "with no id"}); nothing was changed` };
  }
  if (!src && !tgt) return { ...report, error: `${spec.name} is on neither cluster; nothing was changed` };

  // A copy on the target that left STOPPED was resumed by an earlier run: its offsets are its own now.
  const started = tgt !== null && tgt.state !== "STOPPED";
  try {
    if (src && !started) {
      await run("source", "stop", src.state === "STOPPED" ? null : { kind: "stop", name: spec.name, id: spec.id, reason: "move" }, "STOPPED");
      const offsets = await call("source", "read-offsets", () => source.getOffsets(spec.name), (o) => `${o.length} partition(s)`);
      report.offsets = offsets.length;
      const put: PlanAction = tgt
        ? { kind: "update", name: spec.name, id: spec.id, version: spec.version, config: targetConfig, changes: [], reason: "move" }
        : { kind: "create", name: spec.name, id: spec.id, version: spec.version, config: targetConfig, state: "STOPPED", reason: "move" };
      await run("target", "create", put, "STOPPED");
      const written = offsets.filter((o) => o.offset !== null);
      if (written.length > 0) await call("target", "write-offsets", () => target.alterOffsets(spec.name, written), () => `${written.length} partition(s)`);
    }
    await run("target", "start", started && tgt?.state === spec.state ? null : startAction(spec), spec.state);
  } catch (err) {
    if (opts.signal?.aborted) return { ...report, interrupted: true, error: "interrupted; running the move again carries on" };
    return { ...report, error: `${messageOf(err)}${await rollback()}` };
  }

  try {
    await run("source", "delete", src ? { kind: "delete", name: spec.name, id: spec.id, reason: "moved", managed: true } : null, "ABSENT");
  } catch (err) {
    if (opts.signal?.aborted) return { ...report, interrupted: true, error: "interrupted; running the move again carries on" };
    return { ...report, error: `${messageOf(err)}; the connector runs on the target and is STOPPED on the source: deploy again to finish the move` };
  }
  return { ...report, ok: true };

  /** Removes the target's copy and brings the source back to its run state; says what was done. */
  async function rollback(): Promise<string> {
    const out: string[] = [];
    try {
      await run("target", "remove-copy", { kind: "delete", name: spec.name, id: spec.id, reason: "move rolled back", managed: true }, "ABSENT");
      out.push("the target's copy was removed");
    } catch (err) {
      out.push(`the target's copy could not be removed (${messageOf(err)})`);
    }
    if (src) {
      try {
        await run("source", "restore", startAction(spec), spec.state);
        out.push(`the source was restored to ${spec.state}`);
      } catch (err) {
        out.push(`the source could not be restored to ${spec.state} (${messageOf(err)})`);
      }
    }
    return `; rolled back: ${out.join(", ")}`;
  }
}

/** The action that takes a STOPPED connector to the spec's run state (none for STOPPED). */
function startAction(spec: MoveSpec): PlanAction | null {
  if (spec.state === "STOPPED") return null;
  return { kind: spec.state === "RUNNING" ? "resume" : "pause", name: spec.name, id: spec.id, reason: "move" };
}

function onePlan(action: PlanAction | null, name: string, expected: DesiredRunState | "ABSENT"): Plan {
  return { actions: action ? [action] : [], topicsToCreate: [], topicsToDelete: [], unmanaged: [], managedElsewhere: [], conflicts: [], warnings: [], expected: { [name]: expected } };
}

function pick(opts: MoveOptions): ApplyOptions {
  const { onEvent: _onEvent, ...rest } = opts;
  return rest;
}

function emit(opts: MoveOptions, e: MoveEvent): void {
  try {
    opts.onEvent?.(e);
  } catch {
    /* a broken progress renderer must not stop a move halfway through */
  }
}

function describeFailure(r: ApplyReport): string {
  return r.failures.map((f) => f.error).join("; ") || "not verified";
}

function describeError(err: unknown): string {
  if (err instanceof ConnectError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
