"use client";

import { ConfirmDialog } from "../../../components/confirm-dialog";
import { ErrorMessage } from "../../../components/error-message";
import type { RouterOutputs } from "../../../trpc/types";
import { RETRY_LABEL } from "./action-panel";
import { adoptionsOnly } from "./change-request-display";
import type { PlannedPreview } from "./plan-summary";
import type { ChangeRequestActions } from "./use-change-request-actions";

type Detail = RouterOutputs["changeRequest"]["byId"];

/** The confirmations before a deploy, a retry or a cancel: each says what it will do first. */
export function ConfirmDialogs({ cr, okPreview, deployLabel, actions }: { cr: Detail; okPreview: PlannedPreview | null; deployLabel: string; actions: ChangeRequestActions }) {
  const { confirm, setConfirm, deploy, retry, cancel } = actions;
  const id = cr.id;
  return (
    <>
      <ConfirmDialog
        open={confirm === "deploy"}
        title={deployLabel}
        confirmLabel="Deploy"
        busy={deploy.isPending}
        onConfirm={() => deploy.mutate({ id })}
        onCancel={() => setConfirm(null)}
      >
        <p>The deploy plans against {cr.cluster.name} again, then applies and verifies:</p>
        <ul className="mt-2 list-disc pl-5">
          {(okPreview?.plan.actions.filter((a) => a.kind !== "noop" && a.kind !== "skip") ?? []).map((a) => (
            <li key={`${a.kind}:${a.name}`}>
              <span className="font-medium">{a.kind}</span> <code>{a.name}</code>
            </li>
          ))}
          {okPreview?.moves?.map((m) => (
            <li key={`move:${m.connectorName}`}>
              <span className="font-medium">move</span> <code>{m.connectorName}</code> from {m.from.name} to {m.to.name}
            </li>
          ))}
          {okPreview?.plan.topicsToCreate.map((t) => (
            <li key={`create-topic:${t.name}`}>
              <span className="font-medium">create topic</span> <code>{t.name}</code>
            </li>
          ))}
          {okPreview?.plan.topicsToDelete.map((name) => (
            <li key={`delete-topic:${name}`} className="text-red-800 dark:text-red-300">
              <span className="font-medium">delete topic</span> <code>{name}</code>: every record in it is lost
            </li>
          ))}
          {okPreview &&
            adoptionsOnly(cr.items, okPreview.plan.actions).map((name) => (
              <li key={`adopt:${name}`}>
                <span className="font-medium">record the live config</span> of <code>{name}</code> as its approved definition (nothing changes on the cluster)
              </li>
            ))}
          {!okPreview && cr.items.map((i) => <li key={i.id}>{`${i.action} ${i.connectorName}`}</li>)}
        </ul>
        {deploy.error && (
          <div className="mt-3">
            <ErrorMessage error={deploy.error} />
          </div>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "retry"}
        title={`Retry the deploy to ${cr.cluster.name}?`}
        confirmLabel={RETRY_LABEL}
        busy={retry.isPending}
        onConfirm={() => retry.mutate({ id })}
        onCancel={() => setConfirm(null)}
      >
        <p>A new deploy of revision {cr.revision}, as approved: it plans against {cr.cluster.name} again (connectors already as approved are left alone), then applies and verifies:</p>
        <ul className="mt-2 list-disc pl-5">
          {cr.items.map((i) => (
            <li key={i.id}>{`${i.action} ${i.connectorName}`}</li>
          ))}
        </ul>
        {retry.error && (
          <div className="mt-3">
            <ErrorMessage error={retry.error} />
          </div>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "cancel"}
        title="Cancel this change request?"
        confirmLabel="Cancel request"
        variant="danger"
        busy={cancel.isPending}
        onConfirm={() => cancel.mutate({ id })}
        onCancel={() => setConfirm(null)}
      >
        <p>It will not be deployed. Nothing on the cluster changes.</p>
      </ConfirmDialog>
    </>
  );
}
