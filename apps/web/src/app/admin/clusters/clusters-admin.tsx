"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button, buttonClasses } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import type { Cluster } from "./cluster-form";
import { ClusterForm } from "./cluster-form-view";
import { TestConnection } from "./test-connection-button";
import { WriteGitButton } from "./write-git-button";

/** Clusters: list, create, edit (approval policy included), test the connection. */
export function ClustersAdmin() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.cluster.list.queryOptions());
  const [editing, setEditing] = useState<Cluster | "new" | null>(null);
  return (
    <section aria-labelledby="clusters-title" className="flex flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 id="clusters-title" className="text-xl font-semibold">
          Clusters
        </h1>
        {editing === null && (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New cluster
          </Button>
        )}
      </div>
      {editing !== null && <ClusterForm key={editing === "new" ? "new" : editing.id} cluster={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      <ErrorMessage error={clusters.error} />
      {!clusters.data ? (
        !clusters.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading clusters…</p>
      ) : clusters.data.length === 0 ? (
        <EmptyState title="No clusters yet">Add your Kafka Connect cluster with &ldquo;New cluster&rdquo;: its worker URLs and how many approvals a change needs.</EmptyState>
      ) : (
        <DataTable caption="Clusters">
          <DataTableHead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Environment</th>
              <th scope="col">Connect workers</th>
              <th scope="col">Auth env vars</th>
              <th scope="col">Approvals</th>
              <th scope="col">Poll</th>
              <th scope="col">Timeout</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </DataTableHead>
          <tbody>
            {clusters.data.map((c) => (
              <tr key={c.id}>
                <th scope="row" className="font-medium">
                  {c.name}
                </th>
                <td>{c.environment}</td>
                <td className="font-mono text-xs">
                  {c.connectUrls.map((u) => (
                    <div key={u}>{u}</div>
                  ))}
                </td>
                <td className="font-mono text-xs">{c.authUsernameEnv || c.authPasswordEnv ? `${c.authUsernameEnv ?? "—"} / ${c.authPasswordEnv ?? "—"}` : "none"}</td>
                <td className="tabular-nums">{c.approvalsRequired}</td>
                <td className="tabular-nums">{c.monitorIntervalSeconds} s</td>
                <td className="tabular-nums">{c.requestTimeoutSeconds} s</td>
                <td>
                  <div className="flex flex-wrap items-start gap-2">
                    <Button className="px-2 py-1 text-xs" onClick={() => setEditing(c)}>
                      Edit<span className="sr-only"> {c.name}</span>
                    </Button>
                    <TestConnection cluster={c} />
                    {c.gitRepository && <WriteGitButton cluster={c} />}
                    <Link href={`/clusters/${encodeURIComponent(c.id)}`} className={`${buttonClasses()} px-2 py-1 text-xs`}>
                      Workers<span className="sr-only"> of {c.name}</span>
                    </Link>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
