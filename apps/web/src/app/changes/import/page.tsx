import type { Metadata } from "next";
import { EmptyState } from "../../../components/empty-state";
import { requireSessionUser } from "../../../server/auth";
import { api } from "../../../trpc/server";
import { ImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import a state file" };

export default async function ImportPage() {
  const user = await requireSessionUser();
  if (user.role === "viewer") {
    return (
      <EmptyState title="Viewers cannot import" action={{ href: "/changes", label: "Back to change requests" }}>
        Importing creates a change request; ask an admin for the owner role.
      </EmptyState>
    );
  }
  const [clusters, teams] = await Promise.all([api.cluster.list(), api.team.list()]);
  const mayActForAll = user.role === "approver" || user.role === "admin";
  return (
    <section aria-labelledby="import-title" className="mx-auto flex max-w-4xl flex-col gap-4">
      <h1 id="import-title" className="text-xl font-semibold">
        Import a state file
      </h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        The file becomes a draft change request: new names are created, changed connectors updated. Values written as <code>(sensitive)</code> keep the stored secret.
      </p>
      <ImportForm
        clusters={clusters.map((c) => ({ id: c.id, name: c.name }))}
        teams={teams.filter((t) => mayActForAll || user.teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name }))}
      />
    </section>
  );
}
