import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "../../components/button";
import { ChangeStatusBadge } from "../../components/change-status-badge";
import { DataTable, DataTableHead } from "../../components/data-table";
import { EmptyState } from "../../components/empty-state";
import { RelativeTime } from "../../components/relative-time";
import { requireSessionUser } from "../../server/auth";
import { api } from "../../trpc/server";
import { ExportStateButton } from "./export-state-button";
import { ClusterFilter, ListPagination } from "./list-controls";
import { listHref, parseListFilters, TABS, type Tab } from "./list-params";

export const metadata: Metadata = { title: "Change requests" };

const PAGE_SIZE = 25;

export default async function ChangesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireSessionUser();
  const filters = parseListFilters(await searchParams);
  const statuses = [...TABS[filters.tab].statuses];
  const [list, clusters] = await Promise.all([
    api.changeRequest.list({ status: statuses.length > 0 ? statuses : undefined, clusterId: filters.clusterId || undefined, mine: filters.mine || undefined, page: filters.page, pageSize: PAGE_SIZE }),
    api.cluster.list(),
  ]);
  const tabCount = (tab: Tab) => {
    const s: readonly string[] = TABS[tab].statuses;
    return Object.entries(list.counts).reduce((n, [status, count]) => (s.length === 0 || s.includes(status) ? n + count : n), 0);
  };
  const pageCount = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
  const exportCluster = clusters.find((c) => c.id === filters.clusterId) ?? (clusters.length === 1 ? clusters[0] : undefined);
  const canWrite = user.role !== "viewer";

  return (
    <section aria-labelledby="changes-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="changes-title" className="text-xl font-semibold">
          Change requests
        </h1>
        <div className="flex flex-wrap items-start gap-2">
          {exportCluster && <ExportStateButton clusterId={exportCluster.id} clusterName={exportCluster.name} />}
          {canWrite && (
            <Link href="/changes/import" className={buttonClasses("secondary")}>
              Import state file
            </Link>
          )}
          {canWrite && (
            <Link href="/changes/new" className={buttonClasses("primary")}>
              New change request
            </Link>
          )}
        </div>
      </div>

      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 dark:border-zinc-800">
        <nav aria-label="Status">
          <ul className="flex flex-wrap gap-1 text-sm">
            {(Object.keys(TABS) as Tab[]).map((tab) => {
              const current = tab === filters.tab;
              return (
                <li key={tab}>
                  <Link
                    href={listHref(filters, { tab })}
                    aria-current={current ? "page" : undefined}
                    className={`inline-flex items-center gap-2 border-b-2 px-3 py-2 ${current ? "border-blue-700 font-semibold dark:border-blue-400" : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"}`}
                  >
                    {TABS[tab].label}
                    <span className="rounded-full bg-zinc-100 px-2 text-xs tabular-nums dark:bg-zinc-800">{tabCount(tab)}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="flex flex-wrap items-center gap-3 pb-2">
          <ClusterFilter filters={filters} clusters={clusters.map((c) => ({ id: c.id, name: c.name }))} />
          <Link href={listHref(filters, { mine: !filters.mine })} aria-pressed={filters.mine} role="button" className={buttonClasses(filters.mine ? "primary" : "secondary")}>
            {filters.mine ? "✓ Mine" : "Mine"}
          </Link>
        </div>
      </div>

      {list.items.length === 0 ? (
        <EmptyState title={filters.tab === "open" ? "No open change requests" : "No change requests here"} action={canWrite ? { href: "/changes/new", label: "Propose a change" } : undefined}>
          {filters.mine || filters.clusterId ? "Nothing matches these filters; clear them to see more. " : ""}
          {canWrite ? "Changes to connectors go through a change request: propose one, get it reviewed, then deploy it." : "Owners propose changes here; you can read them once they exist."}
        </EmptyState>
      ) : (
        <>
          <DataTable caption="Change requests">
            <DataTableHead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Cluster</th>
                <th scope="col">Author</th>
                <th scope="col">Updated</th>
              </tr>
            </DataTableHead>
            <tbody>
              {list.items.map((cr) => (
                <tr key={cr.id}>
                  <td>
                    <Link href={`/changes/${cr.id}`} className="font-medium text-blue-800 hover:underline dark:text-blue-300">
                      {cr.title}
                    </Link>
                    <span className="ml-2 text-xs text-zinc-500">rev {cr.revision}</span>
                  </td>
                  <td>
                    <ChangeStatusBadge status={cr.status} />
                  </td>
                  <td>
                    {cr.cluster.name} <span className="text-xs text-zinc-500">{cr.cluster.environment}</span>
                  </td>
                  <td>{cr.author.name}</td>
                  <td>
                    <RelativeTime value={cr.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <ListPagination filters={filters} pageCount={pageCount} pageSize={PAGE_SIZE} />
        </>
      )}
    </section>
  );
}
