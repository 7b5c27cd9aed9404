"use client";

import { DataTable, DataTableHead } from "../../../components/data-table";
import { PluginStatus, Versions } from "./worker-status";
import { shortClass, WARN, type Plugin } from "./workers-report";

type PluginsSectionProps = {
  plugins: Plugin[];
  /** How many plugins are missing on a worker or differ in version. */
  flagged: number;
  allPlugins: boolean;
  setAllPlugins: (all: boolean) => void;
  filterId: string;
};

/** Each plugin across the workers, connectors only unless all are asked for. */
export function PluginsSection({ plugins, flagged, allPlugins, setAllPlugins, filterId }: PluginsSectionProps) {
  return (
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
  );
}
