import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../testing";
import { claimJob, completeJob, enqueueJob, failExpiredJobs, failJob, getJob, renewLease } from "./jobs";

const run = promisify(execFile);
const t = await createTestDb();
afterAll(() => t.cleanup());
beforeEach(async () => {
  await t.db.job.deleteMany();
});

const minutesFrom = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

describe("claimJob", () => {
  it("hands each job to exactly one of many concurrent claimers sharing a client", async () => {
    for (let round = 0; round < 20; round++) {
      await t.db.job.deleteMany();
      await t.db.job.createMany({ data: Array.from({ length: 10 }, () => ({ kind: "test" })) });
      const results = await Promise.all(Array.from({ length: 15 }, (_, i) => claimJob(t.db, ["test"], `w${i}`, 60_000)));
      const ids = results.flatMap((j) => (j ? [j.id] : []));
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
    }
  });

  it("hands out one job per lock key to many concurrent claimers", async () => {
    for (let round = 0; round < 10; round++) {
      await t.db.job.deleteMany();
      await t.db.job.createMany({ data: Array.from({ length: 6 }, (_, i) => ({ kind: "test", lockKey: `deploy:c${i % 2}` })) });
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => claimJob(t.db, ["test"], `w${i}`, 60_000)));
      const keys = results.flatMap((j) => (j ? [j.lockKey] : []));
      expect(keys.sort()).toEqual(["deploy:c0", "deploy:c1"]);
    }
  });

  it("hands each job to exactly one of two worker processes claiming at the same time", async () => {
    const fixture = join(import.meta.dirname, "claim-worker.fixture.ts");
    const tsx = join(import.meta.dirname, "../../node_modules/.bin/tsx");
    for (let round = 0; round < 3; round++) {
      await t.db.job.deleteMany();
      await t.db.job.createMany({ data: Array.from({ length: 200 }, () => ({ kind: "test" })) });
      const outputs = await Promise.all(["p1", "p2"].map((w) => run(tsx, [fixture, t.url, w], { maxBuffer: 10_000_000 })));
      const perWorker = outputs.map((o) => JSON.parse(o.stdout) as string[]);
      const ids = perWorker.flat();
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
      expect(await t.db.job.count({ where: { status: "done" } })).toBe(200);
    }
  }, 120_000);

  it("does not hand out a job whose run time has not come", async () => {
    const now = new Date();
    await enqueueJob(t.db, { kind: "test", runAfter: minutesFrom(now, 5) });
    expect(await claimJob(t.db, ["test"], "w", 1000, now)).toBeNull();
    expect(await claimJob(t.db, ["test"], "w", 1000, minutesFrom(now, 6))).not.toBeNull();
  });

  it("only hands out jobs of the requested kinds", async () => {
    await enqueueJob(t.db, { kind: "deploy" });
    expect(await claimJob(t.db, ["health"], "w", 1000)).toBeNull();
    expect((await claimJob(t.db, ["health", "deploy"], "w", 1000))?.kind).toBe("deploy");
  });

  it("re-claims a running job whose lease expired, and not before", async () => {
    const job = await enqueueJob(t.db, { kind: "test" });
    const now = new Date();
    expect((await claimJob(t.db, ["test"], "crashed", 60_000, now))?.id).toBe(job.id);
    expect(await claimJob(t.db, ["test"], "w2", 60_000, minutesFrom(now, 0.5))).toBeNull();
    const again = await claimJob(t.db, ["test"], "w2", 60_000, minutesFrom(now, 2));
    expect(again).toMatchObject({ id: job.id, leaseOwner: "w2", attempts: 2, status: "running" });
    // The crashed worker lost its lease: it can neither renew nor complete.
    expect(await renewLease(t.db, job.id, "crashed", 60_000)).toBe(false);
    expect(await completeJob(t.db, job.id, "crashed")).toBe(false);
    expect(await completeJob(t.db, job.id, "w2")).toBe(true);
  });

  it("fails a job whose lease expired with no attempts left instead of running it again, and returns it", async () => {
    const job = await enqueueJob(t.db, { kind: "test", maxAttempts: 1 });
    const now = new Date();
    expect((await claimJob(t.db, ["test"], "crashed", 1000, now))?.id).toBe(job.id);
    expect(await claimJob(t.db, ["test"], "w2", 1000, minutesFrom(now, 1))).toBeNull();
    expect(await failExpiredJobs(t.db, ["test"], now)).toEqual([]);
    expect((await failExpiredJobs(t.db, ["test"], minutesFrom(now, 1))).map((j) => j.id)).toEqual([job.id]);
    expect(await getJob(t.db, job.id)).toMatchObject({ status: "failed", lastError: expect.stringContaining("lease expired") });
    expect(await failExpiredJobs(t.db, ["test"], minutesFrom(now, 2))).toEqual([]);
  });

  it("never runs two jobs with the same lock key at once", async () => {
    const first = await enqueueJob(t.db, { kind: "deploy", lockKey: "deploy:c1" });
    await enqueueJob(t.db, { kind: "deploy", lockKey: "deploy:c1" });
    const other = await enqueueJob(t.db, { kind: "deploy", lockKey: "deploy:c2" });
    expect((await claimJob(t.db, ["deploy"], "w1", 60_000))?.id).toBe(first.id);
    expect((await claimJob(t.db, ["deploy"], "w2", 60_000))?.id).toBe(other.id);
    expect(await claimJob(t.db, ["deploy"], "w3", 60_000)).toBeNull();
    await completeJob(t.db, first.id, "w1");
    expect(await claimJob(t.db, ["deploy"], "w3", 60_000)).not.toBeNull();
  });
});

describe("failJob", () => {
  it("queues the job again after a backoff while attempts remain, then fails it", async () => {
    const job = await enqueueJob(t.db, { kind: "test", maxAttempts: 2 });
    const now = new Date();
    await claimJob(t.db, ["test"], "w", 60_000, now);
    expect(await failJob(t.db, job.id, "w", "boom", { now })).toBe("queued");
    const queued = await getJob(t.db, job.id);
    expect(queued).toMatchObject({ status: "queued", lastError: "boom", leaseOwner: null });
    expect(queued!.runAfter.getTime()).toBeGreaterThan(now.getTime());
    expect(await claimJob(t.db, ["test"], "w", 60_000, now)).toBeNull();

    const later = minutesFrom(now, 1);
    await claimJob(t.db, ["test"], "w", 60_000, later);
    expect(await failJob(t.db, job.id, "w", "boom again", { now: later })).toBe("failed");
    expect(await getJob(t.db, job.id)).toMatchObject({ status: "failed", lastError: "boom again", attempts: 2 });
  });

  it("fails for good at once when told not to retry", async () => {
    const job = await enqueueJob(t.db, { kind: "test" });
    await claimJob(t.db, ["test"], "w", 60_000);
    expect(await failJob(t.db, job.id, "w", "invalid payload", { retry: false })).toBe("failed");
  });
});

describe("enqueueJob", () => {
  it("adds one live job when many enqueue the same dedupe key at once", async () => {
    for (let round = 0; round < 5; round++) {
      await t.db.job.deleteMany();
      const jobs = await Promise.all(Array.from({ length: 10 }, () => enqueueJob(t.db, { kind: "health", dedupeKey: "health:race" })));
      expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
      expect(await t.db.job.count({ where: { dedupeKey: "health:race" } })).toBe(1);
    }
  });

  it("refuses a second live job with the same dedupe key written past the repository", async () => {
    await enqueueJob(t.db, { kind: "health", dedupeKey: "health:direct" });
    await expect(t.db.job.create({ data: { kind: "health", dedupeKey: "health:direct" } })).rejects.toThrow();
    await t.db.job.create({ data: { kind: "health", dedupeKey: "health:direct", status: "done" } });
  });

  it("returns the pending job instead of adding a second one with the same dedupe key", async () => {
    const a = await enqueueJob(t.db, { kind: "health", dedupeKey: "health:c1" });
    const b = await enqueueJob(t.db, { kind: "health", dedupeKey: "health:c1" });
    expect(b.id).toBe(a.id);
    await claimJob(t.db, ["health"], "w", 1000);
    await completeJob(t.db, a.id, "w");
    expect((await enqueueJob(t.db, { kind: "health", dedupeKey: "health:c1" })).id).not.toBe(a.id);
  });
});
