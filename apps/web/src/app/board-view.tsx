"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Pagination } from "../components/pagination";
import { useTRPC } from "../trpc/react";
import type { RouterOutputs } from "../trpc/types";
import { BoardFiltersForm } from "./board-filters-form";
import { CountChips } from "./board-count-chips";
import { DriftChip } from "./board-drift-chip";
import { UpdatedAgo, useLiveBoard } from "./board-live";
import { boardQueryString, PAGE_SIZES, parseBoardFilters, type BoardFilters } from "./board-params";
import { BoardTable } from "./board-table";
import { BulkActionBar } from "./bulk-action-bar";

type BoardData = RouterOutputs["connector"]["board"];
type Option = { id: string; name: string };

/** The ownership/health board: filters in the URL, server-side paging, live updates over server-sent events (polling every 5 s without them). */
export function BoardView({ initial, initialFilters, teams, clusters }: { initial: BoardData | null; initialFilters: BoardFilters; teams: Option[]; clusters: Option[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [, startTransition] = useTransition();
  const filters = parseBoardFilters(searchParams);

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

  const data = query.data;
  const hasFilters = Boolean(filters.state || filters.teamId || filters.clusterId || filters.search || filters.mine || filters.labels || filters.drifted);
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <section aria-labelledby="board-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="board-title" className="text-xl font-semibold">
          Board
        </h1>
        <UpdatedAgo at={query.dataUpdatedAt} fetching={query.isFetching} live={live} />
      </div>

      <CountChips counts={data?.counts} active={filters.state} onPick={(state) => navigate({ state })} />
      <DriftChip count={data?.drifted} active={Boolean(filters.drifted)} onToggle={() => navigate({ drifted: filters.drifted ? undefined : true })} />

      <BoardFiltersForm filters={filters} teams={teams} clusters={clusters} navigate={navigate} />

      <BulkActionBar filters={filters} />

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
          <BoardTable
            data={data}
            filters={filters}
            pageCount={pageCount}
            loading={query.isLoading}
            failed={query.isError}
            onSort={(next) => navigate({ sort: next.column === "severity" && next.direction === "desc" ? undefined : next }, false)}
            onPickLabel={(label) => navigate({ labels: [...new Set([...(filters.labels ?? []), label])] })}
          />
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
