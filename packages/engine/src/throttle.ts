/**
 * How fast an apply touches the cluster, and when it gives up: at most `concurrency` connectors in
 * flight, at most `ratePerSecond` connectors started per second, and a halt after
 * `haltAfterFailures` failed steps, leaving every connector not yet started untouched.
 *
 * p-queue does the bounding and the rate (a sliding window, so no burst at window edges); p-limit,
 * used elsewhere in the engine, has no rate, and bottleneck has had no release for years.
 */
import PQueue from "p-queue";

export type ThrottleOptions = {
  /** Connectors in flight at once. Default 8. */
  concurrency?: number;
  /** Connectors started per second; undefined: as fast as the concurrency allows. */
  ratePerSecond?: number;
  /** Stop starting connectors once this many steps failed; undefined: never. */
  haltAfterFailures?: number;
};

export type StepQueue = {
  /** Queues work on one connector (a group of steps); dropped unstarted if the queue halts first. */
  add(work: () => Promise<void>): void;
  /** Counts a failed step; the count reaching the bound halts the queue. */
  recordFailure(): void;
  /** Resolves once every started work has ended (queued work is dropped after a halt). */
  drained(): Promise<void>;
  readonly halted: boolean;
  readonly failures: number;
};

export function createStepQueue(opts: ThrottleOptions): StepQueue {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 8));
  const rate = opts.ratePerSecond !== undefined && opts.ratePerSecond > 0 && Number.isFinite(opts.ratePerSecond) ? opts.ratePerSecond : undefined;
  // One start per 1000/rate ms: evenly spread rather than a burst of `rate` at the top of each second.
  const queue = new PQueue(rate === undefined ? { concurrency } : { concurrency, intervalCap: 1, interval: 1000 / rate, strict: true });
  const haltAt = opts.haltAfterFailures !== undefined && opts.haltAfterFailures > 0 ? Math.floor(opts.haltAfterFailures) : undefined;
  let failures = 0;
  let halted = false;
  return {
    add(work) {
      // Work never rejects (steps catch their errors); the catch keeps a bug from becoming an unhandled rejection.
      void queue.add(work).catch(() => undefined);
    },
    recordFailure() {
      failures += 1;
      if (haltAt !== undefined && failures >= haltAt && !halted) {
        halted = true;
        queue.clear();
      }
    },
    async drained() {
      await queue.onIdle();
    },
    get halted() {
      return halted;
    },
    get failures() {
      return failures;
    },
  };
}
