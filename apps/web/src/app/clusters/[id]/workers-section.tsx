"use client";

import { Button } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { RelativeTime } from "../../../components/relative-time";
import { Health, WorkerStatus } from "./worker-status";
import { pinningNote, WARN, type Workers } from "./workers-report";

type WorkersSectionProps = {
  data: Workers;
  reachable: number;
  onRefetch: () => void;
  fetching: boolean;
};

/** The cluster's workers: version, commit, health and how many plugins each lists. */
export function WorkersSection({ data, reachable, onRefetch, fetching }: WorkersSectionProps) {
  return (
    <section aria-labelledby="workers-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="workers-title" className="text-lg font-semibold">
          Workers
        </h2>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          {reachable} of {data.workers.length} answered · checked <RelativeTime value={data.checkedAt} />
        </span>
        <Button onClick={onRefetch} loading={fetching} className="ml-auto">
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
  );
}
