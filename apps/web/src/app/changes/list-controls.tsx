"use client";

import { useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { Pagination } from "../../components/pagination";
import { listHref, type ListFilters } from "./list-params";

/** The cluster filter: changing it navigates (the URL holds the filter). */
export function ClusterFilter({ filters, clusters }: { filters: ListFilters; clusters: Array<{ id: string; name: string }> }) {
  const router = useRouter();
  const id = useId();
  const [pending, startTransition] = useTransition();
  return (
    <span className="flex items-center gap-2 text-sm">
      <label htmlFor={id}>Cluster</label>
      <select
        id={id}
        value={filters.clusterId}
        aria-busy={pending || undefined}
        onChange={(e) => startTransition(() => router.push(listHref(filters, { clusterId: e.target.value })))}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 dark:border-zinc-600 dark:bg-zinc-900"
      >
        <option value="">All clusters</option>
        {clusters.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </span>
  );
}

export function ListPagination({ filters, pageCount, pageSize }: { filters: ListFilters; pageCount: number; pageSize: number }) {
  const router = useRouter();
  return <Pagination page={filters.page} pageCount={pageCount} pageSize={pageSize} onPageChange={(page) => router.push(listHref(filters, { page }))} />;
}
