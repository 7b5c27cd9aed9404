/** Small measuring helpers shared by the benchmarks. */

/** Median, p95 and max of a list of durations in ms, with the runs themselves. */
export function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), maxMs: s.at(-1)!, runs: xs };
}

/** Polls `check` until it returns a value (not undefined), or throws naming `what` after the timeout. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, everyMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`bench: no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
