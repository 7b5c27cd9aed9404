import Link from "next/link";
import { RelativeTime } from "../../../components/relative-time";
import { RollbackButton } from "../../../components/rollback-button";
import type { RouterOutputs } from "../../../trpc/types";

type Revision = RouterOutputs["connector"]["byId"]["revisions"][number];
type KeyChange = Revision["changes"][number];

const SYMBOL = { add: "+", remove: "-", change: "~" } as const;
const COLOUR = { add: "text-green-800 dark:text-green-300", remove: "text-red-800 dark:text-red-300", change: "text-amber-800 dark:text-amber-300" } as const;

function ChangeLine({ change }: { change: KeyChange }) {
  const label = { add: "added", remove: "removed", change: "changed" }[change.op];
  return (
    <li className={`font-mono text-xs ${COLOUR[change.op]}`}>
      <span aria-hidden="true">{SYMBOL[change.op]} </span>
      <span className="sr-only">{label}: </span>
      {change.key}
      {change.sensitive ? (
        <span className="text-zinc-500 italic"> (sensitive, {label})</span>
      ) : change.op === "change" ? (
        <>
          : &quot;{change.before}&quot; <span aria-label="to">→</span> &quot;{change.after}&quot;
        </>
      ) : change.op === "add" ? (
        <>: &quot;{change.after}&quot;</>
      ) : (
        <>: &quot;{change.before}&quot;</>
      )}
    </li>
  );
}

/** Revisions newest first, each with its key-level diff from the one before (secrets as changed/unchanged only). */
export function RevisionHistory({ revisions, rollback = null }: { revisions: Revision[]; rollback?: { connectorId: string; connectorName: string } | null }) {
  if (revisions.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No revisions recorded.</p>;
  return (
    <ol className="flex flex-col gap-3">
      {revisions.map((r, i) => {
        const first = i === revisions.length - 1;
        const nothing = r.changes.length === 0 && !r.renamedFrom && !r.desiredStateFrom;
        return (
          <li key={r.version} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <p className="text-sm">
              <span className="font-semibold">v{r.version}</span> · <RelativeTime value={r.createdAt} />
              {r.changeRequest ? (
                <>
                  {" "}
                  · from{" "}
                  <Link href={`/changes/${r.changeRequest.id}`} className="text-blue-800 hover:underline dark:text-blue-300">
                    {r.changeRequest.title || "change request"}
                  </Link>
                </>
              ) : (
                <span className="text-zinc-500"> · recorded without a change request (seed or import)</span>
              )}
            </p>
            {first ? (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">First revision: created as {r.name}, desired {r.desiredState}.</p>
            ) : nothing ? (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">No configuration change.</p>
            ) : (
              <ul className="mt-2 flex flex-col gap-0.5">
                {r.renamedFrom && (
                  <li className="font-mono text-xs text-amber-800 dark:text-amber-300">
                    ~ name: &quot;{r.renamedFrom}&quot; → &quot;{r.name}&quot;
                  </li>
                )}
                {r.desiredStateFrom && (
                  <li className="font-mono text-xs text-amber-800 dark:text-amber-300">
                    ~ desired state: {r.desiredStateFrom} → {r.desiredState}
                  </li>
                )}
                {r.changes.map((c) => (
                  <ChangeLine key={`${c.op}:${c.key}`} change={c} />
                ))}
              </ul>
            )}
            {!first && r.unchangedSecretKeys.length > 0 && (
              <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">Unchanged secrets: {r.unchangedSecretKeys.join(", ")}</p>
            )}
            {rollback && i > 0 && (
              <div className="mt-2">
                <RollbackButton target={{ kind: "connector", ...rollback, version: r.version }} label={`Roll back to v${r.version}`} />
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
