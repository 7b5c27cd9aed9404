"use client";

import type { AppRouter } from "@switchboard/api/root";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { Button, buttonClasses } from "../../../components/button";
import { ChangeStatusBadge } from "../../../components/change-status-badge";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DeploymentProgress } from "../../../components/deployment-progress";
import { DiffTable } from "../../../components/diff-table";
import { ErrorMessage } from "../../../components/error-message";
import { inputClasses } from "../../../components/field";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";
import { blockingProblems, describeWriters, hasEnded, recordLabel, reviewStanding, statusNoteTitle } from "./change-request-display";
import { DeploymentLink } from "./deployment-link";

type Outputs = inferRouterOutputs<AppRouter>;
type Detail = Outputs["changeRequest"]["byId"];
type Item = Detail["items"][number];
type PreviewResult = Outputs["changeRequest"]["preview"];
type OkPreview = Extract<PreviewResult, { ok: true }>;

const ACTION_STYLE: Record<Item["action"], { symbol: string; verb: string; className: string }> = {
  create: { symbol: "+", verb: "create", className: "text-green-800 dark:text-green-300" },
  update: { symbol: "~", verb: "update", className: "text-amber-800 dark:text-amber-300" },
  delete: { symbol: "−", verb: "delete", className: "text-red-800 dark:text-red-300" },
  pause: { symbol: "⏸", verb: "pause", className: "text-sky-800 dark:text-sky-300" },
  resume: { symbol: "▶", verb: "resume", className: "text-green-800 dark:text-green-300" },
  stop: { symbol: "■", verb: "stop", className: "text-zinc-700 dark:text-zinc-300" },
  restart: { symbol: "↻", verb: "restart", className: "text-cyan-800 dark:text-cyan-300" },
  reset_offsets: { symbol: "⟲", verb: "reset offsets of", className: "text-purple-800 dark:text-purple-300" },
  set_offsets: { symbol: "⇥", verb: "set offsets of", className: "text-purple-800 dark:text-purple-300" },
  move: { symbol: "⇄", verb: "move", className: "text-indigo-800 dark:text-indigo-300" },
  create_topic: { symbol: "+", verb: "create topic", className: "text-green-800 dark:text-green-300" },
  delete_topic: { symbol: "−", verb: "delete topic", className: "text-red-800 dark:text-red-300" },
};

const DECISION: Record<string, { label: string; className: string }> = {
  approve: { label: "approved", className: "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200" },
  reject: { label: "requested changes (rejected)", className: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" },
  comment: { label: "commented", className: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200" },
};

function Card({ children, labelledBy }: { children: React.ReactNode; labelledBy?: string }) {
  return (
    <section aria-labelledby={labelledBy} className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      {children}
    </section>
  );
}

function ItemCard({ item, preview }: { item: Item; preview: OkPreview | null }) {
  const id = useId();
  const style = ACTION_STYLE[item.action];
  const problems = preview?.problems.filter((p) => p.connector === item.connectorName) ?? [];
  const risks = preview?.risks.filter((r) => r.connector === item.connectorName || (item.previousName !== null && r.connector === item.previousName)) ?? [];
  return (
    <Card labelledBy={`${id}-title`}>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 bg-zinc-50 px-3 py-2 dark:border-zinc-800 dark:bg-zinc-950">
        <h3 id={`${id}-title`} className="flex flex-wrap items-center gap-2 text-sm">
          <span aria-hidden="true" className={`font-mono font-bold ${style.className}`}>
            {style.symbol}
          </span>
          <span className={`font-semibold ${style.className}`}>{style.verb}</span>
          <code className="font-mono font-semibold">{item.connectorName}</code>
          {item.previousName && <span className="text-xs text-zinc-600 dark:text-zinc-400">(renamed from {item.previousName})</span>}
          {item.action === "restart" && <span className="text-xs text-zinc-600 dark:text-zinc-400">{item.onlyFailed ? "failed tasks only" : "connector and all tasks"}</span>}
        </h3>
        <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
          {item.team && <span>team {item.team.name}</span>}
          {item.currentVersion !== null && <span>v{item.currentVersion}</span>}
          {item.stale && (
            <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {item.connectorDeleted ? "connector deleted" : `stale: written against v${item.baseVersion}`}
            </span>
          )}
        </div>
      </header>
      {item.stateChange && (
        <p className="border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          Desired state: <code>{item.stateChange.before ?? "—"}</code> → <code className="font-semibold">{item.stateChange.after ?? "—"}</code>
        </p>
      )}
      {(item.action === "create" || item.action === "update" || item.action === "delete") && <DiffTable rows={item.diff} caption={`Config changes of ${item.connectorName}`} />}
      {risks.length > 0 && (
        <ul aria-label={`Warnings for ${item.connectorName}`} className="flex flex-col gap-1 border-t border-zinc-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-zinc-800 dark:bg-amber-950/50 dark:text-amber-100">
          {risks.map((r) => (
            <li key={`${r.code}:${r.message}`}>
              <span aria-hidden="true">⚠ </span>
              <span className="font-semibold">{r.code.replaceAll("_", " ").toLowerCase()}</span>: {r.message}
            </li>
          ))}
        </ul>
      )}
      {preview && (item.action === "create" || item.action === "update") && (
        <div className="border-t border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          {problems.length === 0 ? (
            <p className="text-green-800 dark:text-green-300">✓ The cluster&apos;s validator accepts this config.</p>
          ) : (
            <>
              <p className="font-medium text-red-800 dark:text-red-300">✕ The cluster&apos;s validator reports {problems.length === 1 ? "a problem" : `${problems.length} problems`}:</p>
              <ul className="mt-1 list-disc pl-5 text-red-800 dark:text-red-300">
                {problems.map((p) => (
                  <li key={`${p.key}:${p.message}`}>
                    {p.key && <code className="font-mono">{p.key}</code>}
                    {p.key && ": "}
                    {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </Card>
  );
}

/** The plan against the live cluster with the validator's verdict, or for an ended change request (`recorded`) the plan its deploy ran. */
function PlanSummary({ query, recorded, onRetry }: { query: { data: PreviewResult | undefined; isLoading: boolean; isFetching: boolean; error: unknown }; recorded: boolean; onRetry: () => void }) {
  const data = query.data;
  let body: React.ReactNode;
  if (query.isLoading) body = <p className="text-zinc-600 dark:text-zinc-400">{recorded ? "Loading the recorded plan…" : "Planning against the live cluster…"}</p>;
  else if (query.error) body = <ErrorMessage error={query.error} />;
  else if (data && !data.ok) body = <p className="text-amber-800 dark:text-amber-300">{data.message}</p>;
  else if (data?.ok && !data.plan) body = <p className="text-zinc-600 dark:text-zinc-400">{recorded ? "No deploy ran, so no plan was recorded." : "No plan was recorded for this change request."}</p>;
  else if (data?.ok && data.plan) {
    const s = data.plan.summary;
    const parts = [`${s.create} to create`, `${s.update} to update`, `${s.delete} to delete`, ...(["pause", "resume", "stop", "restart"] as const).filter((k) => s[k] > 0).map((k) => `${s[k]} to ${k}`)];
    const generalProblems = data.problems.filter((p) => p.connector === null);
    body = (
      <>
        <p>
          {recorded && <span className="text-zinc-600 dark:text-zinc-400">The plan the deploy ran: </span>}
          <span className="font-medium">{data.plan.hasChanges ? parts.join(", ") : "No changes on the cluster."}</span>
          {s.unchanged > 0 && <span className="text-zinc-600 dark:text-zinc-400">; {s.unchanged} unchanged</span>}
          {s.skip > 0 && <span className="text-zinc-600 dark:text-zinc-400">; {s.skip} skipped</span>}
        </p>
        {!recorded &&
          (data.valid ? (
            <p className="text-green-800 dark:text-green-300">✓ Valid: the cluster&apos;s validator accepts every config and nothing conflicts.</p>
          ) : (
            <>
              {data.problems.length > 0 && <p className="text-red-800 dark:text-red-300">✕ The cluster&apos;s validator reports problems (see the changes below).</p>}
              {data.conflicts.length > 0 && <p className="text-red-800 dark:text-red-300">✕ Conflicts on the cluster block this deploy (listed above).</p>}
            </>
          ))}
        {generalProblems.map((p) => (
          <p key={p.message} className="text-red-800 dark:text-red-300">
            {p.message}
          </p>
        ))}
      </>
    );
  }
  return (
    <div className="flex flex-wrap items-start justify-between gap-2 text-sm">
      <div className="flex flex-col gap-1" aria-live="polite">
        {body}
      </div>
      {!recorded && (
        <Button onClick={onRetry} loading={query.isFetching && !query.isLoading} className="px-2 py-1 text-xs">
          Re-plan
        </Button>
      )}
    </div>
  );
}

type ReviewDecision = "approve" | "reject" | "comment";

/** The pull-request-like review page of one change request. */
export function ChangeRequestView({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery({ ...trpc.changeRequest.byId.queryOptions({ id }), refetchInterval: (q) => (q.state.data?.status === "deploying" ? 3000 : false) });
  const preview = useQuery({ ...trpc.changeRequest.preview.queryOptions({ id }), staleTime: 60_000, retry: false });
  const [comment, setComment] = useState("");
  const [commentError, setCommentError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<null | "deploy" | "retry" | "cancel">(null);
  const commentId = useId();

  const refreshAll = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.changeRequest.pathKey() });
  };
  // When the worker ends a deploy, the preview becomes the plan it ran: fetch it again. (This page's
  // own actions refetch everything already.)
  const status = detail.data?.status;
  const previousStatus = useRef(status);
  useEffect(() => {
    if (previousStatus.current === "deploying" && status !== "deploying") void queryClient.invalidateQueries({ queryKey: trpc.changeRequest.preview.queryKey({ id }) });
    previousStatus.current = status;
  }, [status, id, queryClient, trpc]);
  const submit = useMutation(trpc.changeRequest.submit.mutationOptions({ onSuccess: refreshAll }));
  const review = useMutation(trpc.changeRequest.review.mutationOptions({ onSuccess: async () => { setComment(""); await refreshAll(); } }));
  const deploy = useMutation(trpc.changeRequest.deploy.mutationOptions({ onSuccess: async () => { setConfirm(null); await refreshAll(); } }));
  const retry = useMutation(trpc.changeRequest.retryDeploy.mutationOptions({ onSuccess: async () => { setConfirm(null); await refreshAll(); } }));
  const cancel = useMutation(trpc.changeRequest.cancel.mutationOptions({ onSuccess: async () => { setConfirm(null); await refreshAll(); } }));
  const refresh = useMutation(trpc.changeRequest.refresh.mutationOptions({ onSuccess: refreshAll }));
  const lastError = submit.error ?? review.error ?? deploy.error ?? retry.error ?? cancel.error ?? refresh.error;

  if (detail.isLoading) return <p className="text-sm text-zinc-600">Loading the change request…</p>;
  if (!detail.data) return <ErrorMessage error={detail.error} />;
  const cr = detail.data;
  const p = cr.permissions;
  const ended = hasEnded(cr.status);
  const okPreview = preview.data?.ok && preview.data.plan ? { ...preview.data, plan: preview.data.plan } : null;
  const livePreview = preview.data?.ok && preview.data.source === "live" ? preview.data : null;
  const blocking = ended ? [] : blockingProblems(cr.clashes, livePreview?.conflicts ?? []);
  const writerIds = cr.writers.map((w) => w.id);
  const noteTitle = statusNoteTitle(cr.status);
  const rejection = cr.status === "rejected" ? [...cr.reviews].reverse().find((r) => r.decision === "reject") : undefined;

  function sendReview(decision: ReviewDecision) {
    if (decision !== "approve" && comment.trim() === "") {
      setCommentError(decision === "reject" ? "Say why you reject it: the author needs to know what to change." : "Write a comment first.");
      return;
    }
    setCommentError(null);
    review.mutate({ id, decision, comment });
  }

  const changeCount = okPreview && !ended ? okPreview.plan.actions.filter((a) => a.kind !== "noop" && a.kind !== "skip").length : cr.items.length;
  const deployLabel = `Deploy ${changeCount} ${changeCount === 1 ? "change" : "changes"} to ${cr.cluster.name}`;
  const retryLabel = "Retry deploy";

  // The server refuses name clashes itself; a conflict only the live plan finds (a name held by a
  // connector Switchboard does not manage) would fail the deploy in the worker, so it is not offered.
  const deployable = p.canDeploy.allowed && blocking.length === 0;
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
      <Button variant="primary" onClick={() => sendReview("approve")} loading={review.isPending && review.variables?.decision === "approve"}>
        Approve
      </Button>
    ) : primaryKind === "deploy" ? (
      <Button variant="primary" onClick={() => setConfirm("deploy")}>
        {deployLabel}
      </Button>
    ) : primaryKind === "retry" ? (
      <Button variant="primary" onClick={() => setConfirm("retry")}>
        {retryLabel}
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
    <div className="flex flex-col gap-5">
      <header className="flex flex-col gap-2">
        <p className="text-sm">
          <Link href="/changes" className="text-blue-800 hover:underline dark:text-blue-300">
            ← Change requests
          </Link>
        </p>
        <h1 className="text-xl font-semibold">
          {cr.title} <span className="font-normal text-zinc-500">· revision {cr.revision}</span>
        </h1>
        <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
          <ChangeStatusBadge status={cr.status} />
          <span>
            <span className="font-medium">{cr.author.name}</span> wants to change <span className="font-medium">{cr.cluster.name}</span> ({cr.cluster.environment}) · opened <RelativeTime value={cr.createdAt} /> · updated <RelativeTime value={cr.updatedAt} />
          </span>
        </p>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">Written by {describeWriters(cr.writers)}</p>
      </header>

      {noteTitle && cr.statusNote && (
        <div role="note" aria-label="Why it ended" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p>
            <span className="font-semibold">
              {noteTitle}
              {rejection ? ` by ${rejection.reviewer.name}` : ""}:
            </span>{" "}
            <span className="whitespace-pre-wrap">{cr.statusNote}</span>
          </p>
        </div>
      )}

      {blocking.length > 0 && (
        <div role="alert" aria-label="Blocking problems" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">This change cannot deploy until {blocking.length === 1 ? "this is" : "these are"} resolved:</p>
          <ul className="mt-1 list-disc pl-5">
            {blocking.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}

      {!ended && cr.stale.length > 0 && (
        <div role="alert" aria-label="Stale" className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <p>
            <span className="font-semibold">Stale:</span>{" "}
            {cr.stale.map((s) => (s.deleted ? `${s.connectorName} was deleted` : `${s.connectorName} is at v${s.currentVersion}, this change was written against v${s.baseVersion}`)).join("; ")}. It cannot deploy until refreshed (refreshing dismisses approvals).
          </p>
          {p.canRefresh.allowed && (
            <Button onClick={() => refresh.mutate({ id })} loading={refresh.isPending}>
              Refresh
            </Button>
          )}
        </div>
      )}
      {refresh.data && refresh.data.conflicts.length > 0 && (
        <p role="status" className="text-sm text-amber-800 dark:text-amber-300">
          Refreshed. Both this change and the newer version changed {refresh.data.conflicts.map((c) => `${c.connectorName}: ${c.keys.join(", ")}`).join("; ")}; this change&apos;s values were kept.
        </p>
      )}

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

          <section aria-labelledby="reviews-title" className="flex flex-col gap-3">
            <h2 id="reviews-title" className="text-base font-semibold">
              Reviews
            </h2>
            {cr.reviews.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No reviews yet.</p>
            ) : (
              <ol aria-label="Reviews" className="flex flex-col gap-2">
                {cr.reviews.map((r) => {
                  const standing = reviewStanding(r, writerIds);
                  return (
                    <li key={r.id} className={`rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900 ${r.dismissed ? "opacity-70" : ""}`}>
                      <p className="flex flex-wrap items-center gap-2">
                        <span className="font-medium">{r.reviewer.name}</span>
                        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${DECISION[r.decision]?.className ?? ""}`}>{DECISION[r.decision]?.label ?? r.decision}</span>
                        <span className="text-xs text-zinc-600 dark:text-zinc-400">
                          revision {r.revision} · <RelativeTime value={r.createdAt} />
                        </span>
                        {standing && (
                          <span className={`rounded border px-1.5 py-0.5 text-xs ${standing.counts ? "border-green-700/40 text-green-900 dark:text-green-200" : "border-dashed border-zinc-400"}`}>
                            {standing.counts && <span aria-hidden="true">✓ </span>}
                            {standing.text}
                          </span>
                        )}
                      </p>
                      {r.comment && <p className="mt-1 whitespace-pre-wrap">{r.comment}</p>}
                    </li>
                  );
                })}
              </ol>
            )}
            {p.canComment.allowed && (
              <div className="flex flex-col gap-2">
                <label htmlFor={commentId} className="text-sm font-medium">
                  Add a review comment
                </label>
                <textarea
                  id={commentId}
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                      e.preventDefault();
                      sendReview("comment");
                    }
                  }}
                  rows={3}
                  aria-invalid={commentError ? true : undefined}
                  aria-describedby={commentError ? `${commentId}-error` : undefined}
                  className={inputClasses}
                />
                {commentError && (
                  <p id={`${commentId}-error`} className="text-sm text-red-700 dark:text-red-400">
                    {commentError}
                  </p>
                )}
                <div className="flex flex-wrap gap-2">
                  <Button onClick={() => sendReview("comment")} loading={review.isPending && review.variables?.decision === "comment"}>
                    Comment
                  </Button>
                  {p.canApprove.allowed && (
                    <Button onClick={() => sendReview("approve")} loading={review.isPending && review.variables?.decision === "approve"}>
                      Approve{comment.trim() ? " with comment" : ""}
                    </Button>
                  )}
                  {p.canReject.allowed && (
                    <Button variant="danger" onClick={() => sendReview("reject")} loading={review.isPending && review.variables?.decision === "reject"}>
                      Reject
                    </Button>
                  )}
                </div>
              </div>
            )}
          </section>
        </div>

        <aside aria-label="Status and actions" className="flex flex-col gap-3 lg:sticky lg:top-4 lg:self-start">
          <Card>
            <div className="flex flex-col gap-3 px-3 py-3 text-sm">
              <p>
                <span className="text-lg font-semibold tabular-nums">
                  {cr.approvals.count} of {cr.approvals.required}
                </span>{" "}
                {cr.approvals.required === 1 ? "approval" : "approvals"}
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">required by {cr.cluster.name}&apos;s policy; approvals from writers of the change do not count</span>
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
      </div>

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
        confirmLabel={retryLabel}
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
    </div>
  );
}
