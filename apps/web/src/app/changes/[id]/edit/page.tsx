import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { newItemDraft } from "../../../../components/change-item-drafts";
import { EmptyState } from "../../../../components/empty-state";
import { requireSessionUser } from "../../../../server/auth";
import { api } from "../../../../trpc/server";
import { ChangeRequestForm } from "../../change-request-form";

export const metadata: Metadata = { title: "Edit change request" };

export default async function EditChangeRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireSessionUser();
  const { id } = await params;
  const cr = await api.changeRequest.byId({ id }).catch(() => null);
  if (!cr) notFound();
  if (!cr.permissions.canEdit.allowed) {
    return (
      <EmptyState title="This change request cannot be edited" action={{ href: `/changes/${id}`, label: "Back to the change request" }}>
        {cr.permissions.canEdit.reason}
      </EmptyState>
    );
  }
  const editable = cr.items.flatMap(({ action, ...item }) => (isEditableAction(action) ? [{ ...item, action }] : []));
  if (editable.length !== cr.items.length) {
    return (
      <EmptyState title="This change request cannot be edited here" action={{ href: `/changes/${id}`, label: "Back to the change request" }}>
        It holds offset or move changes, which the editor does not handle. Cancel it and open a new one instead.
      </EmptyState>
    );
  }
  const [clusters, teams] = await Promise.all([api.cluster.list(), api.team.list()]);
  const mayActForAll = user.role === "approver" || user.role === "admin";
  const items = editable.map((item) =>
    newItemDraft({
      action: item.action,
      connectorId: item.connectorId ?? "",
      connectorName: item.previousName ?? (item.action === "create" ? "" : item.connectorName),
      name: item.connectorName,
      teamId: item.team?.id ?? "",
      config: item.proposedConfig ?? {},
      secretKeys: item.secretKeys,
      desiredState: item.proposedState ?? "RUNNING",
      onlyFailed: item.onlyFailed,
      topicName: item.topic?.name ?? "",
      partitions: String(item.topic?.partitions ?? 1),
      replicationFactor: String(item.topic?.replicationFactor ?? 1),
      topicConfig: item.topic?.config ?? {},
    }),
  );
  return (
    <section aria-labelledby="edit-cr-title" className="mx-auto flex max-w-4xl flex-col gap-4">
      <p className="text-sm">
        <Link href={`/changes/${id}`} className="text-blue-800 hover:underline dark:text-blue-300">
          ← {cr.title}
        </Link>
      </p>
      <h1 id="edit-cr-title" className="text-xl font-semibold">
        Edit change request
      </h1>
      {cr.approvals.count > 0 && (
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          Saving dismisses the {cr.approvals.count} approval{cr.approvals.count === 1 ? "" : "s"} given so far: reviewers approve what they saw.
        </p>
      )}
      <ChangeRequestForm
        changeRequestId={id}
        initial={{ clusterId: cr.cluster.id, title: cr.title, rationale: cr.rationale, items }}
        clusters={clusters.map((c) => ({ id: c.id, name: c.name, environment: c.environment, approvalsRequired: c.approvalsRequired }))}
        teams={teams.filter((t) => mayActForAll || user.teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name }))}
        mineOnly={!mayActForAll}
      />
    </section>
  );
}

const EDITABLE_ACTIONS = ["create", "update", "delete", "pause", "resume", "restart", "stop", "create_topic", "delete_topic"] as const;
function isEditableAction(action: string): action is (typeof EDITABLE_ACTIONS)[number] {
  return (EDITABLE_ACTIONS as readonly string[]).includes(action);
}
