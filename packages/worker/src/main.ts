/**
 * The worker as its own process: `pnpm --filter @switchboard/worker start` (run the web app with
 * `SWITCHBOARD_WORKER=off` then). Stops gracefully on SIGTERM/SIGINT: no new jobs, running ones get
 * time to finish, and what does not finish is claimed again once its lease expires. With
 * `SWITCHBOARD_WORKER_METRICS_PORT` it serves Prometheus metrics there.
 */
import { hostname } from "node:os";
import { getDb } from "@switchboard/db/client";
import { operationalSnapshot } from "@switchboard/domain/operations";
import { env } from "./env";
import { startWorker } from "./loop";
import { startMetricsServer, type MetricsServer } from "./metrics-server";
import { workerLogger } from "./services";

const log = workerLogger();
const controller = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log.info(`${signal}: stopping…`);
    controller.abort();
  });
}

const db = getDb();
const workerId = `${hostname()}:${process.pid}`;
let metrics: MetricsServer | undefined;
if (env.SWITCHBOARD_WORKER_METRICS_PORT !== undefined) {
  metrics = await startMetricsServer({ host: env.SWITCHBOARD_WORKER_METRICS_HOST, port: env.SWITCHBOARD_WORKER_METRICS_PORT, collect: () => operationalSnapshot(db) });
  log.info(`metrics on http://${env.SWITCHBOARD_WORKER_METRICS_HOST}:${metrics.port}/metrics`);
}
log.info({ workerId, pollMs: env.SWITCHBOARD_WORKER_POLL_MS, concurrency: env.SWITCHBOARD_WORKER_CONCURRENCY }, "worker started");
try {
  await startWorker({ db, workerId, signal: controller.signal, pollMs: env.SWITCHBOARD_WORKER_POLL_MS, leaseMs: env.SWITCHBOARD_WORKER_LEASE_MS, concurrency: env.SWITCHBOARD_WORKER_CONCURRENCY });
} finally {
  await metrics?.close();
  await db.$disconnect();
}
log.info("worker stopped");
