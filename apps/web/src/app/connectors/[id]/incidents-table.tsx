import { DataTable, DataTableHead } from "../../../components/data-table";
import { RelativeTime } from "../../../components/relative-time";
import type { RouterOutputs } from "../../../trpc/types";

type Incident = RouterOutputs["connector"]["byId"]["incidents"][number];

/** The connector's failures and drifts, newest first: when each opened and closed, the auto-restarts it took, its trace (for a drift: what drifted). */
export function IncidentsTable({ incidents }: { incidents: Incident[] }) {
  if (incidents.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No incidents: this connector has not failed since Switchboard has been watching it.</p>;
  }
  return (
    <DataTable caption="Incidents, newest first">
      <DataTableHead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Kind</th>
          <th scope="col">Opened</th>
          <th scope="col">Closed</th>
          <th scope="col">Auto-restarts</th>
          <th scope="col">Trace</th>
        </tr>
      </DataTableHead>
      <tbody>
        {incidents.map((i) => (
          <tr key={i.id}>
            <td>
              {i.state === "open" ? (
                <span className="rounded border border-red-700/40 bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-900 dark:bg-red-950 dark:text-red-200">✕ open</span>
              ) : (
                <span className="rounded border border-zinc-500/40 px-1.5 py-0.5 text-xs text-zinc-700 dark:text-zinc-300">✓ closed</span>
              )}
            </td>
            <td className="text-xs">{i.kind === "drift" ? "drift" : "failure"}</td>
            <td>
              <RelativeTime value={i.openedAt} />
            </td>
            <td>{i.closedAt ? <RelativeTime value={i.closedAt} /> : "—"}</td>
            <td className="tabular-nums">{i.restartAttempts}</td>
            <td className="max-w-md">
              {i.trace ? (
                <details>
                  <summary className="cursor-pointer truncate font-mono text-xs">{i.traceLine}</summary>
                  <pre className="mt-1 max-h-72 overflow-auto text-xs whitespace-pre">{i.trace}</pre>
                </details>
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
