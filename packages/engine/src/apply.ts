import pLimit from "p-limit";
import type { DesiredRunState, ObservedConnector, Plan, PlanAction } from "./model";
import { ConnectError, mayHaveSucceeded, type ConnectPort, type TopicPort } from "./port";
import { createStepQueue, type ThrottleOptions } from "./throttle";

export type ApplyEvent =
  /** `total`: number of actions that change something (skip and noop excluded). */
  | { type: "start"; total: number }
  | { type: "step-start"; name: string; kind: PlanAction["kind"] }
  /** `uncertain`: Connect errored but may have done it; verification decides. */
  | { type: "step-done"; name: string; kind: PlanAction["kind"]; uncertain?: boolean; error?: string }
  | { type: "step-failed"; name: string; kind: PlanAction["kind"]; error: string }
  /** An uncertain step sent again because verification showed it had not landed; `error` if it failed again. */
  | { type: "step-resent"; name: string; kind: PlanAction["kind"]; attempt: number; error?: string }
  | { type: "topics"; created: string[]; deleted: string[] }
  | { type: "verify-start"; connectors: number }
  | { type: "verify-progress"; ready: number; total: number; pending: string[] }
  | { type: "verify-done"; ok: boolean };

export type ApplyOptions = ThrottleOptions & {
  /** Port calls in flight at once, steps sent again during verification included. Default 8. */
  concurrency?: number;
  /** Default 120_000. */
  verifyTimeoutMs?: number;
  /** Default 3_000: a state (desired or FAILED) must hold on polls spanning at least this long. */
  settleMs?: number;
  /**
   * Default 10_000: how long a connector running (or paused) without any task must hold before it
   * counts as ready. Tasks appear some time after their connector, and a task that fails as it starts
   * would otherwise never be seen; a connector that really has no tasks is accepted after this.
   */
  tasklessMs?: number;
  /** Default 1_000. Uncertain steps that did not land are sent again after 2, 4, 8, then every 16 intervals. */
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
  /** Plan conflicts (nothing applied), steps that failed for sure, plus verification failures; a halt comes first. */
  failures: { name: string; kind: string; error: string }[];
  /** Connectors left untouched because the apply halted after `haltAfterFailures` failed steps. */
  notAttempted: string[];
  verification: { ok: boolean; durationMs: number; connectors: ConnectorOutcome[] };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
};

type Failure = ApplyReport["failures"][number];
type Emit = (e: ApplyEvent) => void;
/**
 * `failed`: Connect clearly refused, or the step never ran. `uncertain`: only verification can tell.
 * `not-attempted`: never sent, because the apply halted first.
 */
type StepResult = { status: "ok" | "uncertain" | "failed" | "not-attempted"; error?: string };

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
 * A plan with conflicts is refused whole: applying the rest could leave a half-done change.
 * Topics are created first; connector steps then run grouped per connector (steps on one id or one
 * name run in order, deletions first so a rename frees nothing it needs), groups concurrently under
 * one bound. A failed deletion never stops creations. Because Connect may report an error and still
 * do the work, or not do it (a leader lost mid-request), the final word belongs to verification: it
 * checks run states and that each created or updated connector carries exactly the planned config,
 * and sends an uncertain idempotent step again while the cluster shows it did not land. Never throws
 * for Connect errors: they end up in the report.
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

  const finish = (verification: ApplyReport["verification"]): ApplyReport => {
    const finishedAt = new Date();
    return {
      ok: failures.length === 0 && verification.ok,
      ...reportLists(plan, results, verification.connectors),
      notAttempted: notAttempted(plan, results),
      topicsCreated,
      topicsDeleted,
      failures,
      verification,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
  };

  if (plan.conflicts.length > 0) {
    failures.push(...plan.conflicts.map((c) => ({ name: c.connector, kind: "conflict", error: c.message })));
    return finish({ ok: false, durationMs: 0, connectors: [] });
  }

  emit({ type: "start", total: actions.filter(changesSomething).length });

  const topicProblem = await createTopics(plan, opts, topicsCreated, emit);
  if (topicProblem) {
    // Nothing on Connect was touched: connectors must not start without their topics.
    failures.push(topicProblem);
    return finish({ ok: false, durationMs: 0, connectors: [] });
  }

  const queue = createStepQueue(opts);
  for (const group of groupActions(actions)) {
    queue.add(async () => {
      let blockedBy: string | undefined;
      for (const i of group) {
        const action = actions[i]!;
        if (queue.halted) {
          results.set(i, { status: "not-attempted" });
          continue;
        }
        const notRun = opts.signal?.aborted ? "aborted" : blockedBy;
        if (notRun !== undefined) {
          const error = `not run: ${notRun}`;
          results.set(i, { status: "failed", error });
          emit({ type: "step-failed", name: action.name, kind: action.kind, error });
          continue;
        }
        const result = await runStep(action, connect, emit);
        results.set(i, result);
        if (result.status === "failed") {
          blockedBy = `${action.kind} of ${action.name} failed`;
          queue.recordFailure();
        }
      }
    });
  }
  await queue.drained();
  // Work the halted queue dropped before it started.
  actions.forEach((a, i) => {
    if (changesSomething(a) && !results.has(i)) results.set(i, { status: "not-attempted" });
  });
  if (queue.halted) {
    const untouched = notAttempted(plan, results);
    failures.push({
      name: "apply",
      kind: "halted",
      error: `halted after ${queue.failures} failed ${queue.failures === 1 ? "step" : "steps"}; ${untouched.length} ${untouched.length === 1 ? "connector was" : "connectors were"} not attempted and left untouched`,
    });
  }
  // Judged only now, after every creation ran (seed 000): failed deletions never block creations.
  actions.forEach((action, i) => {
    const r = results.get(i);
    if (r?.status === "failed") failures.push({ name: action.name, kind: action.kind, error: r.error ?? "failed" });
  });

  const topicDeleteProblem = await deleteTopics(plan, opts, results, topicsDeleted, emit);
  if (topicDeleteProblem) failures.push(topicDeleteProblem);

  const verification = await verify(plan, connect, opts, results, emit);
  // A connector whose step failed is already in `failures` (one not attempted is in `notAttempted`); its outcome only says what the cluster shows.
  const failedNames = new Set([...failures.map((f) => f.name), ...notAttempted(plan, results)]);
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
      // POST, never PUT: a PUT would replace a connector that holds the name but that a stale listing
      // did not show; a POST answers 409 instead, and verification then refuses someone else's config.
      await connect.createConnector(action.name, action.config, action.state);
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
      if (action.taskId !== undefined) return connect.restartTask(action.name, action.taskId);
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

/** An uncertain step that verification may send again; `error` is the last error it got. */
type Doubt = { action: PlanAction; error: string };

type Track = {
  expected: DesiredRunState | "ABSENT";
  status: "pending" | "ready" | "failed" | "excluded";
  /** Start of the current streak of polls where the expected state (or a failure) held. */
  holdsSince?: number;
  failsSince?: number;
  last?: ObservedConnector | null;
  reason?: string;
  /** The config the plan sends (create/update): the live config must equal it. */
  config?: Record<string, string>;
  /** Uncertain steps that are safe to send again (idempotent, towards `expected`), in plan order. */
  doubts: Doubt[];
  /** The first doubt the last poll showed had not landed. */
  unlanded?: Doubt;
  resent: number;
  resendAt: number;
};

const TARGET_STATE = { pause: "PAUSED", resume: "RUNNING", stop: "STOPPED" } as const;

/**
 * Polls the cluster until every expected connector is ready (its state, and the planned config for
 * a create or update, held for `settleMs`) or failed, or the deadline passes. Connectors whose step
 * failed for sure are observed but not waited for. An uncertain step the cluster shows did not land
 * (a write lost with the Connect leader, a timeout before Connect got to it) is sent again, with
 * backoff from 2 to 16 poll intervals, until it lands or the deadline passes: every such step is
 * idempotent. Restarts are never sent again: a restart that did land would be repeated.
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
  const tasklessMs = Math.max(settleMs, opts.tasklessMs ?? 10_000);
  const pollIntervalMs = opts.pollIntervalMs ?? 1_000;
  const backoff = { minMs: 2 * pollIntervalMs, maxMs: 16 * pollIntervalMs };
  const limit = pLimit(Math.max(1, Math.floor(opts.concurrency ?? 8)));
  const started = Date.now();
  const deadline = started + timeoutMs;

  const stepFailure = new Map<string, string>();
  const configs = new Map<string, Record<string, string>>();
  const doubts = new Map<string, Doubt[]>();
  plan.actions.forEach((a, i) => {
    const r = results.get(i);
    if (r?.status === "failed" && !stepFailure.has(a.name)) stepFailure.set(a.name, `not verified: ${a.kind} failed (${r.error ?? "failed"})`);
    if (r?.status === "not-attempted" && !stepFailure.has(a.name)) stepFailure.set(a.name, `not attempted: the apply halted before ${a.kind} of ${a.name}`);
    if (a.kind === "create" || a.kind === "update") configs.set(a.name, a.config);
    if (r?.status === "uncertain" && mayResend(a, plan.expected[a.name])) doubts.set(a.name, [...(doubts.get(a.name) ?? []), { action: a, error: r.error ?? "no answer" }]);
  });
  const tracks = new Map<string, Track>(
    Object.entries(plan.expected).map(([name, expected]) => {
      const reason = stepFailure.get(name);
      const track: Track = { expected, status: "pending", config: configs.get(name), doubts: doubts.get(name) ?? [], resent: 0, resendAt: started + backoff.minMs };
      return [name, reason === undefined ? track : { ...track, status: "excluded", reason }];
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
      for (const [name, track] of tracks) observeTrack(track, observed.get(name) ?? null, now, settleMs, tasklessMs);
    } catch (err) {
      // Workers may be rebalancing or briefly unreachable: try again until the deadline.
      lastPollError = describeError(err);
    }
    const ready = [...tracks.values()].filter((t) => t.status === "ready").length;
    const pending = [...tracks].filter(([, t]) => t.status === "pending").map(([name]) => name);
    emit({ type: "verify-progress", ready, total: tracks.size, pending });
    if (allDone() || deadline - Date.now() <= 0 || opts.signal?.aborted) break;
    const now = Date.now();
    const due = [...tracks.values()].filter((t) => t.status === "pending" && t.unlanded && now >= t.resendAt);
    await Promise.all(due.map((t) => limit(() => resend(t, connect, emit, backoff))));
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await sleep(Math.min(pollIntervalMs, remaining), opts.signal);
  }

  const connectors = [...tracks].map(([name, t]) => outcome(name, t, { polled, lastPollError, timeoutMs, aborted: opts.signal?.aborted ?? false }));
  const ok = connectors.every((c) => c.ok);
  emit({ type: "verify-done", ok });
  return { ok, durationMs: Date.now() - started, connectors };
}

/**
 * Whether an uncertain step may be sent again: it must be idempotent and lead where the plan ends,
 * so neither a restart nor the delete of a name the same plan creates anew.
 */
function mayResend(a: PlanAction, expected: DesiredRunState | "ABSENT" | undefined): boolean {
  switch (a.kind) {
    case "create":
    case "update":
      return expected !== undefined && expected !== "ABSENT";
    case "delete":
      return expected === "ABSENT";
    case "pause":
    case "resume":
    case "stop":
      return expected === TARGET_STATE[a.kind];
    default:
      return false;
  }
}

/** Whether the cluster shows the step's effect; undefined when it cannot tell, or the fix is not ours to make. */
function landed(a: PlanAction, c: ObservedConnector | null): boolean | undefined {
  switch (a.kind) {
    case "create":
    case "update":
      // An update of a connector someone deleted meanwhile is not sent again: that would recreate it.
      if (c === null) return a.kind === "create" ? false : undefined;
      if (c.config === null) return undefined;
      if (differingKeys(a.config, c.config).length === 0) return true;
      // A create that finds another config met someone else's connector: never overwrite it.
      return a.kind === "update" ? false : undefined;
    case "delete":
      return c === null;
    case "pause":
    case "resume":
    case "stop":
      return c === null ? undefined : c.state === TARGET_STATE[a.kind];
    default:
      return undefined;
  }
}

async function resend(track: Track, connect: ConnectPort, emit: Emit, backoff: { minMs: number; maxMs: number }): Promise<void> {
  const doubt = track.unlanded!;
  const { name, kind } = doubt.action;
  const attempt = ++track.resent;
  track.resendAt = Date.now() + Math.min(backoff.maxMs, backoff.minMs * 2 ** attempt);
  try {
    await callPort(doubt.action, connect);
    emit({ type: "step-resent", name, kind, attempt });
  } catch (err) {
    const alreadyDone =
      err instanceof ConnectError && ((kind === "delete" && err.code === "NOT_FOUND") || (kind === "create" && err.code === "CONFLICT"));
    // A create answered "already exists": it landed, whether the first or this request; the config check decides.
    if (alreadyDone) return emit({ type: "step-resent", name, kind, attempt });
    const error = describeError(err);
    emit({ type: "step-resent", name, kind, attempt, error });
    if (mayHaveSucceeded(err)) {
      doubt.error = error;
      return;
    }
    track.status = "failed";
    track.reason = `${kind} of ${name} failed when sent again: ${error}`;
  }
}

function observeTrack(track: Track, c: ObservedConnector | null, now: number, settleMs: number, tasklessMs: number): void {
  track.last = c;
  if (track.status === "excluded" || track.status === "failed") return;
  const j = judge(track.expected, track.config, c);
  track.unlanded = j.kind === "waiting" ? track.doubts.find((d) => landed(d.action, c) === false) : undefined;
  if (j.kind === "holds") {
    delete track.failsSince;
    track.holdsSince ??= now;
    const taskless = (track.expected === "RUNNING" || track.expected === "PAUSED") && c !== null && c.tasks.length === 0;
    const needed = taskless ? tasklessMs : settleMs;
    track.status = now - track.holdsSince >= needed ? "ready" : "pending";
    track.reason = taskless ? `${describeState(track.expected)} with no task yet, for less than ${needed} ms` : `${describeState(track.expected)} held for less than ${settleMs} ms`;
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

function judge(expected: DesiredRunState | "ABSENT", config: Record<string, string> | undefined, c: ObservedConnector | null): Judgement {
  if (expected === "ABSENT") return c ? { kind: "waiting", reason: `still present (${c.state})` } : { kind: "holds" };
  if (!c) return { kind: "waiting", reason: "not found on the cluster" };
  // Checked first: a state observed under another config says nothing about the planned one.
  if (config) {
    if (c.config === null) return { kind: "waiting", reason: "Connect returned no config" };
    const keys = differingKeys(config, c.config);
    // Keys only: values may be secrets.
    if (keys.length > 0) return { kind: "waiting", reason: `config differs from the plan in keys ${keys.join(", ")}` };
  }
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

/**
 * Keys whose values differ between the planned and the live config, sorted. `name` is left out:
 * Connect adds it to every config it returns (checked on 4.3.1: otherwise it returns a config
 * exactly as it was PUT, reserved switchboard.* keys, secrets and whitespace included).
 */
function differingKeys(planned: Record<string, string>, live: Record<string, string>): string[] {
  const value = (config: Record<string, string>, key: string) => (Object.hasOwn(config, key) ? config[key] : undefined);
  const keys = new Set([...Object.keys(planned), ...Object.keys(live)]);
  keys.delete("name");
  return [...keys].filter((k) => value(planned, k) !== value(live, k)).sort();
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
  if (t.unlanded) {
    const { action, error } = t.unlanded;
    const resent = t.resent === 0 ? "" : `; sent again ${t.resent} ${t.resent === 1 ? "time" : "times"}`;
    return { ...base, ok: false, reason: `${action.kind} of ${name} may not have landed: ${t.reason ?? "unknown"} after ${ctx.timeoutMs} ms (${error}${resent})` };
  }
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
    if (r && r.status !== "failed" && r.status !== "not-attempted" && verified(a.name) && !list.includes(a.name)) list.push(a.name);
  });
  return { ...lists, skipped, unmanaged: [...plan.unmanaged] };
}

/** Names of connectors none of whose steps were sent because the apply halted, in plan order. */
function notAttempted(plan: Plan, results: ReadonlyMap<number, StepResult>): string[] {
  const names: string[] = [];
  const touched = new Set<string>();
  plan.actions.forEach((a, i) => {
    const status = results.get(i)?.status;
    if (status === undefined) return;
    if (status === "not-attempted") {
      if (!names.includes(a.name)) names.push(a.name);
    } else touched.add(a.name);
  });
  return names.filter((n) => !touched.has(n));
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
