import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob, getJob, listJobs } from "@switchboard/db/repos/jobs";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { PermanentJobError, scheduleHealthPolls, startWorker, type JobHandler, type StartWorkerOptions } from "./loop";
import { buildWorkerWorld, silentLog, waitFor } from "./worker.fixture";

let t: TestDb;
const stops: AbortController[] = [];

beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await t.cleanup();
});

/** Starts a worker loop with test handlers; returns its stop controller and its end. */
function worker(workerId: string, handlers: Record<string, JobHandler>, opts: Partial<StartWorkerOptions> = {}) {
  const controller = new AbortController();
  stops.push(controller);
  const done = startWorker({
    db: t.db,
    workerId,
    signal: controller.signal,
    pollMs: 10,
    leaseMs: 300,
    stopGraceMs: 0,
    handlers,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { log: silentLog },
    ...opts,
  });
  return { controller, done };
}

const never = () => new Promise<never>(() => undefined);

describe("startWorker", () => {
  it("runs a job again on another worker once the lease of a worker that died expires", async () => {
    const job = await enqueueJob(t.db, { kind: "test" });
    const ranBy: string[] = [];
    const a = worker("worker-a", { test: async () => (ranBy.push("a"), never()) });
    await waitFor(() => ranBy.includes("a"), 5_000, "worker a to take the job");
    // Worker a "crashes": it stops renewing the lease and never completes the job.
    a.controller.abort();
    await a.done;
    expect((await getJob(t.db, job.id))?.status).toBe("running");

    worker("worker-b", { test: async () => void ranBy.push("b") });
    const done = await waitFor(async () => {
      const j = await getJob(t.db, job.id);
      return j?.status === "done" ? j : undefined;
    }, 5_000, "the job to be done");
    expect(ranBy).toEqual(["a", "b"]);
    expect(done.attempts).toBe(2);
  });

  it("keeps renewing the lease of a long job so no other worker takes it", async () => {
    const job = await enqueueJob(t.db, { kind: "test" });
    const ranBy: string[] = [];
    let finish: () => void = () => undefined;
    worker("worker-a", { test: () => new Promise<void>((resolve) => (ranBy.push("a"), (finish = resolve))) });
    await waitFor(() => ranBy.includes("a"), 5_000, "worker a to take the job");
    worker("worker-b", { test: async () => void ranBy.push("b") });
    // Several lease periods pass while worker a is still on it.
    await new Promise((r) => setTimeout(r, 1_000));
    finish();
    await waitFor(async () => (await getJob(t.db, job.id))?.status === "done", 5_000, "the job to be done");
    expect(ranBy).toEqual(["a"]);
  });

  it("never runs two jobs with one lock key at once, across workers", async () => {
    const jobs = await Promise.all([1, 2, 3, 4].map(() => enqueueJob(t.db, { kind: "deploy-ish", lockKey: "deploy:cluster-1" })));
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    const handler: JobHandler = async (job) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      seen.push(job.id);
      await new Promise((r) => setTimeout(r, 60));
      running--;
    };
    worker("worker-a", { "deploy-ish": handler }, { concurrency: 4 });
    worker("worker-b", { "deploy-ish": handler }, { concurrency: 4 });
    await waitFor(async () => (await listJobs(t.db, { status: "done" })).length === 4, 10_000, "all jobs to be done");
    expect(maxRunning).toBe(1);
    expect(seen.sort()).toEqual(jobs.map((j) => j.id).sort());
  });

  it("runs jobs of different lock keys side by side", async () => {
    await enqueueJob(t.db, { kind: "deploy-ish", lockKey: "deploy:cluster-1" });
    await enqueueJob(t.db, { kind: "deploy-ish", lockKey: "deploy:cluster-2" });
    let running = 0;
    let release: () => void = () => undefined;
    const bothRunning = new Promise<void>((resolve) => (release = resolve));
    worker("worker-a", {
      "deploy-ish": async () => {
        if (++running === 2) release();
        await bothRunning;
      },
    }, { concurrency: 2 });
    await waitFor(async () => (await listJobs(t.db, { status: "done" })).length === 2, 5_000, "both jobs to be done");
  });

  it("fails a job for good on a permanent error and records the reason", async () => {
    const job = await enqueueJob(t.db, { kind: "test" });
    worker("worker-a", { test: async () => { throw new PermanentJobError("the deployment is gone"); } });
    const failed = await waitFor(async () => {
      const j = await getJob(t.db, job.id);
      return j?.status === "failed" ? j : undefined;
    }, 5_000, "the job to fail");
    expect(failed.lastError).toBe("the deployment is gone");
  });

  it("queues a failed job again with a backoff while attempts remain", async () => {
    const job = await enqueueJob(t.db, { kind: "test" });
    worker("worker-a", { test: async () => { throw new Error("cluster unreachable"); } });
    const retried = await waitFor(async () => {
      const j = await getJob(t.db, job.id);
      return j?.status === "queued" && j.attempts === 1 ? j : undefined;
    }, 5_000, "the job to be queued again");
    expect(retried.lastError).toBe("cluster unreachable");
    expect(retried.runAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it("enqueues a job's follow-ups when it completes", async () => {
    await enqueueJob(t.db, { kind: "first" });
    worker("worker-a", { first: async () => ({ next: [{ kind: "second", payload: { n: 2 } }] }), second: async () => undefined });
    await waitFor(async () => (await listJobs(t.db, { kind: "second", status: "done" })).length === 1, 5_000, "the follow-up to run");
  });
});

describe("job pruning", () => {
  it("deletes health polls finished over an hour ago and keeps everything else", async () => {
    const old = await enqueueJob(t.db, { kind: "health", dedupeKey: "health:x" });
    const recent = await enqueueJob(t.db, { kind: "health" });
    const deploy = await enqueueJob(t.db, { kind: "deploy" });
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    await t.db.job.updateMany({ where: { id: { in: [old.id, deploy.id] } }, data: { status: "done", finishedAt: twoHoursAgo } });
    await t.db.job.update({ where: { id: recent.id }, data: { status: "done", finishedAt: new Date() } });
    const w = worker("worker-a", {});
    await waitFor(async () => (await getJob(t.db, old.id)) === null, 5_000, "the old poll to be pruned");
    w.controller.abort();
    await w.done;
    expect(await getJob(t.db, recent.id)).not.toBeNull();
    expect(await getJob(t.db, deploy.id)).not.toBeNull();
  });
});

describe("scheduleHealthPolls", () => {
  it("keeps exactly one health poll queued per cluster", async () => {
    const w = await buildWorkerWorld(t.db);
    await scheduleHealthPolls(t.db);
    await scheduleHealthPolls(t.db);
    const jobs = await listJobs(t.db, { kind: "health" });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.dedupeKey).toBe(`health:${w.cluster.id}`);
  });

  it("polls each cluster through the loop and queues the next poll after the cluster's interval", async () => {
    const w = await buildWorkerWorld(t.db);
    worker("worker-a", {}, { handlers: undefined, scheduleHealth: true, services: w.services });
    const next = await waitFor(async () => {
      const queued = await listJobs(t.db, { kind: "health", status: "queued" });
      const done = await listJobs(t.db, { kind: "health", status: "done" });
      return done.length === 1 && queued.length === 1 ? queued[0] : undefined;
    }, 5_000, "one poll done and the next one queued");
    expect(next.runAfter.getTime()).toBeGreaterThan(Date.now() + 5_000);
    expect(w.fake.calls.filter((c) => c.method === "listConnectors")).toHaveLength(1);
  });
});
