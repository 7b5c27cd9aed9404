import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { buttonClasses } from "../../../components/button";
import { ChangeStatusBadge } from "../../../components/change-status-badge";
import { hasRedactedCredentials, MASK } from "../../../components/config-fields";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { RelativeTime } from "../../../components/relative-time";
import { StateBadge } from "../../../components/state-badge";
import { requireSessionUser } from "../../../server/auth";
import { isNotFoundError } from "../../../trpc/errors";
import { api } from "../../../trpc/server";
import { Contacts } from "./contacts";
import { LiveStatus } from "./live-status";
import { RestartPolicyForm } from "./restart-policy-form";
import { RevisionHistory } from "./revision-history";

type Params = { params: Promise<{ id: string }> };

async function load(id: string) {
  try {
    return await api.connector.byId({ id });
  } catch (err) {
    if (isNotFoundError(err)) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  const c = await api.connector.byId({ id }).catch(() => null);
  return { title: c?.name ?? "Connector" };
}

const ACTION_LABELS = { update: "Update config", pause: "Pause", resume: "Resume", restart: "Restart", stop: "Stop", delete: "Delete" } as const;
type Action = keyof typeof ACTION_LABELS;

function actionsFor(desired: "RUNNING" | "PAUSED" | "STOPPED"): Action[] {
  const run: Action[] = desired === "RUNNING" ? ["pause", "stop"] : desired === "PAUSED" ? ["resume", "stop"] : ["resume"];
  return ["update", ...run, "restart", "delete"];
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function ConnectorPage({ params }: Params) {
  await requireSessionUser();
  const { id } = await params;
  const c = await load(id);
  const state = c.health?.state;

  return (
    <article aria-labelledby="connector-title" className="flex flex-col gap-8">
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

      <Section id="status-title" title="Status and tasks">
        {c.health ? (
          <p className="text-sm">
            <StateBadge state={c.health.state} /> · tasks {c.health.tasksRunning}/{c.health.tasksTotal} running
            {c.health.tasksFailed > 0 && `, ${c.health.tasksFailed} failed`}
            {c.health.workerId && ` · worker ${c.health.workerId}`} · observed <RelativeTime value={c.health.observedAt} />
          </p>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">The health monitor has not observed this connector yet (it may not be deployed).</p>
        )}
        {c.health?.lastTrace && (
          <details className="rounded-md border border-red-200 bg-red-50 p-2 text-sm dark:border-red-900 dark:bg-red-950/40">
            <summary className="cursor-pointer">
              Last failure{c.health.lastFailureAt && <> (<RelativeTime value={c.health.lastFailureAt} />)</>}: <code>{c.health.lastFailureLine}</code>
            </summary>
            <pre className="mt-2 max-h-96 overflow-auto text-xs whitespace-pre">{c.health.lastTrace}</pre>
          </details>
        )}
        <LiveStatus connectorId={c.id} />
      </Section>

      <Section id="config-title" title="Configuration">
        <DataTable caption={`Configuration of ${c.name} (secret values masked)`}>
          <DataTableHead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
            </tr>
          </DataTableHead>
          <tbody>
            {Object.entries(c.config).map(([key, value]) => (
              <tr key={key}>
                <th scope="row" className="font-mono text-xs font-normal">
                  {key}
                </th>
                <td className="font-mono text-xs break-all">
                  {value === MASK ? (
                    <span className="text-zinc-500 italic">{MASK}</span>
                  ) : (
                    <>
                      {value}
                      {hasRedactedCredentials(value) && <span className="ml-2 font-sans whitespace-nowrap text-zinc-600 dark:text-zinc-400">(credentials hidden)</span>}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      </Section>

      <Section id="history-title" title="History of approved revisions">
        <RevisionHistory revisions={c.revisions} />
      </Section>

      <Section id="incidents-title" title="Incidents">
        {c.incidents.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No incidents: this connector has not failed since Switchboard has been watching it.</p>
        ) : (
          <DataTable caption="Incidents, newest first">
            <DataTableHead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Opened</th>
                <th scope="col">Closed</th>
                <th scope="col">Auto-restarts</th>
                <th scope="col">Trace</th>
              </tr>
            </DataTableHead>
            <tbody>
              {c.incidents.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.state === "open" ? (
                      <span className="rounded border border-red-700/40 bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-900 dark:bg-red-950 dark:text-red-200">✕ open</span>
                    ) : (
                      <span className="rounded border border-zinc-500/40 px-1.5 py-0.5 text-xs text-zinc-700 dark:text-zinc-300">✓ closed</span>
                    )}
                  </td>
                  <td>
                    <RelativeTime value={i.openedAt} />
                  </td>
                  <td>{i.closedAt ? <RelativeTime value={i.closedAt} /> : "—"}</td>
                  <td className="tabular-nums">{i.restartAttempts}</td>
                  <td className="max-w-md">
                    {i.trace ? (
                      <details>
                        <summary className="cursor-pointer truncate font-mono text-xs">{i.traceLine}</summary>
                        <pre className="mt-1 max-h-72 overflow-auto text-xs whitespace-pre">{i.trace}</pre>
                      </details>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </Section>

      <Section id="policy-title" title="Restart policy">
        <RestartPolicyForm connectorId={c.id} policy={c.restartPolicy} canEdit={c.permissions.manage} />
      </Section>

      <Section id="contacts-title" title="Contacts">
        <Contacts connectorId={c.id} contacts={c.contacts} teamContacts={c.teamContacts} teamName={c.team?.name ?? ""} canEdit={c.permissions.manage} />
      </Section>
    </article>
  );
}
