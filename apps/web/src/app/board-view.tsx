"use client";

import type { AppRouter } from "@switchboard/api/root";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import superjson from "superjson";
import { buttonClasses } from "../components/button";
import { DataTable, DataTableHead, SortableHeader, type SortState } from "../components/data-table";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { inputClasses } from "../components/field";
import { Pagination } from "../components/pagination";
import { RelativeTime } from "../components/relative-time";
import { StateBadge } from "../components/state-badge";
import { useTRPC } from "../trpc/react";
import { BOARD_STATES, boardQueryString, PAGE_SIZES, parseBoardFilters, type BoardFilters, type BoardStateFilter, type SortColumn } from "./board-params";

type Outputs = inferRouterOutputs<AppRouter>;
export type BoardData = Outputs["connector"]["board"];
type BoardItem = BoardData["items"][number];
type Option = { id: string; name: string };

// States whose chip shows even at zero; the rarer ones appear only when something is in them.
const ALWAYS_SHOWN: ReadonlySet<BoardStateFilter> = new Set(["RUNNING", "DEGRADED", "FAILED", "PAUSED", "STOPPED"]);

const selectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900";

/** Seconds since `since`, ticking every second. */
function useSecondsSince(since: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.round((now - since) / 1000));
}

function UpdatedAgo({ at, fetching, live }: { at: number; fetching: boolean; live: boolean }) {
  const seconds = useSecondsSince(at);
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="off">
      <span title={live ? "Changes appear as they happen" : "Live updates unavailable: checking every 5 s"}>{live ? "Live" : "Every 5 s"}</span>
      {" · "}
      {at === 0 ? "Loading…" : `Updated ${seconds < 2 ? "just now" : `${seconds} s ago`}`}
      {fetching && at !== 0 && <span className="ml-1">· refreshing</span>}
    </p>
  );
}

/**
 * Keeps the board page `filters` names live: the server pushes the page itself over server-sent
 * events (at once, then after each change) and it replaces the query's data, with no request of
 * ours. A change of filters reopens the stream with the new query. Returns whether the stream is
 * open: while it is not, the caller polls. EventSource reconnects by itself, except after a
 * refusal (401), when polling shows the sign-in error.
 */
function useLiveBoard(filters: BoardFilters, onPage: (page: BoardData) => void): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef(onPage);
  latest.current = onPage;
  const input = JSON.stringify(filters);
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(`/api/board/events?input=${encodeURIComponent(input)}`);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.addEventListener("board", (event) => latest.current(superjson.parse<BoardData>((event as MessageEvent<string>).data)));
    return () => {
      source.close();
      setLive(false);
    };
  }, [input]);
  return live;
}

function stateLabel(state: BoardStateFilter): string {
  return state === "UNKNOWN" ? "NOT OBSERVED" : state;
}

function CountChips({ counts, active, onPick }: { counts: BoardData["counts"] | undefined; active: BoardStateFilter | undefined; onPick: (s: BoardStateFilter | undefined) => void }) {
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  const chip = (pressed: boolean) =>
    `inline-flex items-center gap-2 rounded-full border px-3 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-blue-600 ${
      pressed ? "border-blue-700 bg-blue-50 text-blue-900 dark:border-blue-400 dark:bg-blue-950 dark:text-blue-100" : "border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
    }`;
  return (
    <div role="group" aria-label="Filter by state" className="flex flex-wrap gap-2">
      <button type="button" aria-pressed={active === undefined} onClick={() => onPick(undefined)} className={chip(active === undefined)}>
        All <span className="tabular-nums">{total}</span>
      </button>
      {BOARD_STATES.filter((s) => ALWAYS_SHOWN.has(s) || (counts?.[s] ?? 0) > 0 || active === s).map((s) => (
        <button key={s} type="button" aria-pressed={active === s} onClick={() => onPick(active === s ? undefined : s)} className={chip(active === s)}>
          {s === "UNKNOWN" ? <span>{stateLabel(s)}</span> : <StateBadge state={s} />}
          <span className="tabular-nums">{counts?.[s] ?? 0}</span>
        </button>
      ))}
    </div>
  );
}

function VersionCell({ row }: { row: BoardItem }) {
  if (row.deployedVersion === null) return <span title="Never deployed">v{row.version} · not deployed</span>;
  if (row.deployedVersion === row.version) return <span>v{row.version}</span>;
  return (
    <span title={`Version ${row.version} is stored; version ${row.deployedVersion} runs on the cluster`} className="text-amber-800 dark:text-amber-300">
      v{row.version} · v{row.deployedVersion} deployed
    </span>
  );
}

function BoardRowView({ row }: { row: BoardItem }) {
  return (
    <tr className="hover:bg-zinc-50 dark:hover:bg-zinc-900">
      <td className="font-medium">
        <Link href={`/connectors/${row.id}`} className="rounded text-blue-800 hover:underline dark:text-blue-300">
          {row.name}
        </Link>
        <div className="max-w-xs truncate text-xs text-zinc-500 dark:text-zinc-400" title={row.connectorClass}>
          {row.connectorClass.split(".").pop()}
        </div>
      </td>
      <td>{row.team.name}</td>
      <td>
        {row.cluster.name} <span className="text-xs text-zinc-500 dark:text-zinc-400">{row.cluster.environment}</span>
      </td>
      <td>{row.state === "UNKNOWN" ? <span className="text-xs text-zinc-600 dark:text-zinc-400">not observed yet</span> : <StateBadge state={row.state} />}</td>
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

/** The ownership/health board: filters in the URL, server-side paging, live updates over server-sent events (polling every 5 s without them). */
export function BoardView({ initial, initialFilters, teams, clusters }: { initial: BoardData | null; initialFilters: BoardFilters; teams: Option[]; clusters: Option[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [, startTransition] = useTransition();
  const filters = parseBoardFilters(searchParams);
  const searchRef = useRef<HTMLInputElement>(null);
  const [search, setSearch] = useState(filters.search ?? "");
  const ids = { search: useId(), team: useId(), cluster: useId(), group: useId() };

  const sameAsInitial = boardQueryString(filters) === boardQueryString(initialFilters);
  const queryClient = useQueryClient();
  const boardOptions = trpc.connector.board.queryOptions(filters);
  const live = useLiveBoard(filters, (page) => queryClient.setQueryData(boardOptions.queryKey, page));
  const query = useQuery({
    ...boardOptions,
    // Without the event stream, poll; the server answers 304 while the board is unchanged (ETag).
    // With it, the pushed pages keep the data fresh: no refetch on focus or remount either.
    refetchInterval: live ? false : 5000,
    staleTime: live ? Infinity : 0,
    placeholderData: keepPreviousData,
    initialData: sameAsInitial && initial ? initial : undefined,
    initialDataUpdatedAt: sameAsInitial && initial ? new Date(initial.generatedAt).getTime() : undefined,
  });

  const navigate = (next: Partial<BoardFilters>, resetPage = true) => {
    const merged: BoardFilters = { ...filters, ...next, ...(resetPage ? { page: 1 } : {}) };
    startTransition(() => router.replace(`${pathname}${boardQueryString(merged)}`, { scroll: false }));
  };

  // Typing updates the URL after a pause, not on every key.
  useEffect(() => {
    const value = search.trim() || undefined;
    if (value === filters.search) return;
    const timer = setTimeout(() => navigate({ search: value }), 250);
    return () => clearTimeout(timer);
    // Only a change of the typed text should schedule a navigation.
  }, [search]);

  // "/" focuses the search box, as on GitHub.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
      if (event.key === "/" && !typing && !event.metaKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const data = query.data;
  const sort: SortState<SortColumn> = filters.sort ?? { column: "severity", direction: "desc" };
  const hasFilters = Boolean(filters.state || filters.teamId || filters.clusterId || filters.search || filters.mine);
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  const groups: { key: string; label: string; rows: BoardItem[] }[] = [];
  for (const row of data?.items ?? []) {
    const key = filters.groupBy === "team" ? row.team.id : filters.groupBy === "cluster" ? row.cluster.id : "all";
    const label = filters.groupBy === "team" ? `Team ${row.team.name}` : filters.groupBy === "cluster" ? `Cluster ${row.cluster.name} (${row.cluster.environment})` : "";
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.rows.push(row);
    else groups.push({ key, label, rows: [row] });
  }

  return (
    <section aria-labelledby="board-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="board-title" className="text-xl font-semibold">
          Board
        </h1>
        <UpdatedAgo at={query.dataUpdatedAt} fetching={query.isFetching} live={live} />
      </div>

      <CountChips counts={data?.counts} active={filters.state} onPick={(state) => navigate({ state })} />

      <form role="search" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <label htmlFor={ids.search} className="text-sm font-medium">
            Search <span className="font-normal text-zinc-500 dark:text-zinc-400">(name, team, class, topic — press <kbd>/</kbd>)</span>
          </label>
          <input ref={searchRef} id={ids.search} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. payments.orders" className={inputClasses} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.team} className="text-sm font-medium">
            Team
          </label>
          <select id={ids.team} value={filters.teamId ?? ""} onChange={(e) => navigate({ teamId: e.target.value || undefined })} className={selectClasses}>
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.cluster} className="text-sm font-medium">
            Cluster
          </label>
          <select id={ids.cluster} value={filters.clusterId ?? ""} onChange={(e) => navigate({ clusterId: e.target.value || undefined })} className={selectClasses}>
            <option value="">All clusters</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.group} className="text-sm font-medium">
            Group by
          </label>
          <select id={ids.group} value={filters.groupBy ?? ""} onChange={(e) => navigate({ groupBy: (e.target.value || undefined) as BoardFilters["groupBy"] })} className={selectClasses}>
            <option value="">Nothing</option>
            <option value="team">Team</option>
            <option value="cluster">Cluster</option>
          </select>
        </div>
        <button type="button" aria-pressed={Boolean(filters.mine)} onClick={() => navigate({ mine: filters.mine ? undefined : true })} className={`${buttonClasses(filters.mine ? "primary" : "secondary")}`}>
          Mine
        </button>
        {hasFilters && (
          <button
            type="button"
            className={buttonClasses("secondary")}
            onClick={() => {
              setSearch("");
              navigate({ state: undefined, teamId: undefined, clusterId: undefined, search: undefined, mine: undefined });
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      <ErrorMessage error={query.error} />

      {data && data.total === 0 ? (
        hasFilters ? (
          <EmptyState title="No connectors match these filters">Change the search or clear the filters to see every connector.</EmptyState>
        ) : (
          <EmptyState title="No connectors yet" action={{ href: "/connectors/new", label: "Create a connector" }}>
            No connectors yet — create one or{" "}
            <Link href="/adopt" className="underline">
              adopt the ones already on your cluster
            </Link>
            .
          </EmptyState>
        )
      ) : (
        <>
          <DataTable caption={`Connectors, page ${filters.page} of ${pageCount}`} aria-busy={query.isLoading || undefined}>
            <DataTableHead>
              <tr>
                {COLUMNS.map((c) => (
                  <SortableHeader
                    key={c.column}
                    column={c.column}
                    label={c.label}
                    sort={sort}
                    onSort={(next) => navigate({ sort: next.column === "severity" && next.direction === "desc" ? undefined : next }, false)}
                  />
                ))}
              </tr>
            </DataTableHead>
            {!data ? (
              <tbody>
                <tr>
                  <td colSpan={COLUMNS.length} className="py-8 text-center text-zinc-500">
                    {query.isError ? "Could not load the board." : "Loading connectors…"}
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
                      <BoardRowView key={row.id} row={row} />
                    ))}
                  </tbody>
              ))
            )}
          </DataTable>
          {data && (
            <div className="flex flex-col gap-1">
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                {data.total} connector{data.total === 1 ? "" : "s"}
                {hasFilters ? " match" : ""}
              </p>
              <Pagination
                page={filters.page}
                pageCount={pageCount}
                pageSize={filters.pageSize}
                pageSizes={PAGE_SIZES}
                onPageChange={(page) => navigate({ page }, false)}
                onPageSizeChange={(pageSize) => navigate({ pageSize })}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}
