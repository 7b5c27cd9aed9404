"use client";

import type { DeploymentReport } from "@switchboard/domain/deployments";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc/react";
import { ChangeStatusBadge } from "./change-status-badge";
import { ErrorMessage } from "./error-message";
import { RelativeTime } from "./relative-time";
import { StateBadge } from "./state-badge";

const STEP_WORDS: Record<string, string> = {
  pending: "waiting",
  running: "in progress",
  done: "done",
  uncertain: "sent, confirming",
  failed: "failed",
  unchanged: "unchanged",
};

const STEP_STYLES: Record<string, string> = {
  pending: "text-zinc-600 dark:text-zinc-400",
  running: "text-blue-800 dark:text-blue-300",
  done: "text-green-800 dark:text-green-300",
  uncertain: "text-amber-800 dark:text-amber-300",
  failed: "text-red-800 dark:text-red-300 font-semibold",
  unchanged: "text-zinc-600 dark:text-zinc-400",
};

const STATUS_WORDS: Record<string, string> = { queued: "Queued", running: "Deploying", succeeded: "Deployed", failed: "Failed" };

const PHASE_WORDS: Record<string, string> = {
  queued: "Waiting for the worker (one deploy per cluster at a time)…",
  planning: "Planning against the live cluster…",
  applying: "Applying the plan…",
  verifying: "Verifying that every connector reached its state…",
  finished: "Finished.",
};

const LISTS = ["added", "updated", "removed", "paused", "resumed", "stopped", "restarted", "skipped"] as const;

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

      {progress.connectors.length > 0 && (
        <section aria-labelledby="deploy-steps">
          <h3 id="deploy-steps" className="mb-2 text-base font-semibold">
            Connectors
          </h3>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-300 text-xs uppercase text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-1 pr-4">
                  Connector
                </th>
                <th scope="col" className="py-1 pr-4">
                  Steps
                </th>
                <th scope="col" className="py-1 pr-4">
                  Status
                </th>
                {progress.verification && (
                  <th scope="col" className="py-1">
                    Verification
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {progress.connectors.map((c) => (
                <tr key={c.name} className="border-b border-zinc-200 align-top dark:border-zinc-800">
                  <th scope="row" className="py-1.5 pr-4 font-mono font-normal">
                    {c.name}
                  </th>
                  <td className="py-1.5 pr-4">
                    {c.steps.length === 0 ? (
                      <span className="text-zinc-600 dark:text-zinc-400">none</span>
                    ) : (
                      <ul>
                        {c.steps.map((s, i) => (
                          <li key={`${s.kind}-${i}`}>
                            {s.kind}: <span className={STEP_STYLES[s.status]}>{STEP_WORDS[s.status]}</span>
                            {s.error && <span className="block text-xs text-zinc-700 dark:text-zinc-300">{s.error}</span>}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className={`py-1.5 pr-4 ${STEP_STYLES[c.status]}`}>{STEP_WORDS[c.status]}</td>
                  {progress.verification && <td className="py-1.5">{c.verify === "waiting" ? "waiting" : c.verify === "settled" ? "settled" : "—"}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {progress.verification && live && (
            <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300" aria-live="polite">
              Verified {progress.verification.ready} of {progress.verification.total}
              {progress.verification.pending.length > 0 && `; waiting for ${progress.verification.pending.join(", ")}`}.
            </p>
          )}
        </section>
      )}

      {report && <DeploymentReportView deploymentId={d.id} report={report} />}
    </div>
  );
}

function DeploymentReportView({ deploymentId, report }: { deploymentId: string; report: DeploymentReport }) {
  const ok = report.outcome === "succeeded";
  return (
    <section aria-labelledby="deploy-report" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="deploy-report" className="text-base font-semibold">
          Report
        </h3>
        <a
          href={`/deployments/${encodeURIComponent(deploymentId)}/report`}
          download
          className="text-sm font-medium text-blue-700 underline hover:no-underline dark:text-blue-400"
        >
          Download report (JSON)
        </a>
      </div>
      <p className={ok ? "text-sm text-green-800 dark:text-green-300" : "text-sm font-medium text-red-800 dark:text-red-300"}>
        {ok
          ? "Every change was applied and verified."
          : `The deploy failed: ${report.error ?? `${report.failures.length} ${report.failures.length === 1 ? "problem" : "problems"}, listed below`}.`}
      </p>

      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-600 dark:text-zinc-400">Change request</dt>
        <dd>
          {report.changeRequest.title} (revision {report.changeRequest.revision}) by {report.changeRequest.author.name}
        </dd>
        {report.requestedBy && (
          <>
            <dt className="text-zinc-600 dark:text-zinc-400">Deployed by</dt>
            <dd>{report.requestedBy.name}</dd>
          </>
        )}
        <dt className="text-zinc-600 dark:text-zinc-400">Approved by</dt>
        <dd>
          {report.approvals.length === 0
            ? "no approval required"
            : report.approvals.map((a) => `${a.reviewer.name}${a.comment ? ` (“${a.comment}”)` : ""}`).join(", ")}
        </dd>
        {report.verification && (
          <>
            <dt className="text-zinc-600 dark:text-zinc-400">Verification</dt>
            <dd>
              {report.verification.ok ? "passed" : "failed"} in {(report.verification.durationMs / 1000).toFixed(1)} s
            </dd>
          </>
        )}
      </dl>

      <ul className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" aria-label="Outcome summary">
        {LISTS.map((list) => (
          <li key={list} className="rounded border border-zinc-200 px-2 py-1 dark:border-zinc-800">
            <span className="font-semibold">{report.summary[list].length}</span> {list}
            {report.summary[list].length > 0 && (
              <span className="block truncate font-mono text-xs text-zinc-700 dark:text-zinc-300" title={report.summary[list].join(", ")}>
                {report.summary[list].join(", ")}
              </span>
            )}
          </li>
        ))}
      </ul>

      {report.validation.length > 0 && (
        <Block title="Validation problems">
          <ul className="list-disc pl-5 text-sm">
            {report.validation.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </Block>
      )}

      {report.failures.length > 0 && (
        <Block title="Failures">
          <ul className="flex flex-col gap-2 text-sm">
            {report.failures.map((f, i) => {
              const outcome = report.connectors.find((c) => c.name === f.name);
              return (
                <li key={`${f.name}-${i}`} className="rounded border border-red-300 p-2 dark:border-red-800">
                  <p>
                    <span className="font-mono">{f.name}</span> ({f.kind}): {f.error}
                  </p>
                  {outcome?.tasks.map((t) => (
                    <div key={t.id} className="mt-1">
                      Task {t.id} <StateBadge state={t.state} />
                      {t.trace && (
                        <details className="ml-4">
                          <summary className="cursor-pointer font-mono text-xs">{t.trace.split("\n")[0]}</summary>
                          <pre className="mt-1 max-h-96 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{t.trace}</pre>
                        </details>
                      )}
                    </div>
                  ))}
                </li>
              );
            })}
          </ul>
        </Block>
      )}

      {report.connectors.length > 0 && (
        <Block title="Outcome per connector">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-300 text-xs uppercase text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-1 pr-4">
                  Connector
                </th>
                <th scope="col" className="py-1 pr-4">
                  Actions
                </th>
                <th scope="col" className="py-1 pr-4">
                  Expected
                </th>
                <th scope="col" className="py-1 pr-4">
                  Observed
                </th>
                <th scope="col" className="py-1">
                  Result
                </th>
              </tr>
            </thead>
            <tbody>
              {report.connectors.map((c) => (
                <tr key={c.name} className="border-b border-zinc-200 align-top dark:border-zinc-800">
                  <th scope="row" className="py-1.5 pr-4 font-mono font-normal">
                    {c.name}
                  </th>
                  <td className="py-1.5 pr-4">{c.actions.join(", ") || "—"}</td>
                  <td className="py-1.5 pr-4">{c.expected ?? "—"}</td>
                  <td className="py-1.5 pr-4">{c.observed ? <StateBadge state={c.observed} /> : "—"}</td>
                  <td className="py-1.5">
                    {c.ok ? "ok" : <span className="text-red-800 dark:text-red-300">not ok{c.reason ? `: ${c.reason}` : ""}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Block>
      )}
    </section>
  );
}

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <h4 className="mb-1 text-sm font-semibold">{title}</h4>
      {children}
    </div>
  );
}
