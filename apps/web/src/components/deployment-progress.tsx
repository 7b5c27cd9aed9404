"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc/react";
import { ChangeStatusBadge } from "./change-status-badge";
import { DeploymentReportView } from "./deployment-report";
import { DeploymentSteps } from "./deployment-steps";
import { ErrorMessage } from "./error-message";
import { RelativeTime } from "./relative-time";

const STATUS_WORDS: Record<string, string> = { queued: "Queued", running: "Deploying", succeeded: "Deployed", failed: "Failed" };

const PHASE_WORDS: Record<string, string> = {
  queued: "Waiting for the worker (one deploy per cluster at a time)…",
  planning: "Planning against the live cluster…",
  applying: "Applying the plan…",
  verifying: "Verifying that every connector reached its state…",
  finished: "Finished.",
};

/**
 * Live progress of a deployment (refreshed every second while it is queued or running): each
 * connector's step and status, verification, then the final report with a JSON download.
 */
export function DeploymentProgress({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.deployment.byId.queryOptions({ id: deploymentId }),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === "succeeded" || q.state.data.status === "failed") ? false : 1_000),
  });
  const d = query.data;
  if (!d) {
    return (
      <div aria-busy={query.isLoading || undefined}>
        <ErrorMessage error={query.error} />
        {!query.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the deployment…</p>}
      </div>
    );
  }
  const { progress, report } = d;
  const live = d.status === "queued" || d.status === "running";

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="deploy-status" className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="deploy-status" className="text-lg font-semibold">
            {STATUS_WORDS[d.status] ?? d.status}
          </h2>
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            {d.cluster && (
              <>
                on {d.cluster.name} ({d.cluster.environment}) ·{" "}
              </>
            )}
            queued <RelativeTime value={d.createdAt} />
            {d.finishedAt && (
              <>
                {" "}
                · finished <RelativeTime value={d.finishedAt} />
              </>
            )}
          </span>
          {d.changeRequest && (
            <span className="text-sm">
              Change request: <ChangeStatusBadge status={d.changeRequest.status} />
            </span>
          )}
        </div>
        <p className="text-sm" aria-live="polite">
          {PHASE_WORDS[progress.phase]}
          {progress.attempts > 1 && ` (attempt ${progress.attempts}: the deploy was resumed after an interruption)`}
        </p>
        <div
          role="progressbar"
          aria-label="Deployment progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress.percent}
          aria-valuetext={`${progress.percent}%: ${progress.steps.ended} of ${progress.steps.total} steps${progress.verification ? `, ${progress.verification.ready} of ${progress.verification.total} connectors verified` : ""}`}
          className="h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        >
          <div
            className={`h-full transition-[width] ${d.status === "failed" ? "bg-red-600" : d.status === "succeeded" ? "bg-green-600" : "bg-blue-600"}`}
            style={{ width: `${progress.percent}%` }}
          />
        </div>
        {progress.errors.map((e) => (
          <p key={e.at} role={e.retrying ? undefined : "alert"} className="text-sm text-amber-800 dark:text-amber-300">
            {e.message}
            {e.retrying && " — retrying shortly."}
          </p>
        ))}
        <ErrorMessage error={query.error} />
      </section>

      <DeploymentSteps progress={progress} live={live} />

      {report && <DeploymentReportView deploymentId={d.id} report={report} topics={d.topics} />}
    </div>
  );
}
