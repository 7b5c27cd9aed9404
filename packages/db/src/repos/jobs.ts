/**
 * The job queue the worker loop claims from. A claim takes a lease (`leaseOwner`,
 * `leaseExpiresAt`); a worker that crashes stops renewing it, and once it expires another worker
 * claims the job again. Claiming is one UPDATE ... WHERE id = (SELECT ...) statement that re-checks
 * the claimable condition, so two workers (processes or connections) never get the same job.
 * Jobs sharing a `lockKey` (e.g. `deploy:<clusterId>`) never run at the same time.
 */
import { inTransaction, isPostgres, type DbOrTx } from "../client";
import type { JobStatus } from "../enums";
import { DbError } from "../errors";
import { Prisma } from "../generated/prisma/client";

export const jobSelect = {
  id: true,
  kind: true,
  payloadJson: true,
  status: true,
  runAfter: true,
  attempts: true,
  maxAttempts: true,
  lockKey: true,
  dedupeKey: true,
  leaseOwner: true,
  leaseExpiresAt: true,
  lastError: true,
  requestId: true,
  createdAt: true,
  finishedAt: true,
} as const satisfies Prisma.JobSelect;

export type Job = Prisma.JobGetPayload<{ select: typeof jobSelect }>;

export type EnqueueInput = {
  kind: string;
  payload?: unknown;
  runAfter?: Date;
  maxAttempts?: number;
  lockKey?: string;
  /** When a queued or running job has this key already, no new job is added and that one is returned. */
  dedupeKey?: string;
  /** The request that queued it, so the worker's log lines for the job can be tied to that request. */
  requestId?: string;
};

/**
 * Adds a job to the queue. With a dedupe key, returns the live job holding it instead; the database
 * enforces one live job per key (a partial unique index), so replicas enqueueing at once cannot both
 * add one: the loser gets the winner's job.
 */
export async function enqueueJob(db: DbOrTx, input: EnqueueInput): Promise<Job> {
  const live = (key: string) => db.job.findFirst({ where: { dedupeKey: key, status: { in: ["queued", "running"] } }, select: jobSelect });
  if (input.dedupeKey) {
    const existing = await live(input.dedupeKey);
    if (existing) return existing;
  }
  try {
    return await createJob(db, input);
  } catch (err) {
    // Inside a caller's transaction PostgreSQL has aborted it: the caller must retry as a whole.
    if (!input.dedupeKey || !isUniqueViolation(err) || !("$transaction" in db)) throw err;
    const winner = await live(input.dedupeKey);
    if (!winner) throw err;
    return winner;
  }
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

function createJob(db: DbOrTx, input: EnqueueInput): Promise<Job> {
  return db.job.create({
    data: {
      kind: input.kind,
      payloadJson: JSON.stringify(input.payload ?? {}),
      runAfter: input.runAfter ?? new Date(),
      maxAttempts: input.maxAttempts,
      lockKey: input.lockKey,
      dedupeKey: input.dedupeKey,
      requestId: input.requestId,
    },
    select: jobSelect,
  });
}

/** The PostgreSQL advisory lock that claims take in turn (any fixed number unique to this use). */
const CLAIM_LOCK = 7_310_503;

export const LEASE_EXPIRED_ERROR = "Its worker stopped while running it (lease expired) and no attempts were left.";

/**
 * Fails the running jobs of `kinds` whose lease expired with no attempts left (their worker died on
 * the last attempt), and returns them: call it in the transaction that also ends what those jobs
 * were doing, so nothing is left stuck.
 */
export async function failExpiredJobs(db: DbOrTx, kinds: string[], now: Date = new Date()): Promise<Job[]> {
  const expired = await db.job.findMany({
    where: { status: "running", leaseExpiresAt: { lt: now }, kind: { in: kinds }, attempts: { gte: db.job.fields.maxAttempts } },
    select: jobSelect,
  });
  const failed: Job[] = [];
  for (const job of expired) {
    const { count } = await db.job.updateMany({
      where: { id: job.id, status: "running", leaseExpiresAt: { lt: now } },
      data: { status: "failed", finishedAt: now, lastError: LEASE_EXPIRED_ERROR, leaseOwner: null, leaseExpiresAt: null },
    });
    if (count === 1) failed.push({ ...job, status: "failed", lastError: LEASE_EXPIRED_ERROR });
  }
  return failed;
}

/**
 * Claims the next due job of one of `kinds` for `workerId`, with a lease of `leaseMs`: a queued job,
 * or a running one whose lease expired (its worker died) and which has attempts left. Increments
 * `attempts`. Returns null when nothing is due. Jobs whose lease expired with no attempts left are
 * never claimed again: {@link failExpiredJobs} ends them.
 */
export async function claimJob(db: DbOrTx, kinds: string[], workerId: string, leaseMs: number, now: Date = new Date()): Promise<Job | null> {
  if (kinds.length === 0) return null;
  const expires = new Date(now.getTime() + leaseMs);
  const kindList = Prisma.join(kinds);
  const claimable = Prisma.sql`("status" = 'queued' OR ("status" = 'running' AND "leaseExpiresAt" < ${now} AND "attempts" < "maxAttempts"))`;
  const postgres = isPostgres(db);
  const claim = (tx: DbOrTx) => tx.$queryRaw<{ id: string }[]>`
    UPDATE "Job"
    SET "status" = 'running', "leaseOwner" = ${workerId}, "leaseExpiresAt" = ${expires}, "attempts" = "attempts" + 1, "updatedAt" = ${now}
    WHERE "id" = (
      SELECT j."id" FROM "Job" j
      WHERE j."kind" IN (${kindList}) AND j."runAfter" <= ${now}
        AND (j."status" = 'queued' OR (j."status" = 'running' AND j."leaseExpiresAt" < ${now} AND j."attempts" < j."maxAttempts"))
        AND (j."lockKey" IS NULL OR NOT EXISTS (
          SELECT 1 FROM "Job" o
          WHERE o."lockKey" = j."lockKey" AND o."id" <> j."id" AND o."status" = 'running' AND o."leaseExpiresAt" >= ${now}
        ))
      ORDER BY j."runAfter", j."createdAt", j."id"
      LIMIT 1${postgres ? Prisma.sql` FOR UPDATE SKIP LOCKED` : Prisma.empty}
    ) AND ${claimable}
    RETURNING "id"`;
  // SQLite runs one writer at a time, so the statement alone is atomic. PostgreSQL runs claims from
  // several replicas at once: the advisory lock makes them take turns, so the lock-key check sees
  // every earlier claim committed (two deploys of one cluster can never both pass it), and SKIP
  // LOCKED keeps a claim from waiting on rows other statements hold (a lease renewal, a completion).
  const rows = postgres
    ? await inTransaction(db, async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`;
        return claim(tx);
      })
    : await claim(db);
  const id = rows[0]?.id;
  return id === undefined ? null : db.job.findUnique({ where: { id }, select: jobSelect });
}

/** Extends the lease; false when the job is no longer this worker's (lease lost). */
export async function renewLease(db: DbOrTx, jobId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: jobId, status: "running", leaseOwner: workerId },
    data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
  });
  return count === 1;
}

/** Marks the job done; false when the lease was lost meanwhile. */
export async function completeJob(db: DbOrTx, jobId: string, workerId: string): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: jobId, status: "running", leaseOwner: workerId },
    data: { status: "done", finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
  });
  return count === 1;
}

/** Retry delay after the n-th failed attempt: 5s, 10s, 20s, ... capped at 10 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(attempts - 1, 0), 600_000);
}

/**
 * Records a failure: the job is queued again after a backoff while attempts remain (unless
 * `retry` is false), otherwise it is failed for good. Returns the new status, or null when the lease
 * was lost meanwhile.
 */
export async function failJob(db: DbOrTx, jobId: string, workerId: string, error: string, opts: { retry?: boolean; now?: Date } = {}): Promise<JobStatus | null> {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { attempts: true, maxAttempts: true } });
  if (!job) throw new DbError("NOT_FOUND", "No such job.");
  const now = opts.now ?? new Date();
  const retry = opts.retry !== false && job.attempts < job.maxAttempts;
  const { count } = await db.job.updateMany({
    where: { id: jobId, status: "running", leaseOwner: workerId },
    data: retry
      ? { status: "queued", runAfter: new Date(now.getTime() + retryDelayMs(job.attempts)), lastError: error, leaseOwner: null, leaseExpiresAt: null }
      : { status: "failed", finishedAt: now, lastError: error, leaseOwner: null, leaseExpiresAt: null },
  });
  if (count !== 1) return null;
  return retry ? "queued" : "failed";
}

/** Deletes finished (done) jobs of `kinds` that ended before `before`, e.g. old recurring health polls. Returns how many. */
export async function pruneFinishedJobs(db: DbOrTx, kinds: string[], before: Date): Promise<number> {
  const { count } = await db.job.deleteMany({ where: { kind: { in: kinds }, status: "done", finishedAt: { lt: before } } });
  return count;
}

export async function getJob(db: DbOrTx, id: string): Promise<Job | null> {
  return db.job.findUnique({ where: { id }, select: jobSelect });
}

/** Recent jobs, newest first (for an admin view). */
export async function listJobs(db: DbOrTx, q: { status?: JobStatus; kind?: string; take?: number } = {}): Promise<Job[]> {
  return db.job.findMany({ where: { status: q.status, kind: q.kind }, select: jobSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: Math.min(q.take ?? 100, 500) });
}

/** Whether a job with exactly this payload is still queued or running (e.g. the deploy of a deployment). */
export async function hasLiveJob(db: DbOrTx, kind: string, payload: unknown): Promise<boolean> {
  const job = await db.job.findFirst({ where: { kind, payloadJson: JSON.stringify(payload), status: { in: ["queued", "running"] } }, select: { id: true } });
  return job !== null;
}

/** Parses a job's payload. */
export function jobPayload(job: Pick<Job, "payloadJson">): unknown {
  return JSON.parse(job.payloadJson) as unknown;
}
