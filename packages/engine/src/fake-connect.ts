import type { DesiredRunState, ObservedConnector, ObservedTask, RuntimeState } from "./model";
import type { WorkerReport } from "./plugins";
import { ConnectError, type ConfigValidation, type ConnectorOffset, type ConnectPort, type PluginInfo } from "./port";

export type FakeConnector = {
  config: Record<string, string>;
  state: RuntimeState;
  tasks: ObservedTask[];
  type: "source" | "sink";
  /** Set by tests that simulate a FAILED connector. */
  trace?: string;
  /** Committed offsets; tests may set them directly (as tasks committing would). */
  offsets?: ConnectorOffset[];
};

/**
 * An in-memory Kafka Connect for fast unit tests. It answers at once and its status is always
 * consistent, so it never replaces the integration tests against a real cluster.
 */
export type FakeConnect = ConnectPort & {
  /** The cluster's state; tests may read and edit it directly. */
  connectors: Map<string, FakeConnector>;
  /** Every port call in order, for asserting "exactly one action". */
  calls: { method: string; name?: string }[];
  /**
   * Makes the next call of `method` throw `err`. With `afterApplying` the change is made first, which
   * simulates Connect timing out while still doing the work; without it the call changes nothing.
   * `times` (default 1, may be Infinity) fails that many calls in a row, e.g. a write Connect could not
   * forward while its leader was gone, then success; `name` only counts calls for that connector.
   * Several failures queue up in order.
   */
  failNext(method: keyof ConnectPort, err: Error, opts?: { afterApplying?: boolean; times?: number; name?: string }): void;
  /** Marks a task FAILED with a stack trace, as a crashing task would (adds the task if missing). */
  failTask(name: string, taskId: number, trace: string): void;
};

export type FakeConnectInit = {
  connectors?: Array<{ name: string; config: Record<string, string>; state?: RuntimeState; type?: "source" | "sink" }>;
  plugins?: PluginInfo[];
  /** Per-worker reports for `inspectWorkers` (absent: the fake has no such method, as a port may not). */
  workers?: WorkerReport[];
};

/**
 * The error a follower answers while the group has lost its leader (what the REST client throws once
 * its retry budget is spent), as Connect 4.3.1 words it.
 */
export function leaderUnavailable(): ConnectError {
  return new ConnectError("LEADER_UNAVAILABLE", "IO Error trying to forward REST request: java.net.ConnectException: Connection refused", 500);
}

/** The plugins a stock Connect worker with the file and test connectors lists. */
export const DEFAULT_FAKE_PLUGINS: readonly PluginInfo[] = [
  { class: "org.apache.kafka.connect.file.FileStreamSinkConnector", type: "sink", version: "3.9.0" },
  { class: "org.apache.kafka.connect.file.FileStreamSourceConnector", type: "source", version: "3.9.0" },
  { class: "org.apache.kafka.connect.tools.MockSinkConnector", type: "sink", version: "3.9.0" },
  { class: "org.apache.kafka.connect.tools.MockSourceConnector", type: "source", version: "3.9.0" },
];

/** Creates an in-memory fake of {@link ConnectPort} that behaves like a single, instantly consistent worker. */
export function createFakeConnect(init: FakeConnectInit = {}): FakeConnect {
  const connectors = new Map<string, FakeConnector>();
  for (const c of init.connectors ?? []) {
    const state = c.state ?? "RUNNING";
    connectors.set(c.name, { config: { ...c.config }, state, tasks: tasksFor(state), type: c.type ?? typeOf(c.config) });
  }
  const plugins = (init.plugins ?? DEFAULT_FAKE_PLUGINS).map((p) => ({ ...p }));
  const calls: FakeConnect["calls"] = [];
  type Failure = { err: Error; afterApplying: boolean; left: number; name?: string };
  const pendingFailures = new Map<keyof ConnectPort, Failure[]>();

  function takeFailure(method: keyof ConnectPort, name: string | undefined): Failure | undefined {
    const queue = pendingFailures.get(method) ?? [];
    const i = queue.findIndex((f) => f.name === undefined || f.name === name);
    const failure = queue[i];
    if (failure && --failure.left <= 0) queue.splice(i, 1);
    return failure;
  }

  async function call<T>(method: keyof ConnectPort, name: string | undefined, work: () => T): Promise<T> {
    calls.push(name === undefined ? { method } : { method, name });
    // Answer on a later tick, as a real port would, so concurrent callers really interleave.
    await Promise.resolve();
    const failure = takeFailure(method, name);
    if (failure && !failure.afterApplying) throw failure.err;
    const result = work();
    if (failure) throw failure.err;
    return result;
  }

  function existing(name: string): FakeConnector {
    const c = connectors.get(name);
    if (!c) throw new ConnectError("NOT_FOUND", `Connector ${name} not found`, 404);
    return c;
  }

  /** Connect refuses to touch the offsets of a connector that is not STOPPED (400). */
  function stoppedForOffsets(name: string): FakeConnector {
    const c = existing(name);
    if (c.state !== "STOPPED") {
      throw new ConnectError("BAD_REQUEST", `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`, 400);
    }
    return c;
  }

  function checkName(name: string, config: Record<string, string>): void {
    if (config.name !== undefined && config.name !== name) {
      throw new ConnectError(
        "BAD_REQUEST",
        `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
        400,
      );
    }
  }

  function add(name: string, config: Record<string, string>, state: DesiredRunState): void {
    connectors.set(name, { config: { ...config }, state, tasks: tasksFor(state), type: typeOf(config) });
  }

  return {
    connectors,
    calls,
    failNext(method, err, opts) {
      const queue = pendingFailures.get(method) ?? [];
      const failure: Failure = { err, afterApplying: opts?.afterApplying ?? false, left: opts?.times ?? 1 };
      if (opts?.name !== undefined) failure.name = opts.name;
      queue.push(failure);
      pendingFailures.set(method, queue);
    },
    failTask(name, taskId, trace) {
      const c = connectors.get(name);
      if (!c) throw new Error(`fake connect: no connector ${name}`);
      const others = c.tasks.filter((t) => t.id !== taskId);
      const failed: ObservedTask = { id: taskId, state: "FAILED", trace };
      c.tasks = [...others, failed].sort((a, b) => a.id - b.id);
    },

    listConnectors: () => call("listConnectors", undefined, () => [...connectors].map(([name, c]) => observe(name, c))),
    getConnector: (name) =>
      call("getConnector", name, () => {
        const c = connectors.get(name);
        return c ? observe(name, c) : null;
      }),
    putConfig: (name, config) =>
      call("putConfig", name, () => {
        checkName(name, config);
        const c = connectors.get(name);
        if (!c) {
          add(name, config, "RUNNING");
          return { created: true };
        }
        // A new config restarts the connector and its tasks, which also clears failures.
        const state: RuntimeState = c.state === "PAUSED" || c.state === "STOPPED" ? c.state : "RUNNING";
        // Offsets belong to the name, not the config: a new config keeps them.
        connectors.set(name, { config: { ...config }, state, tasks: tasksFor(state), type: typeOf(config), ...(c.offsets ? { offsets: c.offsets } : {}) });
        return { created: false };
      }),
    createConnector: (name, config, initialState) =>
      call("createConnector", name, () => {
        checkName(name, config);
        if (connectors.has(name)) throw new ConnectError("CONFLICT", `Connector ${name} already exists`, 409);
        add(name, config, initialState);
      }),
    pause: (name) =>
      call("pause", name, () => {
        const c = existing(name);
        c.state = "PAUSED";
        c.tasks = c.tasks.length === 0 ? tasksFor("PAUSED") : c.tasks.map((t) => (t.state === "FAILED" ? t : { ...t, state: "PAUSED" }));
      }),
    resume: (name) =>
      call("resume", name, () => {
        const c = existing(name);
        c.state = "RUNNING";
        c.tasks = c.tasks.length === 0 ? tasksFor("RUNNING") : c.tasks.map((t) => (t.state === "FAILED" ? t : { ...t, state: "RUNNING" }));
      }),
    stop: (name) =>
      call("stop", name, () => {
        const c = existing(name);
        c.state = "STOPPED";
        c.tasks = [];
      }),
    restart: (name, opts) =>
      call("restart", name, () => {
        const c = existing(name);
        if (c.state === "FAILED") {
          c.state = "RUNNING";
          delete c.trace;
        }
        if (!opts.includeTasks || c.state === "STOPPED") return;
        const after: RuntimeState = c.state === "PAUSED" ? "PAUSED" : "RUNNING";
        c.tasks = c.tasks.map((t) => (t.state === "FAILED" || !opts.onlyFailed ? { id: t.id, state: after } : t));
      }),
    restartTask: (name, taskId) =>
      call("restartTask", name, () => {
        const c = existing(name);
        const task = c.tasks.find((t) => t.id === taskId);
        if (!task) throw new ConnectError("NOT_FOUND", `Task ${name}-${taskId} not found`, 404);
        task.state = c.state === "PAUSED" ? "PAUSED" : "RUNNING";
        delete task.trace;
      }),
    deleteConnector: (name) =>
      call("deleteConnector", name, () => {
        existing(name);
        connectors.delete(name);
      }),
    getOffsets: (name) => call("getOffsets", name, () => structuredClone(existing(name).offsets ?? [])),
    alterOffsets: (name, offsets) =>
      call("alterOffsets", name, () => {
        const c = stoppedForOffsets(name);
        if (offsets.length === 0) throw new ConnectError("BAD_REQUEST", "Partitions / offsets need to be provided for an alter offsets request", 400);
        const kept = new Map((c.offsets ?? []).map((o) => [partitionKey(o.partition), o]));
        for (const o of offsets) {
          if (o.offset === null) kept.delete(partitionKey(o.partition));
          else kept.set(partitionKey(o.partition), structuredClone(o));
        }
        c.offsets = [...kept.values()];
        return "The offsets for this connector have been altered successfully";
      }),
    resetOffsets: (name) =>
      call("resetOffsets", name, () => {
        stoppedForOffsets(name).offsets = [];
        return "The offsets for this connector have been reset successfully";
      }),
    listPlugins: () => call("listPlugins", undefined, () => plugins.map((p) => ({ ...p }))),
    // Only with `init.workers`: read live, so a test may edit the array it passed.
    ...(init.workers ? { inspectWorkers: () => call("inspectWorkers", undefined, () => structuredClone(init.workers ?? [])) } : {}),
    validateConfig: (_pluginClass, config) =>
      call(
        "validateConfig",
        undefined,
        (): ConfigValidation => ({
          errorCount: 0,
          configs: Object.keys(config).map((name) => ({
            name,
            type: /password/i.test(name) ? "PASSWORD" : "STRING",
            errors: [],
          })),
        }),
      ),
  };
}

/** One partition's identity: its map with keys sorted. */
function partitionKey(partition: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(partition).sort().map((k) => [k, partition[k]]));
}

/** Mock and file connectors have one task; a stopped connector has none. */
function tasksFor(state: RuntimeState): ObservedTask[] {
  return state === "STOPPED" ? [] : [{ id: 0, state }];
}

function typeOf(config: Record<string, string>): "source" | "sink" {
  return "topics" in config || "topics.regex" in config ? "sink" : "source";
}

function observe(name: string, c: FakeConnector): ObservedConnector {
  return {
    name,
    config: { ...c.config },
    type: c.type,
    state: c.state,
    ...(c.trace === undefined ? {} : { trace: c.trace }),
    tasks: c.tasks.map((t) => ({ ...t })),
  };
}
