import type { Metadata } from "next";
import { EmptyState } from "../../../components/empty-state";
import { requireSessionUser } from "../../../server/auth";
import { api } from "../../../trpc/server";
import { NewConnectorForm } from "./new-connector-form";

export const metadata: Metadata = { title: "New connector" };

export default async function NewConnectorPage() {
  const user = await requireSessionUser();
  if (user.role === "viewer") {
    return (
      <EmptyState title="Viewers cannot create connectors" action={{ href: "/", label: "Back to the board" }}>
        Ask an admin for the owner role in your team.
      </EmptyState>
    );
  }
  const [clusters, teams] = await Promise.all([api.cluster.list(), api.team.list()]);
  const mayActForAll = user.role === "approver" || user.role === "admin";
  const myTeams = teams.filter((t) => mayActForAll || user.teamIds.includes(t.id));
  if (myTeams.length === 0) {
    return (
      <EmptyState title="You are not in a team yet" action={{ href: "/", label: "Back to the board" }}>
        Connectors belong to teams. Ask an admin to add you to yours.
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="new-connector-title" className="mx-auto flex max-w-4xl flex-col gap-4">
      <h1 id="new-connector-title" className="text-xl font-semibold">
        New connector
      </h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Pick a template, fill it in, and Switchboard opens a draft change request that creates the connector once approved and deployed.</p>
      <NewConnectorForm clusters={clusters.map((c) => ({ id: c.id, name: c.name }))} teams={myTeams.map((t) => ({ id: t.id, name: t.name }))} />
    </section>
  );
}
