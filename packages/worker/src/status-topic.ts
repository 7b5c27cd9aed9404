/**
 * Watches each cluster's Connect status topic (`status.storage.topic`, compacted), where every
 * worker writes connector and task state changes as they happen, so a failure reaches the board,
 * incidents and the owners' notifications in well under a second instead of at the next poll.
 * Records are keyed `status-connector-<name>` and `status-task-<name>-<n>`, valued
 * `{"state":"FAILED","trace":…,"worker_id":…,"generation":…}`, null for a deleted one (tombstone).
 *
 * One consumer per cluster across every worker process and replica: a process consumes a cluster's
 * topic only while it holds that cluster's lease, renews it while consuming, and stops when it loses
 * it; when its holder dies, the lease expires and another process takes over. The REST poll stays as
 * the slower reconciling pass (and the only one for clusters without bootstrap servers or topic).
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import pLimit from "p-limit";
import { z } from "zod";
import type { Db } from "@switchboard/db/client";
import { listClusters, type Cluster } from "@switchboard/db/repos/clusters";
import { acquireLease, releaseLease } from "@switchboard/db/repos/leases";
import type { ObservedConnector, RuntimeState } from "@switchboard/engine/model";
import { applyObservations, type MonitorContext } from "./monitor";
import { closeQuietly } from "./services";

const STATES = ["UNASSIGNED", "RUNNING", "PAUSED", "FAILED", "RESTARTING", "STOPPED"] as const satisfies readonly RuntimeState[];

export type StatusValue = { state: RuntimeState; trace: string | null; workerId: string | null; generation: number };

export type StatusRecord =
  | { kind: "connector"; connector: string; status: StatusValue | null }
  | { kind: "task"; connector: string; task: number; status: StatusValue | null };

const valueSchema = z.object({
  state: z.enum(STATES),
  trace: z.string().nullish(),
  worker_id: z.string().nullish(),
  generation: z.number().int().nullish(),
});

/**
 * Reads one status-topic record; null for what is not a connector or task status (Connect also
 * writes `status-topic-…` records there) or whose value cannot be read. A null value is a tombstone.
 */
export function parseStatusRecord(key: string | null, value: string | null): StatusRecord | null {
  if (!key) return null;
  let target: { kind: "connector"; connector: string } | { kind: "task"; connector: string; task: number };
  if (key.startsWith("status-connector-")) {
    const connector = key.slice("status-connector-".length);
    if (!connector) return null;
    target = { kind: "connector", connector };
  } else {
    // The task number is the last dash-separated part: names may hold dashes and digits themselves.
    const m = /^status-task-(.+)-(\d+)$/.exec(key);
    if (!m) return null;
    target = { kind: "task", connector: m[1]!, task: Number(m[2]) };
  }
  if (value === null) return { ...target, status: null };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = valueSchema.safeParse(json);
  if (!parsed.success) return null;
  const v = parsed.data;
  return { ...target, status: { state: v.state, trace: v.trace ?? null, workerId: v.worker_id ?? null, generation: v.generation ?? 0 } };
}

/** What the topic says of one connector: its state, deleted, or nothing yet (tasks seen before the connector). */
export type TopicView = { kind: "present"; connector: ObservedConnector } | { kind: "deleted" } | { kind: "unknown" };

/** The latest status of each connector and task of one cluster, as read from its status topic. */
export class ConnectorStatuses {
  private readonly entries = new Map<string, { status: StatusValue | null | undefined; tasks: Map<number, StatusValue> }>();

  /** Applies a record; returns the connector it concerns. */
  apply(r: StatusRecord): string {
    let e = this.entries.get(r.connector);
    if (!e) {
      e = { status: undefined, tasks: new Map() };
      this.entries.set(r.connector, e);
    }
    if (r.kind === "connector") {
      // A write from an older generation (a worker that has not yet seen the rebalance) is stale.
      if (r.status && e.status && r.status.generation < e.status.generation) return r.connector;
      e.status = r.status;
      if (r.status === null) e.tasks.clear();
    } else if (r.status === null) {
      e.tasks.delete(r.task);
    } else {
      const prev = e.tasks.get(r.task);
      if (!prev || r.status.generation >= prev.generation) e.tasks.set(r.task, r.status);
    }
    return r.connector;
  }

  /** The connector as the REST API would describe its status (no config: the topic carries none). */
  view(name: string): TopicView {
    const e = this.entries.get(name);
    if (!e || e.status === undefined) return { kind: "unknown" };
    if (e.status === null) {
      // Deleted: forget it once seen, so a cluster's churn does not grow this map.
      if (e.tasks.size === 0) this.entries.delete(name);
      return { kind: "deleted" };
    }
    const tasks = [...e.tasks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, t]) => ({ id, state: t.state, ...(t.workerId ? { workerId: t.workerId } : {}), ...(t.trace ? { trace: t.trace } : {}) }));
    const s = e.status;
    return { kind: "present", connector: { name, config: null, type: "unknown", state: s.state, ...(s.workerId ? { workerId: s.workerId } : {}), ...(s.trace ? { trace: s.trace } : {}), tasks } };
  }
}

export type StatusWatchOptions = {
  db: Db;
  workerId: string;
  signal: AbortSignal;
  services: Omit<MonitorContext, "db">;
  /** How long a lease lasts without renewal (a dead holder is replaced after this). Default 15 000. */
  leaseMs?: number;
  /** Called with each cluster's consumer start and stop (tests count consumers by it). */
  onConsuming?: (clusterId: string, consuming: boolean) => void;
};

export const TRACE_WITHHELD = "(trace withheld: the connector's config could not be read to mask its secrets; the next poll records it)";

export const statusLeaseKey = (clusterId: string) => `status-topic:${clusterId}`;

type Watch = { settings: string; heldUntil: number; crashed: boolean; stop: () => Promise<void> };

const settingsOf = (c: Cluster) => `${c.bootstrapServers}|${c.statusTopic}`;

/**
 * Runs until `signal` aborts: every third of the lease, takes or renews the lease of each cluster
 * with bootstrap servers and a status topic, consumes the topics whose lease it holds, and stops
 * consuming those it lost (or whose settings changed). On stop, releases its leases so another
 * process takes over at once.
 */
export async function watchStatusTopics(opts: StatusWatchOptions): Promise<void> {
  const { db, workerId, signal, services } = opts;
  const { log } = services;
  const leaseMs = opts.leaseMs ?? 15_000;
  const watching = new Map<string, Watch>();
  const stopWatch = async (clusterId: string) => {
    const w = watching.get(clusterId);
    watching.delete(clusterId);
    await w?.stop();
    opts.onConsuming?.(clusterId, false);
  };

  while (!signal.aborted) {
    try {
      const clusters = (await listClusters(db)).filter((c) => c.bootstrapServers && c.statusTopic);
      const wanted = new Map(clusters.map((c) => [c.id, c]));
      for (const [id, w] of [...watching]) {
        const c = wanted.get(id);
        if (c && w.settings === settingsOf(c) && !w.crashed) continue;
        await stopWatch(id);
        if (!c) await releaseLease(db, statusLeaseKey(id), workerId);
      }
      for (const c of clusters) {
        let held: boolean;
        try {
          held = await acquireLease(db, statusLeaseKey(c.id), workerId, leaseMs);
        } catch (err) {
          // The database may be briefly unreachable: keep consuming while the lease surely lasts.
          log.warn(`status topic: lease renewal for cluster ${c.name} failed: ${message(err)}`);
          held = (watching.get(c.id)?.heldUntil ?? 0) > Date.now();
        }
        const w = watching.get(c.id);
        if (held && w) w.heldUntil = Date.now() + leaseMs;
        else if (held) {
          watching.set(c.id, startWatch(c, { ...services, db }, workerId, leaseMs, () => opts.onConsuming?.(c.id, true)));
        } else if (w) {
          log.warn(`status topic: lost the lease of cluster ${c.name}; another process consumes it now`);
          await stopWatch(c.id);
        }
      }
    } catch (err) {
      log.warn(`status topic: pass failed: ${message(err)}`);
    }
    await sleep(leaseMs / 3, signal);
  }
  for (const id of [...watching.keys()]) {
    await stopWatch(id);
    await releaseLease(db, statusLeaseKey(id), workerId).catch(() => undefined);
  }
}

/** Consumes one cluster's status topic from its beginning and applies what each batch says. */
function startWatch(cluster: Cluster, ctx: MonitorContext, workerId: string, leaseMs: number, started: () => void): Watch {
  const brokers = (cluster.bootstrapServers ?? "").split(",").map((b) => b.trim()).filter(Boolean);
  const kafka = new Kafka({ brokers, clientId: `switchboard-status-${workerId}`, connectionTimeout: 5_000, logLevel: logLevel.NOTHING });
  // A fresh group each time, with no commits: the compacted topic is read whole to rebuild the state.
  const consumer: Consumer = kafka.consumer({ groupId: `switchboard-status-${cluster.id}-${randomUUID()}`, maxWaitTimeInMs: 500 });
  const connect = ctx.connectFor(cluster);
  const statuses = new ConnectorStatuses();
  // Catching up on a cluster with many failing connectors reads their configs a few at a time.
  const configLimit = pLimit(4);
  const watch: Watch = { settings: settingsOf(cluster), heldUntil: Date.now() + leaseMs, crashed: false, stop: async () => undefined };
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) watch.crashed = true;
  });

  const applyBatch = async (names: Set<string>) => {
    const present: ObservedConnector[] = [];
    const scope: string[] = [];
    for (const name of names) {
      const v = statuses.view(name);
      if (v.kind === "unknown") continue;
      scope.push(name);
      if (v.kind === "present") present.push(v.connector);
    }
    const observed = await Promise.all(present.map((c) => configLimit(() => withConfigIfFailing(c))));
    if (scope.length > 0) await applyObservations(ctx, connect, cluster, observed, scope);
  };

  // The topic carries no config, yet a trace may echo a live secret of it: read the config of the
  // failing ones (as the poll has it) so redaction is the same, and drop a trace that cannot be checked.
  const withConfigIfFailing = async (c: ObservedConnector): Promise<ObservedConnector> => {
    const traced = c.trace !== undefined || c.tasks.some((t) => t.trace !== undefined);
    if (!traced) return c;
    const live = await connect.getConnector(c.name).catch(() => null);
    if (live?.config) return { ...c, config: live.config, type: live.type };
    const withheld = (t: string | undefined) => (t === undefined ? undefined : TRACE_WITHHELD);
    return { ...c, trace: withheld(c.trace), tasks: c.tasks.map((t) => ({ ...t, trace: withheld(t.trace) })) };
  };

  const running = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic: cluster.statusTopic!, fromBeginning: true });
    started();
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const names = new Set<string>();
        for (const m of batch.messages) {
          const r = parseStatusRecord(m.key?.toString("utf8") ?? null, m.value === null ? null : m.value.toString("utf8"));
          if (r) names.add(statuses.apply(r));
        }
        await applyBatch(names);
        await heartbeat();
      },
    });
  })().catch((err: unknown) => {
    ctx.log.warn(`status topic: cannot consume ${cluster.statusTopic} of cluster ${cluster.name}: ${message(err)}`);
    watch.crashed = true;
  });

  watch.stop = async () => {
    await running;
    await consumer.disconnect().catch(() => undefined);
    await closeQuietly(connect);
  };
  return watch;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
