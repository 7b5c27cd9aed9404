import type { Metadata } from "next";
import { EmptyState } from "../../components/empty-state";
import { requireSessionUser } from "../../server/auth";
import { api } from "../../trpc/server";
import { AdoptView } from "./adopt-view";

export const metadata: Metadata = { title: "Adopt connectors" };

export default async function AdoptPage() {
  const user = await requireSessionUser();
  if (user.role === "viewer") {
    return (
      <EmptyState title="Viewers cannot adopt connectors" action={{ href: "/", label: "Back to the board" }}>
        Adopting records connectors that already run on a cluster; it needs an approver or an admin.
      </EmptyState>
    );
  }
  const [clusters, teams] = await Promise.all([api.cluster.list(), api.team.list()]);
  if (clusters.length === 0) {
    return (
      <EmptyState title="No clusters yet" action={user.role === "admin" ? { href: "/admin", label: "Add a cluster" } : undefined}>
        An admin adds clusters first.
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="adopt-title" className="flex flex-col gap-4">
      <h1 id="adopt-title" className="text-xl font-semibold">
        Adopt connectors
      </h1>
      <p className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">
        Connectors already running on a cluster, not yet managed by Switchboard. Give each an owner team to manage it from now on; the cluster is not touched.
      </p>
      <AdoptView
        clusters={clusters.map((c) => ({ id: c.id, name: c.name }))}
        teams={teams.map((t) => ({ id: t.id, name: t.name }))}
        canAdopt={user.role === "approver" || user.role === "admin"}
      />
    </section>
  );
}
