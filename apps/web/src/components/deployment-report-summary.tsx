import type { DeploymentReport } from "./deployment-report";

const LISTS = ["added", "updated", "removed", "paused", "resumed", "stopped", "restarted", "skipped"] as const;

/** Who asked for the deployment and who approved it, how it was applied and verified. */
export function DeploymentReportFacts({ report }: { report: DeploymentReport }) {
  return (
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
      {report.applyOptions && (
        <>
          <dt className="text-zinc-600 dark:text-zinc-400">Applied</dt>
          <dd>
            {report.applyOptions.concurrency} at a time, at most {report.applyOptions.ratePerSecond} per second, halting after {report.applyOptions.haltAfterFailures} failures
          </dd>
        </>
      )}
      {report.verification && (
        <>
          <dt className="text-zinc-600 dark:text-zinc-400">Verification</dt>
          <dd>
            {report.verification.ok ? "passed" : "failed"} in {(report.verification.durationMs / 1000).toFixed(1)} s
          </dd>
        </>
      )}
    </dl>
  );
}

/** How many connectors each outcome holds, with their names. */
export function DeploymentReportSummary({ report }: { report: DeploymentReport }) {
  return (
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
  );
}
