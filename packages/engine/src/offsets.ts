/**
 * Offsets as a change (KIP-875): stop the connector, snapshot its committed offsets, reset or alter
 * them, check them while it is still stopped, then restore its desired run state. Connect only lets
 * a STOPPED connector's offsets be changed, so the stop and the restore are part of the operation;
 * the restored state itself is verified by the caller (the deploy's verification, see applyPlan).
 * Also the bounded schema of the partitions and offsets a user gives (change items, the CLI).
 */
import pLimit from "p-limit";
import { z } from "zod";
import { sleep } from "./apply";
import type { DesiredRunState } from "./model";
import { ConnectError, mayHaveSucceeded, type ConnectorOffset, type ConnectPort } from "./port";

export type OffsetChange = {
  name: string;
  /** reset: every committed offset removed (DELETE `/offsets`); set: the given partitions altered (PATCH). */
  kind: "reset" | "set";
  /** The partitions to set (kind "set"); a null offset removes that partition's offset. */
  offsets: ConnectorOffset[];
  /**
   * Kind "set" only: reset every offset first, so exactly `offsets` remain (restoring a snapshot:
   * partitions committed since it was taken must not keep their offsets).
   */
  replace?: boolean;
  /** The run state the connector is brought back to afterwards (its desired state). */
  state: DesiredRunState;
};

export type OffsetOutcome = {
  name: string;
  kind: "reset" | "set";
  ok: boolean;
  /** The committed offsets before the change; null when they could not be read (nothing was altered then). */
  snapshot: ConnectorOffset[] | null;
  /** What was asked: the partitions set, or [] for a reset. */
  requested: ConnectorOffset[];
  /** The offsets read back while the connector was still stopped; null when not read. */
  after: ConnectorOffset[] | null;
  /** The run state asked for afterwards; null when the connector could not be brought back (or was never stopped). */
  restored: DesiredRunState | null;
  error?: string;
  durationMs: number;
};

export type OffsetEvent =
  | { type: "offsets-start"; name: string; kind: "reset" | "set" }
  /** Emitted (and awaited) before anything is altered, so a re-run of the same deploy keeps the original. */
  | { type: "offsets-snapshot"; name: string; offsets: ConnectorOffset[] }
  | { type: "offsets-done"; name: string; kind: "reset" | "set"; ok: boolean; error?: string };

export type OffsetOptions = {
  /** Snapshots taken by an earlier attempt of the same deploy, by connector name: kept instead of reading the (already altered) offsets again. */
  snapshots?: ReadonlyMap<string, ConnectorOffset[]>;
  /** Awaited: a snapshot must be recorded before the offsets are altered. */
  onEvent?: (e: OffsetEvent) => void | Promise<void>;
  /** How long the stop and the alter may take each (tasks leaving, a sink's consumer group emptying). Default 60_000. */
  timeoutMs?: number;
  /** Default 500. */
  pollIntervalMs?: number;
  /** Connectors handled at once. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
};

export const OFFSET_LIMITS = {
  /** Partitions in one "set offsets" item (a rollback's snapshot included). */
  partitions: 10_000,
  /** Nesting of a partition or offset object: `{a: {b: [..]}}` is depth 3. */
  depth: 4,
  keysPerObject: 50,
  itemsPerArray: 100,
  keyLength: 256,
  stringLength: 1_024,
} as const;

/** Keys that would reach an object's prototype when copied by careless code: refused outright. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The first problem of a JSON value against the limits, with its path; null when it is fine. */
function jsonProblem(value: unknown, path: string, depth: number): string | null {
  if (value === null || typeof value === "boolean") return null;
  if (typeof value === "string") return value.length > OFFSET_LIMITS.stringLength ? `${path}: strings have at most ${OFFSET_LIMITS.stringLength} characters.` : null;
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path}: numbers must be finite.`;
  if (typeof value !== "object") return `${path}: only JSON values (objects, arrays, strings, numbers, booleans, null).`;
  if (depth >= OFFSET_LIMITS.depth) return `${path}: nested deeper than ${OFFSET_LIMITS.depth} levels.`;
  if (Array.isArray(value)) {
    if (value.length > OFFSET_LIMITS.itemsPerArray) return `${path}: arrays have at most ${OFFSET_LIMITS.itemsPerArray} items.`;
    for (const [i, v] of value.entries()) {
      const p = jsonProblem(v, `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return `${path}: only plain JSON objects.`;
  const keys = Reflect.ownKeys(value);
  if (keys.length > OFFSET_LIMITS.keysPerObject) return `${path}: objects have at most ${OFFSET_LIMITS.keysPerObject} keys.`;
  for (const key of keys) {
    if (typeof key !== "string") return `${path}: only string keys.`;
    if (FORBIDDEN_KEYS.has(key)) return `${path}: the key "${key}" is not allowed.`;
    if (key.length > OFFSET_LIMITS.keyLength) return `${path}: keys have at most ${OFFSET_LIMITS.keyLength} characters.`;
    const p = jsonProblem((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/** A copy built with own data properties only (a key is never assigned through a setter). */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyJson(v)]));
  return value;
}

/** A bounded JSON object (a partition or an offset), checked before anything reads it. */
function jsonObject(value: unknown, ctx: z.RefinementCtx, what: string, example: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    ctx.addIssue({ code: "custom", message: `The ${what} must be an object, e.g. ${example}.` });
    return z.NEVER;
  }
  const problem = jsonProblem(value, what, 1);
  if (problem) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return copyJson(value) as Record<string, unknown>;
}

export const connectorOffsetSchema = z.strictObject({
  partition: z
    .unknown()
    .transform((v, ctx) => jsonObject(v, ctx, "partition", '{"kafka_topic": "orders", "kafka_partition": 0}'))
    .refine((p) => Object.keys(p).length > 0, "A partition cannot be empty."),
  /** null removes the partition's offset (checked in one transform, not a union, so the message stays clear). */
  offset: z.unknown().transform((v, ctx) => (v === null ? null : jsonObject(v, ctx, "offset", '{"kafka_offset": 42}'))),
});

/** The partitions of a "set offsets" item, as Connect's PATCH `/offsets` takes them; no partition twice. */
export const connectorOffsetsSchema = z
  .array(connectorOffsetSchema)
  .min(1, "Give at least one partition and its offset.")
  .max(OFFSET_LIMITS.partitions, `At most ${OFFSET_LIMITS.partitions.toLocaleString("en")} partitions in one change.`)
  .superRefine((offsets, ctx) => {
    const seen = new Set<string>();
    offsets.forEach((o, i) => {
      const key = partitionKey(o.partition);
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "partition"], message: `Partition ${key} appears twice.` });
      seen.add(key);
    });
  });

/** One partition's identity: its map with keys sorted. */
export function partitionKey(partition: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(partition).sort().map((k) => [k, partition[k]])));
}

/** Applies offset changes, each to its own connector, and reports each one. Never throws for Connect errors. */
export async function applyOffsetChanges(changes: readonly OffsetChange[], connect: ConnectPort, opts: OffsetOptions = {}): Promise<OffsetOutcome[]> {
  const limit = pLimit(Math.max(1, Math.floor(opts.concurrency ?? 4)));
  return Promise.all(changes.map((c) => limit(() => applyOffsetChange(c, connect, opts))));
}

/**
 * One connector: stop → wait until STOPPED without tasks → snapshot → reset/alter (retried while
 * Connect says the tasks have not stopped completely) → read back and compare → restore the desired
 * run state. The state is restored whatever failed after the stop, so a failed change never leaves a
 * running connector stopped.
 */
export async function applyOffsetChange(change: OffsetChange, connect: ConnectPort, opts: OffsetOptions = {}): Promise<OffsetOutcome> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const pollMs = opts.pollIntervalMs ?? 500;
  const { name, kind } = change;
  const requested = kind === "set" ? change.offsets : [];
  let snapshot: ConnectorOffset[] | null = null;
  let after: ConnectorOffset[] | null = null;
  let restored: DesiredRunState | null = null;
  let error: string | undefined;
  let stopSent = false;
  await opts.onEvent?.({ type: "offsets-start", name, kind });
  try {
    if (opts.signal?.aborted) throw new Error("aborted");
    try {
      stopSent = true;
      await connect.stop(name);
    } catch (err) {
      if (err instanceof ConnectError && err.code === "NOT_FOUND") {
        stopSent = false;
        throw new Error(`connector ${name} is not on the cluster: deploy it before changing its offsets`);
      }
      if (!mayHaveSucceeded(err)) throw err;
    }
    await waitStopped(name, connect, timeoutMs, pollMs, opts.signal);
    snapshot = opts.snapshots?.get(name) ?? (await connect.getOffsets(name));
    await opts.onEvent?.({ type: "offsets-snapshot", name, offsets: snapshot });
    await alter(change, connect, timeoutMs, pollMs, opts.signal);
    after = await connect.getOffsets(name);
    const mismatch = offsetsMismatch(change, after);
    if (mismatch) error = `the offsets read back differ from the change: ${mismatch}`;
  } catch (err) {
    error = describe(err);
  }
  if (stopSent) {
    try {
      // From STOPPED, PUT /resume starts the connector and its tasks again; PUT /pause brings them up paused.
      if (change.state === "RUNNING") await connect.resume(name);
      if (change.state === "PAUSED") await connect.pause(name);
      restored = change.state;
    } catch (err) {
      if (mayHaveSucceeded(err)) restored = change.state;
      else error = [error, `could not bring it back to ${change.state}: ${describe(err)}`].filter(Boolean).join("; ");
    }
  }
  const ok = error === undefined;
  await opts.onEvent?.({ type: "offsets-done", name, kind, ok, ...(error === undefined ? {} : { error }) });
  return { name, kind, ok, snapshot, requested, after, restored, ...(error === undefined ? {} : { error }), durationMs: Date.now() - started };
}

/** Polls until the connector is STOPPED and its tasks are gone (Connect refuses offset changes before). */
async function waitStopped(name: string, connect: ConnectPort, timeoutMs: number, pollMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "not read";
  for (;;) {
    if (signal?.aborted) throw new Error("aborted");
    try {
      const c = await connect.getConnector(name);
      if (c === null) throw new Error(`connector ${name} disappeared from the cluster while stopping it`);
      if (c.state === "STOPPED" && c.tasks.length === 0) return;
      last = `${c.state} with ${c.tasks.length} task(s)`;
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      last = describe(err);
    }
    if (Date.now() >= deadline) throw new Error(`connector ${name} did not stop within ${timeoutMs} ms (${last})`);
    await sleep(pollMs, signal);
  }
}

/**
 * Connect's words when a stopped connector's tasks (a sink's consumers) have not all gone yet, or
 * when it has not seen the stop yet: "this operation can be safely retried".
 */
const RETRYABLE = /safely retried|haven't stopped completely|must be in the STOPPED state|rebalance/i;

async function alter(change: OffsetChange, connect: ConnectPort, timeoutMs: number, pollMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (change.kind === "reset" || change.replace) await connect.resetOffsets(change.name);
      if (change.kind === "set") await connect.alterOffsets(change.name, change.offsets);
      return;
    } catch (err) {
      const retry = err instanceof ConnectError && RETRYABLE.test(err.message) && Date.now() < deadline && !signal?.aborted;
      if (retry) {
        await sleep(pollMs, signal);
        continue;
      }
      // Connect may have done it all the same: reading the offsets back decides.
      if (mayHaveSucceeded(err)) return;
      throw err;
    }
  }
}

/** Why the offsets read back do not show the change, or null when they do. */
export function offsetsMismatch(change: Pick<OffsetChange, "kind" | "offsets" | "replace">, after: readonly ConnectorOffset[]): string | null {
  if (change.kind === "reset") {
    const left = after.filter((o) => o.offset !== null);
    return left.length === 0 ? null : `${left.length} partition(s) still have an offset, e.g. ${canonical(left[0]?.partition)}`;
  }
  const live = new Map(after.map((o) => [canonical(o.partition), o.offset]));
  if (change.replace) {
    const wanted = new Set(change.offsets.filter((o) => o.offset !== null).map((o) => canonical(o.partition)));
    const extra = after.find((o) => o.offset !== null && !wanted.has(canonical(o.partition)));
    if (extra) return `partition ${canonical(extra.partition)} has an offset the snapshot does not`;
  }
  for (const o of change.offsets) {
    const key = canonical(o.partition);
    const got = live.get(key) ?? null;
    if (canonical(got) !== canonical(o.offset)) return `partition ${key} has ${canonical(got)}, not ${canonical(o.offset)}`;
  }
  return null;
}

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function describe(err: unknown): string {
  if (err instanceof ConnectError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
