import { DataTable, DataTableHead } from "./data-table";
import type { DeploymentReport } from "./deployment-report";
import { StateBadge } from "./state-badge";

/** Each failure of a deploy with its connector's tasks and their traces. */
export function DeploymentFailures({ report }: { report: DeploymentReport }) {
  return (
    <ul className="flex flex-col gap-2 text-sm">
      {report.failures.map((f, i) => {
        const outcome = report.connectors.find((c) => c.name === f.name);
        return (
          <li key={`${f.name}-${i}`} className="rounded border border-red-300 p-2 dark:border-red-800">
            <p>
              <span className="font-mono">{f.name}</span> ({f.kind}): {f.error}
            </p>
            {outcome?.tasks.map((t) => (
              <div key={t.id} className="mt-1">
                Task {t.id} <StateBadge state={t.state} />
                {t.trace && (
                  <details className="ml-4">
                    <summary className="cursor-pointer font-mono text-xs">{t.trace.split("\n")[0]}</summary>
                    <pre className="mt-1 max-h-96 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{t.trace}</pre>
                  </details>
                )}
              </div>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

/** What each connector ended as, against what the plan expected. */
export function DeploymentOutcomes({ connectors }: { connectors: DeploymentReport["connectors"] }) {
  return (
    <DataTable caption="Each connector's result against the plan">
      <DataTableHead>
        <tr>
          <th scope="col">Connector</th>
          <th scope="col">Actions</th>
          <th scope="col">Expected</th>
          <th scope="col">Observed</th>
          <th scope="col">Result</th>
        </tr>
      </DataTableHead>
      <tbody>
        {connectors.map((c) => (
          <tr key={c.name} className="align-top">
            <th scope="row" className="font-mono font-normal">
              {c.name}
            </th>
            <td>{c.actions.join(", ") || "—"}</td>
            <td>{c.expected ?? "—"}</td>
            <td>{c.observed ? <StateBadge state={c.observed} /> : "—"}</td>
            <td>{c.ok ? "ok" : <span className="text-red-800 dark:text-red-300">not ok{c.reason ? `: ${c.reason}` : ""}</span>}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
