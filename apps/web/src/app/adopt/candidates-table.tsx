import { DataTable, DataTableHead } from "../../components/data-table";
import { inputClasses } from "../../components/field";
import { StateBadge } from "../../components/state-badge";
import type { RouterOutputs } from "../../trpc/types";

type Candidate = Extract<RouterOutputs["adopt"]["listCandidates"], { ok: true }>["candidates"][number];
type Option = { id: string; name: string };

export type CandidatesTableProps = {
  clusterName: string;
  candidates: Candidate[];
  teams: Option[];
  /** The owner team picked for each connector, by name ("" leaves it unmanaged). */
  owners: Record<string, string>;
  onPickOwner: (name: string, teamId: string) => void;
  canAdopt: boolean;
};

/** The unmanaged connectors on a cluster, each with a picker for the team that will own it. */
export function CandidatesTable({ clusterName, candidates, teams, owners, onPickOwner, canAdopt }: CandidatesTableProps) {
  return (
    <DataTable caption={`Unmanaged connectors on ${clusterName}`}>
      <DataTableHead>
        <tr>
          <th scope="col">Connector</th>
          <th scope="col">Class</th>
          <th scope="col">State</th>
          <th scope="col">Tasks</th>
          <th scope="col">Topics</th>
          <th scope="col">Owner team</th>
        </tr>
      </DataTableHead>
      <tbody>
        {candidates.map((c) => (
          <tr key={c.name}>
            <td className="font-mono">
              {c.name}
              {c.stampedId && <span className="block text-xs text-zinc-500">stamped id {c.stampedId} (kept)</span>}
            </td>
            <td className="font-mono text-xs break-all">{c.connectorClass ?? "—"}</td>
            <td>
              <StateBadge state={c.state} />
            </td>
            <td className="tabular-nums">
              {c.tasksRunning}/{c.tasksTotal}
            </td>
            <td className="font-mono text-xs">{c.topics ?? "—"}</td>
            <td>
              <select
                aria-label={`Owner team of ${c.name}`}
                value={owners[c.name] ?? ""}
                disabled={!canAdopt}
                onChange={(e) => onPickOwner(c.name, e.target.value)}
                className={`${inputClasses} w-auto`}
              >
                <option value="">Leave unmanaged</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
