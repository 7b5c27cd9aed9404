import type { ReactNode } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import type { RouterOutputs } from "../../../trpc/types";

export type PreviewResult = RouterOutputs["changeRequest"]["preview"];
type OkPreview = Extract<PreviewResult, { ok: true }>;
/** A preview that holds a plan: the live one, or the one an ended change request's deploy ran. */
export type PlannedPreview = OkPreview & { plan: NonNullable<OkPreview["plan"]> };

/** The plan against the live cluster with the validator's verdict, or for an ended change request (`recorded`) the plan its deploy ran. */
export function PlanSummary({ query, recorded, onRetry }: { query: { data: PreviewResult | undefined; isLoading: boolean; isFetching: boolean; error: unknown }; recorded: boolean; onRetry: () => void }) {
  const data = query.data;
  let body: ReactNode;
  if (query.isLoading) body = <p className="text-zinc-600 dark:text-zinc-400">{recorded ? "Loading the recorded plan…" : "Planning against the live cluster…"}</p>;
  else if (query.error) body = <ErrorMessage error={query.error} />;
  else if (data && !data.ok) body = <p className="text-amber-800 dark:text-amber-300">{data.message}</p>;
  else if (data?.ok && !data.plan) body = <p className="text-zinc-600 dark:text-zinc-400">{recorded ? "No deploy ran, so no plan was recorded." : "No plan was recorded for this change request."}</p>;
  else if (data?.ok && data.plan) {
    const s = data.plan.summary;
    const topics = (n: number, what: string) => (n > 0 ? [`${n} ${n === 1 ? "topic" : "topics"} to ${what}`] : []);
    const parts = [
      `${s.create} to create`,
      `${s.update} to update`,
      `${s.delete} to delete`,
      ...(["pause", "resume", "stop", "restart"] as const).filter((k) => s[k] > 0).map((k) => `${s[k]} to ${k}`),
      ...topics(data.plan.topicsToCreate.length, "create"),
      ...topics(data.plan.topicsToDelete.length, "delete"),
    ];
    const generalProblems = data.problems.filter((p) => p.connector === null);
    body = (
      <>
        <p>
          {recorded && <span className="text-zinc-600 dark:text-zinc-400">The plan the deploy ran: </span>}
          <span className="font-medium">{data.plan.hasChanges ? parts.join(", ") : (data.moves ?? []).length > 0 ? "No other changes on the cluster." : "No changes on the cluster."}</span>
          {s.unchanged > 0 && <span className="text-zinc-600 dark:text-zinc-400">; {s.unchanged} unchanged</span>}
          {s.skip > 0 && <span className="text-zinc-600 dark:text-zinc-400">; {s.skip} skipped</span>}
        </p>
        {(data.moves ?? []).map((m) => (
          <p key={m.connectorName}>
            <span className="font-medium">Move</span> <code>{m.connectorName}</code> from {m.from.name} to {m.to.name} (with its offsets; checked on both clusters).
          </p>
        ))}
        {!recorded &&
          (data.valid ? (
            <p className="text-green-800 dark:text-green-300">✓ Valid: the cluster&apos;s validator accepts every config and nothing conflicts.</p>
          ) : (
            <>
              {data.problems.length > 0 && <p className="text-red-800 dark:text-red-300">✕ The cluster&apos;s validator reports problems (see the changes below).</p>}
              {data.conflicts.length > 0 && <p className="text-red-800 dark:text-red-300">✕ Conflicts on the cluster block this deploy (listed above).</p>}
            </>
          ))}
        {data.topics && !data.topics.checked && <p className="text-amber-800 dark:text-amber-300">Topics not checked: {data.topics.reason}</p>}
        {generalProblems.map((p) => (
          <p key={p.message} className="text-red-800 dark:text-red-300">
            {p.message}
          </p>
        ))}
        {/* Warnings about the cluster rather than one connector, e.g. a worker that did not answer. */}
        {data.risks
          .filter((r) => r.connector === null)
          .map((r) => (
            <p key={`${r.code}:${r.message}`} className="text-amber-800 dark:text-amber-300">
              <span aria-hidden="true">⚠ </span>
              {r.message}
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
