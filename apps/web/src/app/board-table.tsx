"use client";

import Link from "next/link";
import { LabelChips } from "../components/label-chips";
import { DataTable, DataTableHead, SortableHeader, type SortState } from "../components/data-table";
import { DriftedBadge } from "../components/drifted-badge";
import { RelativeTime } from "../components/relative-time";
import { StateBadge } from "../components/state-badge";
import type { RouterOutputs } from "../trpc/types";
import type { BoardFilters, SortColumn } from "./board-params";

type BoardData = RouterOutputs["connector"]["board"];
type BoardItem = BoardData["items"][number];

function VersionCell({ row }: { row: BoardItem }) {
  if (row.deployedVersion === null) return <span title="Never deployed">v{row.version} · not deployed</span>;
  if (row.deployedVersion === row.version) return <span>v{row.version}</span>;
  return (
    <span title={`Version ${row.version} is stored; version ${row.deployedVersion} runs on the cluster`} className="text-amber-800 dark:text-amber-300">
      v{row.version} · v{row.deployedVersion} deployed
    </span>
  );
}

function BoardRowView({ row, onPickLabel }: { row: BoardItem; onPickLabel: (label: string) => void }) {
  return (
    <tr className="hover:bg-zinc-50 dark:hover:bg-zinc-900">
      <td className="font-medium">
        <Link href={`/connectors/${row.id}`} className="rounded text-blue-800 hover:underline dark:text-blue-300">
          {row.name}
        </Link>
        <div className="max-w-xs truncate text-xs text-zinc-500 dark:text-zinc-400" title={row.connectorClass}>
          {row.connectorClass.split(".").pop()}
        </div>
        <LabelChips labels={row.labels} onPick={onPickLabel} />
      </td>
      <td>{row.team.name}</td>
      <td>
        {row.cluster.name} <span className="text-xs text-zinc-500 dark:text-zinc-400">{row.cluster.environment}</span>
      </td>
      <td>
        {row.state === "UNKNOWN" ? <span className="text-xs text-zinc-600 dark:text-zinc-400">not observed yet</span> : <StateBadge state={row.state} />}
        {row.driftedAt && (
          <span className="ml-1">
            <DriftedBadge />
          </span>
        )}
      </td>
      <td className="tabular-nums">
        {row.tasksTotal === 0 && row.state === "UNKNOWN" ? "—" : `${row.tasksRunning}/${row.tasksTotal}`}
        {row.tasksFailed > 0 && <span className="ml-1 text-xs text-red-700 dark:text-red-400">({row.tasksFailed} failed)</span>}
      </td>
      <td>
        {row.lastFailureAt ? (
          <span title={row.lastFailureLine ?? undefined} className="inline-flex max-w-56 flex-col">
            <RelativeTime value={row.lastFailureAt} />
            {row.lastFailureLine && <span className="truncate text-xs text-zinc-500 dark:text-zinc-400">{row.lastFailureLine}</span>}
          </span>
        ) : (
          <span className="text-zinc-400">—</span>
        )}
      </td>
      <td className="text-xs">{row.desiredState}</td>
      <td className="text-xs whitespace-nowrap">
        <VersionCell row={row} />
      </td>
    </tr>
  );
}

const COLUMNS: { column: SortColumn; label: string }[] = [
  { column: "name", label: "Name" },
  { column: "team", label: "Team" },
  { column: "cluster", label: "Cluster" },
  { column: "severity", label: "State" },
  { column: "tasks", label: "Tasks" },
  { column: "lastFailure", label: "Last failure" },
  { column: "desiredState", label: "Desired" },
  { column: "version", label: "Version" },
];

export type BoardTableProps = {
  data: BoardData | undefined;
  filters: BoardFilters;
  pageCount: number;
  loading: boolean;
  failed: boolean;
  onSort: (next: SortState<SortColumn>) => void;
  /** A label chip was clicked: filter by it. */
  onPickLabel: (label: string) => void;
};

/** One page of the board, grouped by team or cluster when the filters ask for it. */
export function BoardTable({ data, filters, pageCount, loading, failed, onSort, onPickLabel }: BoardTableProps) {
  const sort: SortState<SortColumn> = filters.sort ?? { column: "severity", direction: "desc" };
  const groups: { key: string; label: string; rows: BoardItem[] }[] = [];
  for (const row of data?.items ?? []) {
    const key = filters.groupBy === "team" ? row.team.id : filters.groupBy === "cluster" ? row.cluster.id : "all";
    const label = filters.groupBy === "team" ? `Team ${row.team.name}` : filters.groupBy === "cluster" ? `Cluster ${row.cluster.name} (${row.cluster.environment})` : "";
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.rows.push(row);
    else groups.push({ key, label, rows: [row] });
  }
  return (
    <DataTable caption={`Connectors, page ${filters.page} of ${pageCount}`} aria-busy={loading || undefined}>
      <DataTableHead>
        <tr>
          {COLUMNS.map((c) => (
            <SortableHeader key={c.column} column={c.column} label={c.label} sort={sort} onSort={onSort} />
          ))}
        </tr>
      </DataTableHead>
      {!data ? (
        <tbody>
          <tr>
            <td colSpan={COLUMNS.length} className="py-8 text-center text-zinc-500">
              {failed ? "Could not load the board." : "Loading connectors…"}
            </td>
          </tr>
        </tbody>
      ) : (
        groups.map((g) => (
          <tbody key={g.key}>
            {filters.groupBy && (
              <tr className="bg-zinc-100 dark:bg-zinc-900">
                <th scope="rowgroup" colSpan={COLUMNS.length} className="text-left text-xs font-semibold tracking-wide uppercase">
                  {g.label} <span className="font-normal text-zinc-500">· {g.rows.length} on this page</span>
                </th>
              </tr>
            )}
            {g.rows.map((row) => (
              <BoardRowView key={row.id} row={row} onPickLabel={onPickLabel} />
            ))}
          </tbody>
        ))
      )}
    </DataTable>
  );
}
