import pLimit from "p-limit";
import type { DesiredRunState, ObservedConnector, Plan, PlanAction } from "./model";
import { ConnectError, mayHaveSucceeded, type ConnectPort, type TopicPort } from "./port";

export type ApplyEvent =
  /** `total`: number of actions that change something (skip and noop excluded). */
  | { type: "start"; total: number }
  | { type: "step-start"; name: string; kind: PlanAction["kind"] }
  /** `uncertain`: Connect errored but may have done it; verification decides. */
  | { type: "step-done"; name: string; kind: PlanAction["kind"]; uncertain?: boolean; error?: string }
  | { type: "step-failed"; name: string; kind: PlanAction["kind"]; error: string }
  | { type: "topics"; created: string[]; deleted: string[] }
  | { type: "verify-start"; connectors: number }
  | { type: "verify-progress"; ready: number; total: number; pending: string[] }
  | { type: "verify-done"; ok: boolean };

export type ApplyOptions = {
  /** Port calls in flight at once. Default 8. */
  concurrency?: number;
  /** Default 120_000. */
  verifyTimeoutMs?: number;
  /** Default 3_000: a state (desired or FAILED) must hold on polls spanning at least this long. */
  settleMs?: number;
  /** Default 1_000. */
  pollIntervalMs?: number;
  /** Needed only when the plan has topic actions. */
  topics?: TopicPort;
  onEvent?: (e: ApplyEvent) => void;
  signal?: AbortSignal;
};

export type ConnectorOutcome = {
  name: string;
  expected: DesiredRunState | "ABSENT";
  /** "RUNNING", "PAUSED", "FAILED", "ABSENT", ...; "UNKNOWN" when the cluster could not be read. */
  observed: string;
  tasks: { id: number; state: string; trace?: string }[];
  ok: boolean;
  /** Why not ok, e.g. `task 0 FAILED: java.lang.RuntimeException: ...` (first line of the trace). */
  reason?: string;
};

export type ApplyReport = {
  ok: boolean;
  added: string[];
  removed: string[];
  updated: string[];
  paused: string[];
  resumed: string[];
  stopped: string[];
  restarted: string[];
  skipped: string[];
  unmanaged: string[];
  topicsCreated: string[];
  topicsDeleted: string[];
  /** Steps that failed for sure, plus verification failures. */
  failures: { name: string; kind: string; error: string }[];
  verification: { ok: boolean; durationMs: number; connectors: ConnectorOutcome[] };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
};

type Failure = ApplyReport["failures"][number];
type Emit = (e: ApplyEvent) => void;
/** `failed`: Connect clearly refused, or the step never ran. `uncertain`: only verification can tell. */
type StepResult = { status: "ok" | "uncertain" | "failed"; error?: string };

const LIST_OF_KIND = {
  create: "added",
  delete: "removed",
  update: "updated",
  pause: "paused",
  resume: "resumed",
  stop: "stopped",
  restart: "restarted",
} as const;

/**
 * Applies a plan to a Kafka Connect cluster, then verifies the cluster reached `plan.expected`.
 *
 * Topics are created first; connector steps then run grouped per connector (steps on one id or one
 * name run in order, deletions first so a rename frees nothing it needs), groups concurrently under
 * one bound. A failed deletion never stops creations. Because Connect may report an error and still
 * do the work, the final word belongs to verification. Never throws for Connect errors: they end up
 * in the report.
 */
export async function applyPlan(plan: Plan, connect: ConnectPort, opts: ApplyOptions = {}): Promise<ApplyReport> {
  const startedAt = new Date();
  const emit: Emit = (e) => {
    // A broken progress renderer must not stop an apply halfway through.
    try {
      opts.onEvent?.(e);
    } catch {
      /* ignored on purpose */
    }
  };
  const { actions } = plan;
  const failures: Failure[] = [];
  const topicsCreated: string[] = [];
  const topicsDeleted: string[] = [];
  const results = new Map<number, StepResult>();

  emit({ type: "start", total: actions.filter(changesSomething).length });

  const finish = (verification: ApplyReport["verification"]): ApplyReport => {
    const finishedAt = new Date();
    return {
      ok: failures.length === 0 && verification.ok,
      ...reportLists(plan, results, verification.connectors),
      topicsCreated,
      topicsDeleted,
      failures,
      verification,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
  };

  const topicProblem = await createTopics(plan, opts, topicsCreated, emit);
  if (topicProblem) {
    // Nothing on Connect was touched: connectors must not start without their topics.
    failures.push(topicProblem);
    return finish({ ok: false, durationMs: 0, connectors: [] });
  }

  const limit = pLimit(Math.max(1, Math.floor(opts.concurrency ?? 8)));
  await Promise.all(
    groupActions(actions).map((group) =>
      limit(async () => {
        let blockedBy: string | undefined;
        for (const i of group) {
          const action = actions[i]!;
          const notRun = opts.signal?.aborted ? "aborted" : blockedBy;
          if (notRun !== undefined) {
            const error = `not run: ${notRun}`;
            results.set(i, { status: "failed", error });
            emit({ type: "step-failed", name: action.name, kind: action.kind, error });
            continue;
          }
          const result = await runStep(action, connect, emit);
          results.set(i, result);
          if (result.status === "failed") blockedBy = `${action.kind} of ${action.name} failed`;
        }
      }),
    ),
  );
  // Judged only now, after every creation ran (seed 000): failed deletions never block creations.
  actions.forEach((action, i) => {
    const r = results.get(i);
    if (r?.status === "failed") failures.push({ name: action.name, kind: action.kind, error: r.error ?? "failed" });
  });

  const topicDeleteProblem = await deleteTopics(plan, opts, results, topicsDeleted, emit);
  if (topicDeleteProblem) failures.push(topicDeleteProblem);

  const verification = await verify(plan, connect, opts, results, emit);
  // A connector whose step failed is already in `failures`; its outcome only says what the cluster shows.
  const failedNames = new Set(failures.map((f) => f.name));
  for (const o of verification.connectors) {
    if (!o.ok && !failedNames.has(o.name)) failures.push({ name: o.name, kind: "verify", error: o.reason ?? "not ok" });
  }
  if (opts.signal?.aborted) failures.push({ name: "apply", kind: "aborted", error: "aborted by the caller: pending steps and verification were stopped" });
  return finish(verification);
}

function changesSomething(a: PlanAction): boolean {
  return a.kind !== "skip" && a.kind !== "noop";
}

/**
 * Groups action indices so that actions sharing an id or a name end up together (union-find): such
 * actions touch the same connector and must not race, e.g. a rename, or deleting an unmanaged
 * connector whose name a new one takes. Deletions come first in a group, then plan order.
 */
function groupActions(actions: readonly PlanAction[]): number[][] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(k, root);
    return root;
  };
  const keysOf = (a: PlanAction) => (a.id === undefined ? [`name:${a.name}`] : [`name:${a.name}`, `id:${a.id}`]);
  const indices = actions.flatMap((a, i) => (changesSomething(a) ? [i] : []));
  for (const i of indices) {
    const [first, ...rest] = keysOf(actions[i]!);
    for (const k of [first!, ...rest]) if (!parent.has(k)) parent.set(k, k);
    for (const k of rest) parent.set(find(k), find(first!));
  }
  const groups = new Map<string, number[]>();
  for (const i of indices) {
    const root = find(`name:${actions[i]!.name}`);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  }
  const isDelete = (i: number) => actions[i]!.kind === "delete";
  return [...groups.values()].map((g) => [...g.filter(isDelete), ...g.filter((i) => !isDelete(i))]);
}

async function runStep(action: PlanAction, connect: ConnectPort, emit: Emit): Promise<StepResult> {
  const { name, kind } = action;
  emit({ type: "step-start", name, kind });
  try {
    await callPort(action, connect);
    emit({ type: "step-done", name, kind });
    return { status: "ok" };
  } catch (err) {
    const error = describeError(err);
    if (kind === "delete" && err instanceof ConnectError && err.code === "NOT_FOUND") {
      emit({ type: "step-done", name, kind });
      return { status: "ok" };
    }
    if (mayHaveSucceeded(err)) {
      emit({ type: "step-done", name, kind, uncertain: true, error });
      return { status: "uncertain", error };
    }
    emit({ type: "step-failed", name, kind, error });
    return { status: "failed", error };
  }
}

async function callPort(action: PlanAction, connect: ConnectPort): Promise<void> {
  switch (action.kind) {
    case "create":
      // PUT is idempotent, so a retried request is harmless; POST is only needed for an initial state.
      if (action.state === "RUNNING") await connect.putConfig(action.name, action.config);
      else await connect.createConnector(action.name, action.config, action.state);
      return;
    case "update":
      await connect.putConfig(action.name, action.config);
      return;
    case "delete":
      return connect.deleteConnector(action.name);
    case "pause":
      return connect.pause(action.name);
    case "resume":
      return connect.resume(action.name);
    case "stop":
      return connect.stop(action.name);
    case "restart":
      return connect.restart(action.name, { includeTasks: true, onlyFailed: action.onlyFailed });
    case "skip":
    case "noop":
      return;
  }
}

function describeError(err: unknown): string {
  if (err instanceof ConnectError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

async function createTopics(plan: Plan, opts: ApplyOptions, created: string[], emit: Emit): Promise<Failure | undefined> {
  const wanted = plan.topicsToCreate;
  const needsPort = wanted.length > 0 || plan.topicsToDelete.length > 0;
  if (needsPort && !opts.topics) {
    return { name: "topics", kind: "topics", error: "the plan has topic changes but no Kafka connection was given (bootstrap servers)" };
  }
  if (wanted.length === 0 || !opts.topics) return undefined;
  if (opts.signal?.aborted) return { name: "topics", kind: "create-topics", error: "not run: aborted" };
  try {
    // Another run may have created some meanwhile; asking first keeps a re-run idempotent.
    const existing = new Set(await opts.topics.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.name));
    if (missing.length > 0) await opts.topics.createTopics(missing);
    created.push(...missing.map((t) => t.name));
    emit({ type: "topics", created: [...created], deleted: [] });
    return undefined;
  } catch (err) {
    return { name: wanted.map((t) => t.name).join(", "), kind: "create-topics", error: describeError(err) };
  }
}

async function deleteTopics(
  plan: Plan,
  opts: ApplyOptions,
  results: ReadonlyMap<number, StepResult>,
  deleted: string[],
  emit: Emit,
): Promise<Failure | undefined> {
  const names = plan.topicsToDelete;
  if (names.length === 0 || !opts.topics) return undefined;
  const failedDelete = plan.actions.find((a, i) => a.kind === "delete" && results.get(i)?.status === "failed");
  if (failedDelete) {
    // The connector may still read or write them.
    return { name: names.join(", "), kind: "delete-topics", error: `not run: delete of ${failedDelete.name} failed` };
  }
  if (opts.signal?.aborted) return { name: names.join(", "), kind: "delete-topics", error: "not run: aborted" };
  try {
    const existing = new Set(await opts.topics.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length > 0) await opts.topics.deleteTopics(present);
    deleted.push(...present);
    emit({ type: "topics", created: [], deleted: [...deleted] });
    return undefined;
  } catch (err) {
    return { name: names.join(", "), kind: "delete-topics", error: describeError(err) };
  }
}

type Judgement = { kind: "holds" } | { kind: "failed"; reason: string } | { kind: "waiting"; reason: string };

type Track = {
  expected: DesiredRunState | "ABSENT";
  status: "pending" | "ready" | "failed" | "excluded";
  /** Start of the current streak of polls where the expected state (or a failure) held. */
  holdsSince?: number;
  failsSince?: number;
  last?: ObservedConnector | null;
  reason?: string;
};

/**
 * Polls the cluster until every expected connector is ready (its state held for `settleMs`) or failed,
 * or the deadline passes. Connectors whose step failed for sure are observed but not waited for.
 */
async function verify(
  plan: Plan,
  connect: ConnectPort,
  opts: ApplyOptions,
  results: ReadonlyMap<number, StepResult>,
  emit: Emit,
): Promise<ApplyReport["verification"]> {
  const timeoutMs = opts.verifyTimeoutMs ?? 120_000;
  const settleMs = opts.settleMs ?? 3_000;
  const pollIntervalMs = opts.pollIntervalMs ?? 1_000;
  const started = Date.now();
  const deadline = started + timeoutMs;

  const stepFailure = new Map<string, string>();
  plan.actions.forEach((a, i) => {
    const r = results.get(i);
    if (r?.status === "failed" && !stepFailure.has(a.name)) stepFailure.set(a.name, `not verified: ${a.kind} failed (${r.error ?? "failed"})`);
  });
  const tracks = new Map<string, Track>(
    Object.entries(plan.expected).map(([name, expected]) => {
      const reason = stepFailure.get(name);
      return [name, reason === undefined ? { expected, status: "pending" } : { expected, status: "excluded", reason }];
    }),
  );

  emit({ type: "verify-start", connectors: tracks.size });
  let lastPollError: string | undefined;
  let polled = false;
  const allDone = () => [...tracks.values()].every((t) => t.status !== "pending");

  while (tracks.size > 0 && !opts.signal?.aborted) {
    try {
      const observed = new Map((await connect.listConnectors()).map((c) => [c.name, c]));
      polled = true;
      lastPollError = undefined;
      const now = Date.now();
      for (const [name, track] of tracks) observeTrack(track, observed.get(name) ?? null, now, settleMs);
    } catch (err) {
      // Workers may be rebalancing or briefly unreachable: try again until the deadline.
      lastPollError = describeError(err);
    }
    const ready = [...tracks.values()].filter((t) => t.status === "ready").length;
    const pending = [...tracks].filter(([, t]) => t.status === "pending").map(([name]) => name);
    emit({ type: "verify-progress", ready, total: tracks.size, pending });
    const remaining = deadline - Date.now();
    if (allDone() || remaining <= 0) break;
    await sleep(Math.min(pollIntervalMs, remaining), opts.signal);
  }

  const connectors = [...tracks].map(([name, t]) => outcome(name, t, { polled, lastPollError, timeoutMs, aborted: opts.signal?.aborted ?? false }));
  const ok = connectors.every((c) => c.ok);
  emit({ type: "verify-done", ok });
  return { ok, durationMs: Date.now() - started, connectors };
}

function observeTrack(track: Track, c: ObservedConnector | null, now: number, settleMs: number): void {
  track.last = c;
  if (track.status === "excluded" || track.status === "failed") return;
  const j = judge(track.expected, c);
  if (j.kind === "holds") {
    delete track.failsSince;
    track.holdsSince ??= now;
    track.status = now - track.holdsSince >= settleMs ? "ready" : "pending";
    track.reason = `${describeState(track.expected)} held for less than ${settleMs} ms`;
  } else if (j.kind === "failed") {
    // Status is read from a cache: right after a restart or new config an old FAILED may linger.
    delete track.holdsSince;
    track.failsSince ??= now;
    track.status = now - track.failsSince >= settleMs ? "failed" : "pending";
    track.reason = j.reason;
  } else {
    delete track.holdsSince;
    delete track.failsSince;
    track.status = "pending";
    track.reason = j.reason;
  }
}

function judge(expected: DesiredRunState | "ABSENT", c: ObservedConnector | null): Judgement {
  if (expected === "ABSENT") return c ? { kind: "waiting", reason: `still present (${c.state})` } : { kind: "holds" };
  if (!c) return { kind: "waiting", reason: "not found on the cluster" };
  if (expected !== "STOPPED") {
    if (c.state === "FAILED") return { kind: "failed", reason: `connector FAILED${firstLine(c.trace)}` };
    const failedTask = c.tasks.find((t) => t.state === "FAILED");
    if (failedTask) return { kind: "failed", reason: `task ${failedTask.id} FAILED${firstLine(failedTask.trace)}` };
  }
  if (c.state !== expected) return { kind: "waiting", reason: `connector is ${c.state}` };
  if (expected === "STOPPED") {
    return c.tasks.length === 0 ? { kind: "holds" } : { kind: "waiting", reason: `${c.tasks.length} task(s) still present` };
  }
  const off = c.tasks.find((t) => t.state !== expected);
  return off ? { kind: "waiting", reason: `task ${off.id} is ${off.state}` } : { kind: "holds" };
}

function outcome(
  name: string,
  t: Track,
  ctx: { polled: boolean; lastPollError: string | undefined; timeoutMs: number; aborted: boolean },
): ConnectorOutcome {
  const base = {
    name,
    expected: t.expected,
    observed: t.last ? t.last.state : ctx.polled ? "ABSENT" : "UNKNOWN",
    tasks: (t.last?.tasks ?? []).map((task) => ({ id: task.id, state: task.state, ...(task.trace === undefined ? {} : { trace: task.trace }) })),
  };
  if (t.status === "ready") return { ...base, ok: true };
  if (t.status === "failed" || t.status === "excluded") return { ...base, ok: false, reason: t.reason ?? "failed" };
  if (ctx.aborted) return { ...base, ok: false, reason: "not verified: aborted" };
  if (!ctx.polled) return { ...base, ok: false, reason: `could not read the cluster: ${ctx.lastPollError ?? "no answer"}` };
  return { ...base, ok: false, reason: `not ${describeState(t.expected)} within ${ctx.timeoutMs} ms: ${t.reason ?? "unknown"}` };
}

function describeState(s: DesiredRunState | "ABSENT"): string {
  return s === "ABSENT" ? "deleted" : s;
}

function firstLine(trace: string | undefined): string {
  const line = trace?.split("\n").find((l) => l.trim() !== "")?.trim();
  return line ? `: ${line}` : "";
}

function reportLists(
  plan: Plan,
  results: ReadonlyMap<number, StepResult>,
  outcomes: readonly ConnectorOutcome[],
): Pick<ApplyReport, "added" | "removed" | "updated" | "paused" | "resumed" | "stopped" | "restarted" | "skipped" | "unmanaged"> {
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  // Names absent from `expected` were not verified; their step result alone counts.
  const verified = (name: string) => byName.get(name)?.ok ?? true;
  const lists = { added: [], removed: [], updated: [], paused: [], resumed: [], stopped: [], restarted: [] } as Record<
    (typeof LIST_OF_KIND)[keyof typeof LIST_OF_KIND],
    string[]
  >;
  const skipped: string[] = [];
  plan.actions.forEach((a, i) => {
    if (a.kind === "skip") {
      if (!skipped.includes(a.name)) skipped.push(a.name);
      return;
    }
    if (a.kind === "noop") return;
    const r = results.get(i);
    const list = lists[LIST_OF_KIND[a.kind]];
    if (r && r.status !== "failed" && verified(a.name) && !list.includes(a.name)) list.push(a.name);
  });
  return { ...lists, skipped, unmanaged: [...plan.unmanaged] };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
