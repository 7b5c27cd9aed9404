import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RelativeTime } from "../../../components/relative-time";
import { StateBadge } from "../../../components/state-badge";
import { requireSessionUser } from "../../../server/auth";
import { isNotFoundError } from "../../../trpc/errors";
import { api } from "../../../trpc/server";
import { ConfigTable } from "./config-table";
import { ConnectorHeader } from "./connector-header";
import { Contacts } from "./contacts";
import { DriftPanel } from "./drift-panel";
import { IncidentsTable } from "./incidents-table";
import { LabelsEditor } from "./labels-editor";
import { LiveStatus } from "./live-status";
import { MovePanel } from "./move-panel";
import { OffsetsPanel } from "./offsets-panel";
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

  return (
    <article aria-labelledby="connector-title" className="flex flex-col gap-8">
      <ConnectorHeader c={c} />

      <Section id="labels-title" title="Labels">
        <LabelsEditor connectorId={c.id} labels={c.labels} canEdit={c.permissions.manage} />
      </Section>

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
        <DriftPanel connectorId={c.id} connectorName={c.name} canChange={c.permissions.proposeChanges} />
        <LiveStatus connectorId={c.id} />
      </Section>

      <Section id="offsets-title" title="Offsets">
        {c.cluster && <OffsetsPanel connectorId={c.id} connectorName={c.name} clusterId={c.cluster.id} canChange={c.permissions.proposeChanges} />}
      </Section>

      {c.cluster && c.permissions.proposeChanges && (
        <Section id="move-title" title="Cluster">
          <MovePanel connectorId={c.id} connectorName={c.name} clusterId={c.cluster.id} />
        </Section>
      )}

      <Section id="config-title" title="Configuration">
        <ConfigTable name={c.name} config={c.config} />
      </Section>

      <Section id="history-title" title="History of approved revisions">
        <RevisionHistory revisions={c.revisions} rollback={c.permissions.proposeChanges ? { connectorId: c.id, connectorName: c.name } : null} />
      </Section>

      <Section id="incidents-title" title="Incidents">
        <IncidentsTable incidents={c.incidents} />
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
