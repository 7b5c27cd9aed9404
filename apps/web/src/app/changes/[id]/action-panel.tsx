"use client";

import Link from "next/link";
import { Button, buttonClasses } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import type { RouterOutputs } from "../../../trpc/types";
import { Card } from "./card";
import type { ChangeRequestActions } from "./use-change-request-actions";

type Detail = RouterOutputs["changeRequest"]["byId"];

export const RETRY_LABEL = "Retry deploy";

export type ActionPanelProps = { cr: Detail; ended: boolean; deployable: boolean; deployLabel: string; actions: ChangeRequestActions };

/** The sidebar: approvals against the policy, the one primary action for this viewer, and the others. */
export function ActionPanel({ cr, ended, deployable, deployLabel, actions }: ActionPanelProps) {
  const { submit, refresh, sendReview, sending, setConfirm, lastError } = actions;
  const p = cr.permissions;
  // A move needs the stricter of its two clusters' policies (the server counts it so).
  const moveTargets = [...new Set(cr.items.flatMap((i) => (i.moveTo ? [i.moveTo.name] : [])))];
  const id = cr.id;
  // One primary action: the next step this viewer can take.
  const primaryKind = p.canSubmit.allowed
    ? "submit"
    : p.canRefresh.allowed
      ? "refresh"
      : p.canApprove.allowed
        ? "approve"
        : deployable
          ? "deploy"
          : p.canRetry.allowed
            ? "retry"
            : null;
  const primary =
    primaryKind === "submit" ? (
      <Button variant="primary" onClick={() => submit.mutate({ id })} loading={submit.isPending}>
        Submit for review
      </Button>
    ) : primaryKind === "refresh" ? (
      <Button variant="primary" onClick={() => refresh.mutate({ id })} loading={refresh.isPending}>
        Refresh stale items
      </Button>
    ) : primaryKind === "approve" ? (
      <Button variant="primary" onClick={() => sendReview("approve")} loading={sending("approve")}>
        Approve
      </Button>
    ) : primaryKind === "deploy" ? (
      <Button variant="primary" onClick={() => setConfirm("deploy")}>
        {deployLabel}
      </Button>
    ) : primaryKind === "retry" ? (
      <Button variant="primary" onClick={() => setConfirm("retry")}>
        {RETRY_LABEL}
      </Button>
    ) : null;
  const waitingReason = primary
    ? null
    : cr.status === "failed"
      ? p.canRetry.reason
      : ended
        ? null
        : p.canDeploy.allowed
          ? "The plan against the live cluster has conflicts (listed above): resolve them, then Re-plan."
          : (p.canDeploy.reason ?? p.canApprove.reason);

  return (
    <aside aria-label="Status and actions" className="flex flex-col gap-3 lg:sticky lg:top-4 lg:self-start">
      <Card>
        <div className="flex flex-col gap-3 px-3 py-3 text-sm">
          <p>
            <span className="text-lg font-semibold tabular-nums">
              {cr.approvals.count} of {cr.approvals.required}
            </span>{" "}
            {cr.approvals.required === 1 ? "approval" : "approvals"}
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">
              required by {moveTargets.length > 0 ? `the stricter policy of ${[cr.cluster.name, ...moveTargets].join(" and ")}` : `${cr.cluster.name}'s policy`}; approvals from writers of the
              change do not count
            </span>
          </p>
          {primary}
          {waitingReason && <p className="text-xs text-zinc-600 dark:text-zinc-400">{waitingReason}</p>}
          <div className="flex flex-wrap gap-2 border-t border-zinc-200 pt-3 empty:hidden dark:border-zinc-800">
            {deployable && primaryKind !== "deploy" && <Button onClick={() => setConfirm("deploy")}>{deployLabel}</Button>}
            {p.canEdit.allowed && (
              <Link href={`/changes/${id}/edit`} className={buttonClasses("secondary")}>
                Edit
              </Link>
            )}
            {p.canCancel.allowed && (
              <Button variant="secondary" onClick={() => setConfirm("cancel")}>
                Cancel request
              </Button>
            )}
          </div>
        </div>
      </Card>
      <ErrorMessage error={lastError} />
    </aside>
  );
}
