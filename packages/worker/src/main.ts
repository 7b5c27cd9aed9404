/**
 * The worker as its own process: `pnpm --filter @switchboard/worker start` (run the web app with
 * `SWITCHBOARD_WORKER=off` then). Stops gracefully on SIGTERM/SIGINT: no new jobs, running ones get
 * time to finish, and what does not finish is claimed again once its lease expires.
 */
import { hostname } from "node:os";
import { getDb } from "@switchboard/db/client";
import { env } from "./env";
import { startWorker } from "./loop";

const controller = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    console.log(`[worker] ${signal}: stopping…`);
    controller.abort();
  });
}

const db = getDb();
const workerId = `${hostname()}:${process.pid}`;
console.log(`[worker] ${workerId} started (poll ${env.SWITCHBOARD_WORKER_POLL_MS} ms, ${env.SWITCHBOARD_WORKER_CONCURRENCY} jobs at once)`);
try {
  await startWorker({ db, workerId, signal: controller.signal, pollMs: env.SWITCHBOARD_WORKER_POLL_MS, leaseMs: env.SWITCHBOARD_WORKER_LEASE_MS, concurrency: env.SWITCHBOARD_WORKER_CONCURRENCY });
} finally {
  await db.$disconnect();
}
console.log("[worker] stopped");
