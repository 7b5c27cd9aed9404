import type { Metadata } from "next";
import { EmptyState } from "../../../components/empty-state";
import { newItemDraft, type ItemAction } from "../../../components/change-item-drafts";
import { requireSessionUser } from "../../../server/auth";
import { api } from "../../../trpc/server";
import { ChangeRequestForm } from "../change-request-form";

export const metadata: Metadata = { title: "New change request" };

const ACTIONS: readonly string[] = ["create", "update", "delete", "pause", "resume", "stop", "restart"];

function one(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/** A new change request; `?action=update&connectorId=…` (from a connector page) starts prefilled. */
export default async function NewChangeRequestPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireSessionUser();
  if (user.role === "viewer") {
    return (
      <EmptyState title="Viewers cannot propose changes" action={{ href: "/changes", label: "Back to change requests" }}>
        Ask an admin for the owner role in your team to propose changes.
      </EmptyState>
    );
  }
  const params = await searchParams;
  const [clusters, teams] = await Promise.all([api.cluster.list(), api.team.list()]);
  const mayActForAll = user.role === "approver" || user.role === "admin";
  const myTeams = teams.filter((t) => mayActForAll || user.teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name }));

  const action = (ACTIONS.includes(one(params.action)) ? one(params.action) : "") as ItemAction | "";
  const connectorId = one(params.connectorId);
  let clusterId = one(params.clusterId);
  let title = "";
  const items = [];
  if (connectorId) {
    const connector = await api.connector.byId({ id: connectorId }).catch(() => null);
    if (connector?.cluster) {
      clusterId = connector.cluster.id;
      const kind = action || "update";
      title = `${kind[0]?.toUpperCase()}${kind.slice(1)} ${connector.name}`;
      items.push(
        newItemDraft({
          action: kind,
          connectorId: connector.id,
          connectorName: connector.name,
          name: connector.name,
          config: connector.config,
          secretKeys: connector.secretKeys,
          desiredState: connector.desiredState,
          onlyFailed: kind === "restart",
        }),
      );
    }
  }
  if (items.length === 0) items.push(newItemDraft({ action: action || "create", teamId: myTeams.length === 1 ? (myTeams[0]?.id ?? "") : "" }));

  return (
    <section aria-labelledby="new-cr-title" className="mx-auto flex max-w-4xl flex-col gap-4">
      <h1 id="new-cr-title" className="text-xl font-semibold">
        New change request
      </h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Describe the change, then submit it for review from its page. Nothing reaches the cluster until it is approved and deployed.
      </p>
      <ChangeRequestForm
        initial={{ clusterId, title, rationale: "", items }}
        clusters={clusters.map((c) => ({ id: c.id, name: c.name, environment: c.environment, approvalsRequired: c.approvalsRequired }))}
        teams={myTeams}
        mineOnly={!mayActForAll}
      />
    </section>
  );
}
