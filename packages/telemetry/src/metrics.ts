/**
 * Switchboard's Prometheus metrics: one registry with prom-client's default process metrics and the
 * product's own families. Counters and histograms are updated where things happen (HTTP handlers,
 * the worker); queue and incident gauges are read from the database when scraped, through a collector
 * the caller passes in (this package knows no database).
 *
 * The registry lives on `globalThis`: Next.js may evaluate this module once per bundle
 * (instrumentation, each route), and the in-process worker and the /metrics route must share it.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the database says at scrape time. */
export type OperationalSnapshot = {
  /** Queued jobs that are due, per kind, and how long the oldest of them has waited since it became due. */
  queue: ReadonlyArray<{ kind: string; depth: number; oldestAgeSeconds: number }>;
  /** Open incidents per cluster name. */
  openIncidents: ReadonlyArray<{ cluster: string; count: number }>;
};

export type SnapshotCollector = () => Promise<OperationalSnapshot>;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: "switchboard_http_request_duration_seconds",
      help: "HTTP request latency by route (tRPC procedure path for /api/trpc), method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    deployDuration: new Histogram({
      name: "switchboard_deploy_duration_seconds",
      help: "Time from a deployment's start to its end, by outcome (succeeded, failed).",
      labelNames: ["outcome"] as const,
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    healthPollDuration: new Histogram({
      name: "switchboard_health_poll_duration_seconds",
      help: "Latency of one health poll of a cluster's Connect REST API, by cluster and outcome (ok, unreachable).",
      labelNames: ["cluster", "outcome"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    notificationDeliveries: new Counter({
      name: "switchboard_notification_deliveries_total",
      help: "Notification delivery attempts by channel and outcome (sent, retry, failed).",
      labelNames: ["channel", "outcome"] as const,
      registers,
    }),
    boardSubscribers: new Gauge({
      name: "switchboard_board_subscribers",
      help: "Open live board connections in this process.",
      registers,
    }),
    queueDepth: new Gauge({
      name: "switchboard_queue_depth",
      help: "Queued jobs that are due, by kind (read from the database at scrape time).",
      labelNames: ["kind"] as const,
      registers,
    }),
    queueOldestAge: new Gauge({
      name: "switchboard_queue_oldest_job_age_seconds",
      help: "How long the oldest due queued job of each kind has waited (read from the database at scrape time).",
      labelNames: ["kind"] as const,
      registers,
    }),
    openIncidents: new Gauge({
      name: "switchboard_open_incidents",
      help: "Open incidents by cluster (read from the database at scrape time).",
      labelNames: ["cluster"] as const,
      registers,
    }),
    snapshotUp: new Gauge({
      name: "switchboard_database_stats_up",
      help: "1 when the scrape-time database read succeeded, 0 when it failed (queue and incident gauges are then empty).",
      registers,
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
const globalMetrics = globalThis as unknown as { switchboardMetrics?: Metrics };
const metrics: Metrics = (globalMetrics.switchboardMetrics ??= createMetrics());

export const { registry, httpRequestDuration, deployDuration, healthPollDuration, notificationDeliveries } = metrics;

/** Open live board connections: increment when one opens, decrement when it closes. */
export const boardSubscribers: Gauge = metrics.boardSubscribers;

/** A scrape must answer even when the database does not. */
const SNAPSHOT_TIMEOUT_MS = 5_000;

async function refreshSnapshot(collect: SnapshotCollector): Promise<void> {
  metrics.queueDepth.reset();
  metrics.queueOldestAge.reset();
  metrics.openIncidents.reset();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database stats timed out")), SNAPSHOT_TIMEOUT_MS);
    });
    const snapshot = await Promise.race([collect(), timeout]);
    for (const q of snapshot.queue) {
      metrics.queueDepth.set({ kind: q.kind }, q.depth);
      metrics.queueOldestAge.set({ kind: q.kind }, q.oldestAgeSeconds);
    }
    for (const i of snapshot.openIncidents) metrics.openIncidents.set({ cluster: i.cluster }, i.count);
    metrics.snapshotUp.set(1);
  } catch {
    metrics.snapshotUp.set(0);
  } finally {
    clearTimeout(timer);
  }
}

/** The Prometheus text exposition, with the database gauges read through `collect` first. */
export async function renderMetrics(collect?: SnapshotCollector): Promise<{ contentType: string; body: string }> {
  if (collect) await refreshSnapshot(collect);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
