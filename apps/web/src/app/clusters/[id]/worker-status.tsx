"use client";

import { BAD, OK, WARN, type Plugin, type Worker } from "./workers-report";

/** Whether a worker answered, and if it did, whether its answer could be read. */
export function WorkerStatus({ worker }: { worker: Worker }) {
  if (!worker.reachable) {
    return (
      <span className={BAD}>
        <span aria-hidden="true">✕ </span>Unreachable: {worker.error ?? "no answer"}
      </span>
    );
  }
  if (worker.version === null) {
    return (
      <span className={BAD}>
        <span aria-hidden="true">✕ </span>Answered, not read: {worker.error ?? "unknown answer"}
      </span>
    );
  }
  return (
    <span className={OK}>
      <span aria-hidden="true">● </span>Reachable
    </span>
  );
}

/** A worker's health check, with its message. */
export function Health({ health }: { health: Worker["health"] }) {
  if (!health) return <span className="text-zinc-500">—</span>;
  const style = health.healthy ? OK : health.status === "unknown" ? "text-zinc-600 dark:text-zinc-400" : BAD;
  return (
    <span className={style} title={health.message || undefined}>
      <span aria-hidden="true">{health.healthy ? "● " : health.status === "unknown" ? "? " : "✕ "}</span>
      {health.status}
      {health.message && <span className="block text-xs text-zinc-600 dark:text-zinc-400">{health.message}</span>}
    </span>
  );
}

/** The plugin's version, or the versions per worker when they differ. */
export function Versions({ plugin }: { plugin: Plugin }) {
  const entries = Object.entries(plugin.versions);
  if (plugin.sameVersionEverywhere && entries.length > 0) return <span className="font-mono">{entries[0]?.[1].join(", ")}</span>;
  return (
    <ul className="font-mono text-xs">
      {entries.map(([url, versions]) => (
        <li key={url}>
          {versions.join(", ")} <span className="text-zinc-600 dark:text-zinc-400">on {url}</span>
        </li>
      ))}
    </ul>
  );
}

/** Whether the plugin is on every worker, in one version. */
export function PluginStatus({ plugin }: { plugin: Plugin }) {
  if (!plugin.onAllWorkers) {
    return (
      <span className={WARN}>
        <span aria-hidden="true">▲ </span>Missing on {plugin.missingOn.join(", ")}
      </span>
    );
  }
  if (!plugin.sameVersionEverywhere) {
    return (
      <span className={WARN}>
        <span aria-hidden="true">▲ </span>Versions differ
      </span>
    );
  }
  return (
    <span className={OK}>
      <span aria-hidden="true">● </span>On every worker
    </span>
  );
}
