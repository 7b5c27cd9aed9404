import Link from "next/link";
import { buttonClasses } from "../../../components/button";
import { ChangeStatusBadge } from "../../../components/change-status-badge";
import { RelativeTime } from "../../../components/relative-time";
import { StateBadge } from "../../../components/state-badge";
import type { RouterOutputs } from "../../../trpc/types";

type Connector = RouterOutputs["connector"]["byId"];

const ACTION_LABELS = { update: "Update config", pause: "Pause", resume: "Resume", restart: "Restart", stop: "Stop", delete: "Delete" } as const;
type Action = keyof typeof ACTION_LABELS;

function actionsFor(desired: "RUNNING" | "PAUSED" | "STOPPED"): Action[] {
  const run: Action[] = desired === "RUNNING" ? ["pause", "stop"] : desired === "PAUSED" ? ["resume", "stop"] : ["resume"];
  return ["update", ...run, "restart", "delete"];
}

/** Name, state, owners and version of the connector, the changes it can propose, and the open ones touching it. */
export function ConnectorHeader({ c }: { c: Connector }) {
  const state = c.health?.state;
  return (
    <header className="flex flex-col gap-3">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/" className="text-blue-800 hover:underline dark:text-blue-300">
          Board
        </Link>{" "}
        / <span>{c.name}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="connector-title" className="text-2xl font-semibold break-all">
          {c.name}
        </h1>
        {state ? <StateBadge state={state} /> : <span className="text-sm text-zinc-600 dark:text-zinc-400">not observed yet</span>}
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Team</dt>
          <dd>{c.team?.name ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Cluster</dt>
          <dd>
            {c.cluster?.name ?? "—"} <span className="text-xs text-zinc-500">{c.cluster?.environment}</span>
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Desired state</dt>
          <dd>{c.desiredState}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Version</dt>
          <dd>
            v{c.version}
            {c.deployedVersion === null ? " · never deployed" : c.deployedVersion !== c.version ? ` · v${c.deployedVersion} deployed` : " · deployed"}
          </dd>
        </div>
      </dl>
      {c.permissions.proposeChanges ? (
        <div className="flex flex-col gap-1">
          <ul className="flex flex-wrap gap-2" aria-label="Actions">
            {actionsFor(c.desiredState).map((action) => (
              <li key={action}>
                <Link href={`/changes/new?action=${action}&connectorId=${encodeURIComponent(c.id)}`} className={buttonClasses(action === "update" ? "primary" : action === "delete" ? "danger" : "secondary")}>
                  {ACTION_LABELS[action]}
                </Link>
              </li>
            ))}
          </ul>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Actions open a prefilled change request; nothing changes on the cluster until it is approved
            {c.cluster ? ` (${c.cluster.approvalsRequired} approval${c.cluster.approvalsRequired === 1 ? "" : "s"} needed on ${c.cluster.name})` : ""} and deployed.
          </p>
        </div>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Owners of team {c.team?.name}, approvers and admins can propose changes to this connector.</p>
      )}
      {c.openChanges.length > 0 && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm dark:border-amber-800 dark:bg-amber-950">
          <p className="font-medium">Open change requests touching this connector</p>
          <ul className="mt-1 flex flex-col gap-1">
            {c.openChanges.map((cr) => (
              <li key={`${cr.id}-${cr.action}`} className="flex flex-wrap items-center gap-2">
                <ChangeStatusBadge status={cr.status} />
                <Link href={`/changes/${cr.id}`} className="text-blue-800 hover:underline dark:text-blue-300">
                  {cr.title}
                </Link>
                <span className="text-xs text-zinc-600 dark:text-zinc-400">
                  {cr.action} · by {cr.author.name} · <RelativeTime value={cr.updatedAt} />
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </header>
  );
}
