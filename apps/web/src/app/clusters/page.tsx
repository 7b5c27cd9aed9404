import type { Metadata } from "next";
import Link from "next/link";
import { DataTable, DataTableHead } from "../../components/data-table";
import { EmptyState } from "../../components/empty-state";
import { defaultGitPath, DEFAULT_GIT_BRANCH } from "@switchboard/domain/git-mirror-settings";
import { requireSessionUser } from "../../server/auth";
import { api } from "../../trpc/server";

export const metadata: Metadata = { title: "Clusters" };

/** Every cluster, for every signed-in user: a way to its workers, versions and plugins. */
export default async function ClustersPage() {
  const user = await requireSessionUser();
  const clusters = await api.cluster.list();
  const conflicts = await gitConflicts(clusters.filter((c) => c.gitRepository !== null).map((c) => c.id));
  return (
    <section aria-labelledby="clusters-title" className="flex flex-col gap-4">
      <h1 id="clusters-title" className="text-xl font-semibold">
        Clusters
      </h1>
      {clusters.length === 0 ? (
        <EmptyState title="No clusters yet" action={user.role === "admin" ? { href: "/admin/clusters", label: "Add a cluster" } : undefined}>
          {user.role === "admin" ? "Add the Connect cluster's worker URLs to start managing its connectors." : "An admin adds the Connect clusters Switchboard manages; ask one to add yours."}
        </EmptyState>
      ) : (
        <DataTable caption="Clusters">
          <DataTableHead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col">Environment</th>
              <th scope="col">Workers</th>
              <th scope="col">Approvals required</th>
              <th scope="col">Git mirror</th>
            </tr>
          </DataTableHead>
          <tbody>
            {clusters.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={`/clusters/${encodeURIComponent(c.id)}`} className="font-medium text-blue-700 underline hover:no-underline dark:text-blue-400">
                    {c.name}
                  </Link>
                </td>
                <td>{c.environment}</td>
                <td>{c.connectUrls.length}</td>
                <td>{c.approvalsRequired}</td>
                <td className="text-xs">
                  {c.gitRepository ? (
                    <div className="flex flex-col gap-0.5">
                      <span className="break-all font-mono">{c.gitRepository}</span>
                      <span>
                        <span className="font-mono">{c.gitBranch ?? DEFAULT_GIT_BRANCH}</span> · <span className="font-mono">{c.gitPath ?? defaultGitPath(c.name)}</span>
                      </span>
                      <span>
                        Last commit: {c.gitCommit ? <code title={c.gitCommit}>{c.gitCommit.slice(0, 12)}</code> : "none yet"}
                      </span>
                      {conflicts.get(c.id) && (
                        <span className="text-red-700 dark:text-red-400">In conflict: {conflicts.get(c.id)}</span>
                      )}
                    </div>
                  ) : (
                    <span className="text-zinc-600 dark:text-zinc-400">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}

/** Each cluster's open git_conflict incident, as its first line (why nothing was written). */
async function gitConflicts(clusterIds: string[]): Promise<Map<string, string>> {
  const found = await Promise.all(
    clusterIds.map(async (clusterId) => {
      const { items } = await api.incident.list({ state: "open", clusterId, pageSize: 200 });
      const incident = items.find((i) => i.kind === "git_conflict");
      return [clusterId, incident?.trace?.split("\n")[0] ?? null] as const;
    }),
  );
  return new Map(found.filter((f): f is readonly [string, string] => f[1] !== null));
}
