"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { ErrorMessage } from "../../../components/error-message";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";
import type { RouterOutputs } from "../../../trpc/types";

type Workers = RouterOutputs["cluster"]["workers"];
type Worker = Workers["workers"][number];
type Plugin = Workers["plugins"][number];

const CONNECTOR_TYPES = new Set(["source", "sink"]);

const OK = "text-green-800 dark:text-green-300";
const WARN = "text-amber-800 dark:text-amber-300";
const BAD = "text-red-800 dark:text-red-300";

function WorkerStatus({ worker }: { worker: Worker }) {
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

function Health({ health }: { health: Worker["health"] }) {
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

function shortClass(cls: string): string {
  return cls.slice(cls.lastIndexOf(".") + 1);
}

function Versions({ plugin }: { plugin: Plugin }) {
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

function PluginStatus({ plugin }: { plugin: Plugin }) {
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

/** What `connector.plugin.version` will do on this cluster, in one sentence. */
function pinningNote(data: Workers): string {
  const answered = data.workers.filter((w) => w.version !== null);
  if (answered.length === 0) return "No worker answered, so whether plugin versions can be pinned is unknown.";
  if (data.pinningSupported) return "Every worker that answered runs Kafka 4.1 or newer: connectors may pin plugin versions (connector.plugin.version, KIP-891).";
  const old = answered.filter((w) => w.supportsPluginVersions !== true).map((w) => `${w.url} runs ${w.version ?? "an unknown version"}`);
  return `Pinning plugin versions (connector.plugin.version) needs Kafka 4.1 or newer on every worker; ${old.join(", ")}. Changes that pin a version are refused.`;
}

/** Each worker of a cluster (version, health, plugins) and each plugin across the workers. */
export function ClusterWorkers({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.cluster.workers.queryOptions({ id: clusterId }), refetchOnWindowFocus: false });
  const [allPlugins, setAllPlugins] = useState(false);
  const filterId = useId();

  if (query.isPending) {
    return (
      <p role="status" aria-busy="true" className="text-sm text-zinc-600 dark:text-zinc-400">
        Reading each worker…
      </p>
    );
  }
  if (query.isError) return <ErrorMessage error={query.error} />;
  const data = query.data;
  const reachable = data.workers.filter((w) => w.version !== null).length;
  const plugins = allPlugins ? data.plugins : data.plugins.filter((p) => CONNECTOR_TYPES.has(p.type));
  const flagged = data.plugins.filter((p) => !p.onAllWorkers || !p.sameVersionEverywhere).length;

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="workers-title" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="workers-title" className="text-lg font-semibold">
            Workers
          </h2>
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            {reachable} of {data.workers.length} answered · checked <RelativeTime value={data.checkedAt} />
          </span>
          <Button onClick={() => void query.refetch()} loading={query.isFetching} className="ml-auto">
            Check again
          </Button>
        </div>
        <p className={`text-sm ${data.pinningSupported ? "" : WARN}`}>{pinningNote(data)}</p>
        <DataTable caption="Workers of this cluster">
          <DataTableHead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Status</th>
              <th scope="col">Kafka version</th>
              <th scope="col">Commit</th>
              <th scope="col">Health</th>
              <th scope="col">Plugins</th>
            </tr>
          </DataTableHead>
          <tbody>
            {data.workers.map((w, i) => (
              <tr key={`${w.url}-${i}`}>
                <th scope="row" className="font-mono font-normal">
                  {w.url}
                </th>
                <td>
                  <WorkerStatus worker={w} />
                </td>
                <td className="font-mono">{w.version ?? "—"}</td>
                <td className="font-mono text-xs">{w.commit ?? "—"}</td>
                <td>
                  <Health health={w.health} />
                </td>
                <td>{w.pluginsListed ? w.plugins.length : "not read"}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      </section>

      <section aria-labelledby="plugins-title" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="plugins-title" className="text-lg font-semibold">
            Plugins
          </h2>
          <span className={`text-sm ${flagged > 0 ? WARN : "text-zinc-600 dark:text-zinc-400"}`}>
            {flagged === 0 ? "Every plugin is on every worker that answered, in one version." : `${flagged} ${flagged === 1 ? "plugin is" : "plugins are"} missing on a worker or differ in version.`}
          </span>
          <label htmlFor={filterId} className="ml-auto flex items-center gap-2 text-sm">
            <input id={filterId} type="checkbox" checked={allPlugins} onChange={(e) => setAllPlugins(e.target.checked)} />
            Show converters, transformations and predicates too
          </label>
        </div>
        {plugins.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No worker listed its plugins: check the workers above, then check again.</p>
        ) : (
          <DataTable caption="Plugins across the workers">
            <DataTableHead>
              <tr>
                <th scope="col">Plugin</th>
                <th scope="col">Type</th>
                <th scope="col">Version</th>
                <th scope="col">Across workers</th>
              </tr>
            </DataTableHead>
            <tbody>
              {plugins.map((p) => (
                <tr key={`${p.type}:${p.class}`}>
                  <th scope="row" className="font-normal">
                    <span className="font-medium">{shortClass(p.class)}</span>
                    <span className="block font-mono text-xs text-zinc-600 dark:text-zinc-400">{p.class}</span>
                  </th>
                  <td>{p.type}</td>
                  <td>
                    <Versions plugin={p} />
                  </td>
                  <td>
                    <PluginStatus plugin={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </section>
    </div>
  );
}
