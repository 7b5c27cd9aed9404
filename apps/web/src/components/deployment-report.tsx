import type { ReactNode } from "react";
import type { RouterOutputs } from "../trpc/types";
import { DeploymentFailures, DeploymentOutcomes } from "./deployment-outcomes";
import { DeploymentReportFacts, DeploymentReportSummary } from "./deployment-report-summary";
import { DeploymentTopics, type TopicOutcomeRow } from "./deployment-topics";
import { MoveReportView } from "./move-report";
import { OffsetsTable } from "./offsets-table";
import { RollbackButton } from "./rollback-button";

export type DeploymentReport = NonNullable<RouterOutputs["deployment"]["byId"]["report"]>;

/** The final report of a deployment: outcome, who asked and approved, what changed, failures, per-connector results. */
export function DeploymentReportView({ deploymentId, report, topics = [] }: { deploymentId: string; report: DeploymentReport; topics?: TopicOutcomeRow[] }) {
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

      <DeploymentReportFacts report={report} />

      <DeploymentReportSummary report={report} />

      {report.validation.length > 0 && (
        <Block title="Validation problems">
          <ul className="list-disc pl-5 text-sm">
            {report.validation.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </Block>
      )}

      {(report.notAttempted ?? []).length > 0 && (
        <Block title={`Not attempted (${report.notAttempted?.length ?? 0}): the apply halted, these were left untouched`}>
          <p className="font-mono text-xs break-words" data-testid="not-attempted">
            {report.notAttempted?.join(", ")}
          </p>
        </Block>
      )}

      {report.failures.length > 0 && (
        <Block title="Failures">
          <DeploymentFailures report={report} />
        </Block>
      )}

      {report.connectors.length > 0 && (
        <Block title="Outcome per connector">
          <DeploymentOutcomes connectors={report.connectors} />
        </Block>
      )}

      {topics.length > 0 && (
        <Block title="Topics">
          <DeploymentTopics topics={topics} />
        </Block>
      )}

      {(report.offsets ?? []).map((o) => (
        <Block key={o.name} title={`Offsets of ${o.name}: snapshot before the ${o.kind}, and after`}>
          <OffsetsTable caption={`Offsets of ${o.name} before and after`} offsets={o.snapshot} after={o.after} />
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            {o.ok ? `Read back while stopped; brought back to ${o.restored ?? "its state"}.` : `Failed: ${o.error ?? "unknown"}`}
            {o.snapshot === null && " No snapshot was taken (nothing was changed)."}
          </p>
        </Block>
      ))}

      {(report.moves ?? []).map((m) => (
        <Block key={m.id} title={`Move of ${m.name}: ${m.from.name} → ${m.to.name}`}>
          <MoveReportView move={m} />
        </Block>
      ))}

      {report.plan !== null && <RollbackButton target={{ kind: "deployment", deploymentId }} label="Roll back this deployment" />}
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
