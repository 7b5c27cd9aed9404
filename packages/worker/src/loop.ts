/**
 * The worker loop: claims jobs from the database with a lease, renews the lease while a job runs,
 * completes or fails it (failures are retried with backoff by the queue), keeps one health poll per
 * cluster queued, and runs the notification delivery pass. Several loops (threads of one process or
 * separate processes) can share one database: the queue hands each job to one of them, and jobs
 * sharing a `lockKey` (one deploy per cluster) never run at the same time.
 *
 * Whatever ends a job for good (a permanent error, retries exhausted, a lease that expired on its
 * last attempt) also ends what the job was doing, in the same transaction, through its kind's
 * finalizer: a deploy's deployment and change request end failed with the reason.
 */
import type { Db, Tx } from "@switchboard/db/client";
import { listClusters } from "@switchboard/db/repos/clusters";
import { claimJob, completeJob, enqueueJob, failExpiredJobs, failJob, pruneFinishedJobs, renewLease, type EnqueueInput, type Job } from "@switchboard/db/repos/jobs";
import { GIT_COMMIT_JOB, healthJob } from "@switchboard/domain/jobs";
import { withRequestId } from "@switchboard/telemetry/request-context";
import { failDeployJob, runDeployJob, sweepOrphanDeployments } from "./deploy";
import { deliverDueNotifications } from "./notify";
import { runGitCommitJob } from "./git-commit";
import { runHealthJob } from "./monitor";
import { watchStatusTopics } from "./status-topic";
import { defaultServices, type WorkerServices } from "./services";

/** What a job asks for when it is done: follow-up jobs enqueued in the same transaction as its completion. */
export type JobResult = { next?: EnqueueInput[] } | void;

export type JobContext = WorkerServices & {
  db: Db;
  workerId: string;
  /** Aborted when the lease is lost or the worker stops: stop as soon as possible, finish nothing. */
  signal: AbortSignal;
  /** Starts a delivery pass now: a job that queued notifications calls it so they need not wait. */
  notificationsQueued?: () => void;
};

export type JobHandler = (job: Job, ctx: JobContext) => Promise<JobResult>;

/** Ends what a job was doing once the job itself has failed for good; runs in the transaction that fails it. */
export type JobFinalizer = (tx: Tx, job: Job, reason: string) => Promise<void>;

/** A failure that retrying cannot fix (e.g. the job's deployment no longer exists). */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

export const DEFAULT_HANDLERS: Readonly<Record<string, JobHandler>> = {
  deploy: runDeployJob,
  health: runHealthJob,
  [GIT_COMMIT_JOB]: runGitCommitJob,
};

export const DEFAULT_FINALIZERS: Readonly<Record<string, JobFinalizer>> = {
  deploy: failDeployJob,
};

/** A poll every 10 s per cluster adds up: finished polls are kept an hour (for a look at recent ones), then deleted. */
const KEEP_HEALTH_JOBS_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;
/** How often deployments left without a live job (by a crash in an older version, a deleted job) are ended. */
const SWEEP_EVERY_MS = 30_000;

export type StartWorkerOptions = {
  db: Db;
  workerId: string;
  /** Abort to stop: no new jobs are claimed; running ones get `stopGraceMs` to finish. */
  signal: AbortSignal;
  /** Idle time between passes. Default 1 000. */
  pollMs?: number;
  /** Lease per claim, renewed every third of it while the job runs. Default 30 000. */
  leaseMs?: number;
  /** Jobs run at once. Default 4. */
  concurrency?: number;
  /**
   * After a stop, how long running jobs may take before the loop returns without them (they are then
   * claimed again once their lease expires, as after a crash). Default 10 000.
   */
  stopGraceMs?: number;
  /** Job kinds and their handlers. Default: deploy, health and git-commit. */
  handlers?: Readonly<Record<string, JobHandler>>;
  /** Job kinds and their finalizers. Default: deploy. */
  finalizers?: Readonly<Record<string, JobFinalizer>>;
  /** Keep one health poll per cluster queued. Default true. */
  scheduleHealth?: boolean;
  /** Run the notification delivery pass. Default true. */
  deliverNotifications?: boolean;
  /** Consume the status topic of clusters that have one (one consumer per cluster across processes). Default true. */
  watchStatusTopics?: boolean;
  /** Lease of a cluster's status-topic consumer; a dead holder is replaced after it. Default 15 000. */
  statusLeaseMs?: number;
  /** Told when this worker starts or stops consuming a cluster's status topic. */
  onStatusConsuming?: (clusterId: string, consuming: boolean) => void;
  /** Connect/Kafka clients, mail and webhook senders, logger; defaults read the environment. */
  services?: Partial<WorkerServices>;
};

/** Runs the worker loop until `signal` aborts; resolves once it has stopped. */
export async function startWorker(opts: StartWorkerOptions): Promise<void> {
  const { db, workerId, signal } = opts;
  const pollMs = opts.pollMs ?? 1_000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const concurrency = opts.concurrency ?? 4;
  const handlers = opts.handlers ?? DEFAULT_HANDLERS;
  const finalizers = opts.finalizers ?? DEFAULT_FINALIZERS;
  const kinds = Object.keys(handlers);
  const services: WorkerServices = { ...defaultServices(), ...opts.services };
  const { log } = services;
  const running = new Set<Promise<void>>();
  /** Aborts the jobs still running when the grace period ends, so they stop renewing their leases. */
  const hardStop = new AbortController();
  let wake: (() => void) | undefined;
  const wakeUp = () => wake?.();
  signal.addEventListener("abort", wakeUp, { once: true });

  const runJob = async (job: Job): Promise<void> => {
    const handler = handlers[job.kind];
    const jobAbort = new AbortController();
    // Once aborted, the lease is no longer renewed: another worker takes the job when it expires.
    const stopJob = () => {
      clearInterval(renewal);
      jobAbort.abort(new Error("worker stopped"));
    };
    hardStop.signal.addEventListener("abort", stopJob, { once: true });
    const renewal = setInterval(() => {
      renewLease(db, job.id, workerId, leaseMs)
        .then((held) => {
          if (held) return;
          clearInterval(renewal);
          jobAbort.abort(new Error("lease lost"));
        })
        .catch((err: unknown) => log.warn(`job ${job.id}: lease renewal failed: ${message(err)}`));
    }, Math.max(leaseMs / 3, 10));
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      const result = await handler(job, { ...services, db, workerId, signal: jobAbort.signal, ...(notificationsQueued ? { notificationsQueued } : {}) });
      if (jobAbort.signal.aborted) return;
      await db.$transaction(async (tx) => {
        if (!(await completeJob(tx, job.id, workerId))) return;
        for (const next of result?.next ?? []) await enqueueJob(tx, next);
      });
    } catch (err) {
      if (jobAbort.signal.aborted) return;
      log.error(`job ${job.id} (${job.kind}) attempt ${job.attempts} failed: ${message(err)}`);
      await db
        .$transaction(async (tx) => {
          const status = await failJob(tx, job.id, workerId, message(err), { retry: !(err instanceof PermanentJobError) });
          if (status === "failed") await finalizers[job.kind]?.(tx, job, message(err));
        })
        .catch((e: unknown) => log.error(`job ${job.id}: could not record the failure: ${message(e)}`));
    } finally {
      clearInterval(renewal);
      hardStop.signal.removeEventListener("abort", stopJob);
      wakeUp();
    }
  };

  let delivering: Promise<void> | undefined;
  /** Set when a pass is asked for while one runs: it may have read the due notifications already. */
  let deliverAgain = false;
  const deliveryPass = () => {
    if (delivering) {
      deliverAgain = true;
      return;
    }
    delivering = deliverDueNotifications(db, services)
      .then(() => undefined)
      .catch((err: unknown) => log.error(`notification delivery pass failed: ${message(err)}`))
      .finally(() => {
        delivering = undefined;
        if (deliverAgain && !signal.aborted) {
          deliverAgain = false;
          deliveryPass();
        }
      });
  };
  const notificationsQueued = opts.deliverNotifications === false ? undefined : deliveryPass;
  const watching =
    opts.watchStatusTopics === false
      ? undefined
      : watchStatusTopics({
          db,
          workerId,
          signal,
          services: { ...services, ...(notificationsQueued ? { notificationsQueued } : {}) },
          ...(opts.statusLeaseMs ? { leaseMs: opts.statusLeaseMs } : {}),
          ...(opts.onStatusConsuming ? { onConsuming: opts.onStatusConsuming } : {}),
        }).catch((err: unknown) => log.error(`status topic watcher stopped: ${message(err)}`));

  let prunedAt = 0;
  let sweptAt = 0;
  while (!signal.aborted) {
    try {
      await db.$transaction(async (tx) => {
        for (const job of await failExpiredJobs(tx, kinds)) await finalizers[job.kind]?.(tx, job, job.lastError ?? "lease expired");
      });
      if (handlers.deploy && Date.now() - sweptAt > SWEEP_EVERY_MS) {
        sweptAt = Date.now();
        for (const name of await sweepOrphanDeployments(db)) log.warn(`deployment ${name} had no job left to finish it: marked failed`);
      }
      if (opts.scheduleHealth !== false) await scheduleHealthPolls(db);
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await pruneFinishedJobs(db, ["health"], new Date(prunedAt - KEEP_HEALTH_JOBS_MS));
      }
      if (opts.deliverNotifications !== false) deliveryPass();
      while (running.size < concurrency && !signal.aborted) {
        const job = await claimJob(db, kinds, workerId, leaseMs);
        if (!job) break;
        // The job's log lines carry the id of the request that queued it.
        const p: Promise<void> = withRequestId(job.requestId, () => runJob(job)).finally(() => running.delete(p));
        running.add(p);
      }
    } catch (err) {
      // The database may be briefly locked or unreachable: try again on the next pass.
      log.error(`worker pass failed: ${message(err)}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }

  const grace = opts.stopGraceMs ?? 10_000;
  const allDone = Promise.all([...running, delivering, watching]).then(() => true);
  const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), grace).unref());
  if (!(await Promise.race([allDone, timedOut]))) {
    log.warn(`worker ${workerId}: stopping with ${running.size} job(s) still running; they will be claimed again when their lease expires`);
  }
  hardStop.abort();
}

/**
 * Makes sure each cluster has one health poll queued or running. Polls re-enqueue themselves (with
 * the cluster's interval) in the transaction that completes them, so this only starts the chain for
 * new clusters and after a poll failed for good.
 */
export async function scheduleHealthPolls(db: Db): Promise<void> {
  for (const cluster of await listClusters(db)) await enqueueJob(db, healthJob(cluster.id));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
