"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../trpc/react";
import { ErrorMessage } from "./error-message";
import { inputClasses } from "./field";
import { useDebouncedValue } from "./use-debounced-value";

/** Search and pick a connector of the cluster (owners see their teams' connectors). */
export function ConnectorPicker({ clusterId, mineOnly, onPick, label }: { clusterId: string; mineOnly: boolean; label: string; onPick: (c: { id: string; name: string }) => void }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search, 250);
  const listId = useId();
  const query = useQuery({
    ...trpc.connector.board.queryOptions({ clusterId, search: debounced || undefined, pageSize: 20, mine: mineOnly || undefined, sort: { column: "name", direction: "asc" } }),
    enabled: clusterId !== "",
  });
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${listId}-search`} className="text-sm font-medium">
        {label}
      </label>
      <input id={`${listId}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search by name, class or topic" className={inputClasses} />
      {query.error && <ErrorMessage error={query.error} />}
      <ul aria-label="Connectors" className="max-h-56 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        {query.isLoading && <li className="px-3 py-2 text-sm text-zinc-500">Loading connectors…</li>}
        {query.data?.items.length === 0 && <li className="px-3 py-2 text-sm text-zinc-600 dark:text-zinc-400">No connector matches{mineOnly ? " among your teams' connectors" : ""}.</li>}
        {query.data?.items.map((c) => (
          <li key={c.id} className="border-t border-zinc-100 first:border-t-0 dark:border-zinc-800">
            <button type="button" onClick={() => onPick({ id: c.id, name: c.name })} className="flex w-full items-center justify-between gap-3 px-3 py-1.5 text-left text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-600 dark:hover:bg-zinc-800">
              <span className="font-mono">{c.name}</span>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                {c.team.name} · {c.desiredState} · v{c.version}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
