"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { DeploymentProgress } from "../../../components/deployment-progress";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import { ActionPanel } from "./action-panel";
import { ApplyOptionsCard } from "./apply-options-card";
import { Card } from "./card";
import { blockingProblems, deployLabel, hasEnded, recordLabel } from "./change-request-display";
import { ChangeRequestHeader, ChangeRequestNotices } from "./change-request-header";
import { ConfirmDialogs } from "./confirm-dialogs";
import { DeploymentLink } from "./deployment-link";
import { ItemCard } from "./item-card";
import { PlanSummary } from "./plan-summary";
import { ReviewsSection } from "./reviews-section";
import { useChangeRequestActions } from "./use-change-request-actions";

/** The pull-request-like review page of one change request. */
export function ChangeRequestView({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery({ ...trpc.changeRequest.byId.queryOptions({ id }), refetchInterval: (q) => (q.state.data?.status === "deploying" ? 3000 : false) });
  const preview = useQuery({ ...trpc.changeRequest.preview.queryOptions({ id }), staleTime: 60_000, retry: false });
  const actions = useChangeRequestActions(id);

  // When the worker ends a deploy, the preview becomes the plan it ran: fetch it again. (This page's
  // own actions refetch everything already.)
  const status = detail.data?.status;
  const previousStatus = useRef(status);
  useEffect(() => {
    if (previousStatus.current === "deploying" && status !== "deploying") void queryClient.invalidateQueries({ queryKey: trpc.changeRequest.preview.queryKey({ id }) });
    previousStatus.current = status;
  }, [status, id, queryClient, trpc]);

  if (detail.isLoading) return <p className="text-sm text-zinc-600">Loading the change request…</p>;
  if (!detail.data) return <ErrorMessage error={detail.error} />;
  const cr = detail.data;
  const ended = hasEnded(cr.status);
  const okPreview = preview.data?.ok && preview.data.plan ? { ...preview.data, plan: preview.data.plan } : null;
  const livePreview = preview.data?.ok && preview.data.source === "live" ? preview.data : null;
  const blocking = ended ? [] : blockingProblems(cr.clashes, livePreview?.conflicts ?? []);
  // Offsets changes, moves and topics are counted on their own; an adoption that changes nothing on the cluster, as a config recorded.
  const deployText = deployLabel(cr.cluster.name, cr.items, okPreview && !ended ? okPreview : null);
  // The server refuses name clashes itself; a conflict only the live plan finds (a name held by a
  // connector Switchboard does not manage) would fail the deploy in the worker, so it is not offered.
  const deployable = cr.permissions.canDeploy.allowed && blocking.length === 0;

  return (
    <div className="flex flex-col gap-5">
      <ChangeRequestHeader cr={cr} />
      <ChangeRequestNotices cr={cr} ended={ended} blocking={blocking} actions={actions} />

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="flex min-w-0 flex-col gap-5">
          <Card labelledBy="rationale-title">
            <h2 id="rationale-title" className="border-b border-zinc-200 px-3 py-2 text-sm font-semibold dark:border-zinc-800">
              Rationale
            </h2>
            <p className="px-3 py-2 text-sm whitespace-pre-wrap">{cr.rationale || <span className="text-zinc-500">No rationale given.</span>}</p>
          </Card>

          <section aria-labelledby="files-title" className="flex flex-col gap-3">
            <h2 id="files-title" className="text-base font-semibold">
              Changes <span className="font-normal text-zinc-500">({cr.items.length})</span>
            </h2>
            {ended && (
              <p className="text-sm text-zinc-700 dark:text-zinc-300">
                {cr.recorded ? recordLabel(cr.status, cr.revision) : `Revision ${cr.revision}, ended before a record was kept`}: what was reviewed, not a comparison with the cluster today.
              </p>
            )}
            <Card>
              <div className="px-3 py-2">
                <h3 className="sr-only">{ended ? "Recorded plan" : "Plan against the live cluster"}</h3>
                <PlanSummary query={preview} recorded={ended} onRetry={() => void preview.refetch()} />
              </div>
            </Card>
            <ApplyOptionsCard cr={cr} />
            {cr.items.map((item) => (
              <ItemCard key={item.id} item={item} preview={ended ? null : okPreview} />
            ))}
          </section>

          {cr.deployments.length > 0 && (
            <section aria-labelledby="deployments-title" className="flex flex-col gap-2">
              <h2 id="deployments-title" className="text-base font-semibold">
                Deployment
              </h2>
              {cr.deployments.map((d, index) => (
                <div key={d.id} className="flex flex-col gap-2">
                  <DeploymentLink deployment={d} />
                  {index === 0 && <DeploymentProgress deploymentId={d.id} />}
                </div>
              ))}
            </section>
          )}

          <ReviewsSection cr={cr} actions={actions} />
        </div>

        <ActionPanel cr={cr} ended={ended} deployable={deployable} deployLabel={deployText} actions={actions} />
      </div>

      <ConfirmDialogs cr={cr} okPreview={okPreview} deployLabel={deployText} actions={actions} />
    </div>
  );
}
