import { DataTable, DataTableHead } from "./data-table";
import type { DeploymentReport } from "./deployment-report";

type Move = NonNullable<DeploymentReport["moves"]>[number];

/** A move to another cluster as its deployment reported it: the steps and the final state on each of the two clusters. */
export function MoveReportView({ move }: { move: Move }) {
  const rows = [
    { role: "From", cluster: move.from.name, side: move.source },
    { role: "To", cluster: move.to.name, side: move.target },
  ];
  return (
    <div className="flex flex-col gap-1">
      <p className={move.ok ? "text-sm text-green-800 dark:text-green-300" : "text-sm font-medium text-red-800 dark:text-red-300"}>
        {move.ok
          ? `Moved from ${move.from.name} to ${move.to.name}${move.offsets === null ? "" : ` with the offsets of ${move.offsets} ${move.offsets === 1 ? "partition" : "partitions"}`}.`
          : `Not moved: ${move.error ?? "unknown"}`}
      </p>
      <DataTable caption={`Move of ${move.name}: what happened on each cluster`}>
        <DataTableHead>
          <tr>
            <th scope="col"> </th>
            <th scope="col">Cluster</th>
            <th scope="col">Steps</th>
            <th scope="col">Now</th>
          </tr>
        </DataTableHead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.role}>
              <th scope="row">{r.role}</th>
              <td>{r.cluster}</td>
              <td>
                <ol className="flex flex-wrap gap-x-3 gap-y-1">
                  {r.side.steps.map((s, i) => (
                    <li key={`${s.step}-${i}`} className={s.ok ? "" : "text-red-800 dark:text-red-300"} title={s.detail}>
                      <span aria-hidden="true">{s.ok ? "✓ " : "✕ "}</span>
                      {s.step}
                      <span className="sr-only">{s.ok ? " done" : " failed"}</span>
                      {s.detail && !s.ok ? `: ${s.detail}` : ""}
                    </li>
                  ))}
                </ol>
              </td>
              <td className="font-mono">{r.side.final}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
    </div>
  );
}
