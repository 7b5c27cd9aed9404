"use client";

import { useEffect, useId, useRef, useState } from "react";
import { buttonClasses } from "../components/button";
import { inputClasses } from "../components/field";
import { BoardLabelFilter } from "./board-label-filter";
import type { BoardFilters } from "./board-params";

type Option = { id: string; name: string };

const selectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900";

export type BoardFiltersFormProps = {
  filters: BoardFilters;
  teams: Option[];
  clusters: Option[];
  navigate: (next: Partial<BoardFilters>) => void;
};

/** Search (typed text reaches the URL after a pause), team, cluster, grouping and "mine". */
export function BoardFiltersForm({ filters, teams, clusters, navigate }: BoardFiltersFormProps) {
  const searchRef = useRef<HTMLInputElement>(null);
  const [search, setSearch] = useState(filters.search ?? "");
  const ids = { search: useId(), team: useId(), cluster: useId(), group: useId() };
  const hasFilters = Boolean(filters.state || filters.teamId || filters.clusterId || filters.search || filters.mine || filters.labels || filters.drifted);

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

  return (
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
      <BoardLabelFilter labels={filters.labels ?? []} onChange={(labels) => navigate({ labels })} />
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
            navigate({ state: undefined, teamId: undefined, clusterId: undefined, search: undefined, mine: undefined, labels: undefined, drifted: undefined });
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
