/** The workers report's types, its status colours and the sentences made from it. Pure, so it is unit-tested without a DOM. */
import type { RouterOutputs } from "../../../trpc/types";

export type Workers = RouterOutputs["cluster"]["workers"];
export type Worker = Workers["workers"][number];
export type Plugin = Workers["plugins"][number];

export const OK = "text-green-800 dark:text-green-300";
export const WARN = "text-amber-800 dark:text-amber-300";
export const BAD = "text-red-800 dark:text-red-300";

/** The class name without its package. */
export function shortClass(cls: string): string {
  return cls.slice(cls.lastIndexOf(".") + 1);
}

/** What `connector.plugin.version` will do on this cluster, in one sentence. */
export function pinningNote(data: Workers): string {
  const answered = data.workers.filter((w) => w.version !== null);
  if (answered.length === 0) return "No worker answered, so whether plugin versions can be pinned is unknown.";
  if (data.pinningSupported) return "Every worker that answered runs Kafka 4.1 or newer: connectors may pin plugin versions (connector.plugin.version, KIP-891).";
  const old = answered.filter((w) => w.supportsPluginVersions !== true).map((w) => `${w.url} runs ${w.version ?? "an unknown version"}`);
  return `Pinning plugin versions (connector.plugin.version) needs Kafka 4.1 or newer on every worker; ${old.join(", ")}. Changes that pin a version are refused.`;
}
