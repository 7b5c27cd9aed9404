/**
 * The worker inside the web server's process (the default): started once from Next.js
 * `instrumentation.ts`, stopped on SIGTERM/SIGINT. `SWITCHBOARD_WORKER=off` leaves it to a separate
 * process (`pnpm --filter @switchboard/worker start`).
 */
import { hostname } from "node:os";
import { getDb } from "@switchboard/db/client";
import { env } from "./env";
import { startWorker } from "./loop";
import { workerLogger } from "./services";

const globalForWorker = globalThis as unknown as { switchboardWorker?: Promise<void> };

/** Starts the in-process worker unless it is switched off or already running (dev-server reloads). */
export function startInProcessWorker(): void {
  if (env.SWITCHBOARD_WORKER === "off" || globalForWorker.switchboardWorker) return;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const workerId = `${hostname()}:${process.pid}:web`;
  const log = workerLogger();
  log.info({ workerId }, "worker started in the web process");
  globalForWorker.switchboardWorker = startWorker({
    db: getDb(),
    workerId,
    signal: controller.signal,
    pollMs: env.SWITCHBOARD_WORKER_POLL_MS,
    leaseMs: env.SWITCHBOARD_WORKER_LEASE_MS,
    concurrency: env.SWITCHBOARD_WORKER_CONCURRENCY,
  }).catch((err: unknown) => log.error({ err }, "worker stopped"));
}
