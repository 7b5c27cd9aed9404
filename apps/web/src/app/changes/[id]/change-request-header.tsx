import Link from "next/link";
import { Button } from "../../../components/button";
import { ChangeStatusBadge } from "../../../components/change-status-badge";
import { RelativeTime } from "../../../components/relative-time";
import type { RouterOutputs } from "../../../trpc/types";
import { describeWriters, statusNoteTitle } from "./change-request-display";
import type { ChangeRequestActions } from "./use-change-request-actions";

type Detail = RouterOutputs["changeRequest"]["byId"];

/** Title, status, author and writers of the change request. */
export function ChangeRequestHeader({ cr }: { cr: Detail }) {
  return (
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
  );
}

/** Why it ended, what blocks its deploy, and whether it is stale: the notes above the review. */
export function ChangeRequestNotices({ cr, ended, blocking, actions }: { cr: Detail; ended: boolean; blocking: string[]; actions: ChangeRequestActions }) {
  const { refresh } = actions;
  const noteTitle = statusNoteTitle(cr.status);
  const rejection = cr.status === "rejected" ? [...cr.reviews].reverse().find((r) => r.decision === "reject") : undefined;
  return (
    <>
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
          {cr.permissions.canRefresh.allowed && (
            <Button onClick={() => refresh.mutate({ id: cr.id })} loading={refresh.isPending}>
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
    </>
  );
}
