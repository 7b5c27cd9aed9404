import type { BoardBus } from "./board-bus";

/** Resolves with the next `count` changes a listener hears, or rejects after `ms`. */
export function nextChanges(bus: BoardBus, count: number, ms = 5000): Promise<(string | null)[]> {
  return new Promise((resolve, reject) => {
    const seen: (string | null)[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`heard ${JSON.stringify(seen)}, expected ${count} changes`));
    }, ms);
    const stop = bus.subscribe((id) => {
      seen.push(id);
      if (seen.length === count) {
        clearTimeout(timer);
        stop();
        resolve(seen);
      }
    });
  });
}
