"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button, buttonClasses } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { Field, FieldShell, inputClasses } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import { WriteGitButton } from "./write-git-button";
import { CLUSTER_CREDENTIAL_PREFIX, DEFAULT_GIT_BRANCH, defaultGitPath, EMPTY, toClusterInput, toDraft, validateDraft, type Cluster, type Draft } from "./cluster-form";

function ClusterForm({ cluster, onDone }: { cluster: Cluster | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(cluster ? toDraft(cluster) : EMPTY);
  const [touched, setTouched] = useState(false);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.cluster.list.queryKey() });
  const create = useMutation(trpc.cluster.create.mutationOptions({ onSuccess: async () => { await invalidate(); onDone(); } }));
  const update = useMutation(trpc.cluster.update.mutationOptions({ onSuccess: async () => { await invalidate(); onDone(); } }));
  const errors = validateDraft(draft);
  const shown = (key: keyof Draft) => (touched || draft[key] !== (cluster ? toDraft(cluster) : EMPTY)[key] ? errors[key] : undefined);
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length > 0) return;
    const input = toClusterInput(draft);
    if (cluster) update.mutate({ id: cluster.id, ...input });
    else create.mutate(input);
  };
  const pending = create.isPending || update.isPending;

  return (
    <form onSubmit={submit} noValidate aria-label={cluster ? `Edit cluster ${cluster.name}` : "New cluster"} className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-950">
      <h2 className="text-base font-semibold">{cluster ? `Edit ${cluster.name}` : "New cluster"}</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" value={draft.name} onChange={set("name")} error={shown("name")} required />
        <Field label="Environment" description="A label such as prod, staging, dev" value={draft.environment} onChange={set("environment")} error={shown("environment")} required />
      </div>
      <FieldShell label="Connect worker URLs" description="One per line: any workers of this one Connect cluster" error={shown("connectUrls")}>
        {(control) => <textarea {...control} rows={3} value={draft.connectUrls} onChange={set("connectUrls")} placeholder="http://connect-1:8083" className={`${inputClasses} font-mono`} />}
      </FieldShell>
      <Field label="Kafka bootstrap servers" optional description="For topic creation, e.g. broker-1:9092,broker-2:9092" value={draft.bootstrapServers} onChange={set("bootstrapServers")} />
      <Field label="Connect status topic" optional description="The workers' status.storage.topic (e.g. connect-status): failures are seen as they happen instead of at the next poll. Needs the bootstrap servers." value={draft.statusTopic} onChange={set("statusTopic")} error={shown("statusTopic")} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Basic-auth username env var"
          optional
          description={`Name of the variable holding the username; must start with ${CLUSTER_CREDENTIAL_PREFIX}`}
          placeholder={`${CLUSTER_CREDENTIAL_PREFIX}PROD_USER`}
          value={draft.authUsernameEnv}
          onChange={set("authUsernameEnv")}
          error={shown("authUsernameEnv")}
          spellCheck={false}
          className="font-mono"
        />
        <Field
          label="Basic-auth password env var"
          optional
          description={`Name of the variable holding the password; must start with ${CLUSTER_CREDENTIAL_PREFIX}. The secret stays in the environment`}
          placeholder={`${CLUSTER_CREDENTIAL_PREFIX}PROD_PASSWORD`}
          value={draft.authPasswordEnv}
          onChange={set("authPasswordEnv")}
          error={shown("authPasswordEnv")}
          spellCheck={false}
          className="font-mono"
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Approvals required" description="Approval policy: 0 to 5 approvals before a deploy (e.g. prod 2, dev 0)" type="number" min={0} max={5} value={draft.approvalsRequired} onChange={set("approvalsRequired")} error={shown("approvalsRequired")} />
        <Field label="Health poll interval (seconds)" description="At least 5" type="number" min={5} max={3600} value={draft.monitorIntervalSeconds} onChange={set("monitorIntervalSeconds")} error={shown("monitorIntervalSeconds")} />
        <Field
          label="Connect request timeout (s)"
          description="How long one request to a Connect worker may take: 5 to 600 seconds (default 120)"
          type="number"
          min={5}
          max={600}
          value={draft.requestTimeoutSeconds}
          onChange={set("requestTimeoutSeconds")}
          error={shown("requestTimeoutSeconds")}
        />
      </div>
      <fieldset className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <legend className="px-1 text-sm font-medium">Git mirror</legend>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Each deployed change commits this cluster&rsquo;s state file (secrets shown as &ldquo;(sensitive)&rdquo;) to the repository. A file changed there by someone else is never overwritten: an incident is opened instead.
        </p>
        <Field
          label="Repository"
          optional
          description="An absolute path on the server, a file:// URL, or an https:// or ssh:// URL without credentials (the worker uses its own SSH key or credential helper). Empty: no mirror"
          placeholder="https://git.example.com/platform/connect-state.git"
          value={draft.gitRepository}
          onChange={set("gitRepository")}
          error={shown("gitRepository")}
          spellCheck={false}
          className="font-mono"
        />
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Branch" optional description={`Default ${DEFAULT_GIT_BRANCH}`} placeholder={DEFAULT_GIT_BRANCH} value={draft.gitBranch} onChange={set("gitBranch")} error={shown("gitBranch")} spellCheck={false} className="font-mono" />
          <Field
            label="State file path"
            optional
            description="Relative to the repository root, a .json file"
            placeholder={defaultGitPath(draft.name.trim() || "<name>")}
            value={draft.gitPath}
            onChange={set("gitPath")}
            error={shown("gitPath")}
            spellCheck={false}
            className="font-mono"
          />
        </div>
        {cluster?.gitCommit && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Last commit written: <code>{cluster.gitCommit.slice(0, 12)}</code>. Changing the repository, branch or path starts over from the branch&rsquo;s head.
          </p>
        )}
      </fieldset>
      <ErrorMessage error={create.error ?? update.error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" loading={pending}>
          {cluster ? "Save cluster" : "Create cluster"}
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

function TestConnection({ cluster }: { cluster: Cluster }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.cluster.testConnection.mutationOptions());
  const result = test.data;
  return (
    <div className="flex flex-col items-start gap-1">
      <Button className="px-2 py-1 text-xs" loading={test.isPending} onClick={() => test.mutate({ id: cluster.id })}>
        Test connection<span className="sr-only"> to {cluster.name}</span>
      </Button>
      <span role="status" className="text-xs">
        {result?.ok === true && <span className="text-green-800 dark:text-green-300">✓ Kafka Connect {result.version} (cluster {result.kafkaClusterId})</span>}
        {result?.ok === false && <span className="text-red-700 dark:text-red-400">✕ {result.error}</span>}
      </span>
      <ErrorMessage error={test.error} />
    </div>
  );
}

/** Clusters: list, create, edit (approval policy included), test the connection. */
export function ClustersAdmin() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.cluster.list.queryOptions());
  const [editing, setEditing] = useState<Cluster | "new" | null>(null);
  return (
    <section aria-labelledby="clusters-title" className="flex flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 id="clusters-title" className="text-xl font-semibold">
          Clusters
        </h1>
        {editing === null && (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New cluster
          </Button>
        )}
      </div>
      {editing !== null && <ClusterForm key={editing === "new" ? "new" : editing.id} cluster={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      <ErrorMessage error={clusters.error} />
      {!clusters.data ? (
        !clusters.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading clusters…</p>
      ) : clusters.data.length === 0 ? (
        <EmptyState title="No clusters yet">Add your Kafka Connect cluster with &ldquo;New cluster&rdquo;: its worker URLs and how many approvals a change needs.</EmptyState>
      ) : (
        <DataTable caption="Clusters">
          <DataTableHead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Environment</th>
              <th scope="col">Connect workers</th>
              <th scope="col">Auth env vars</th>
              <th scope="col">Approvals</th>
              <th scope="col">Poll</th>
              <th scope="col">Timeout</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </DataTableHead>
          <tbody>
            {clusters.data.map((c) => (
              <tr key={c.id}>
                <th scope="row" className="font-medium">
                  {c.name}
                </th>
                <td>{c.environment}</td>
                <td className="font-mono text-xs">
                  {c.connectUrls.map((u) => (
                    <div key={u}>{u}</div>
                  ))}
                </td>
                <td className="font-mono text-xs">{c.authUsernameEnv || c.authPasswordEnv ? `${c.authUsernameEnv ?? "—"} / ${c.authPasswordEnv ?? "—"}` : "none"}</td>
                <td className="tabular-nums">{c.approvalsRequired}</td>
                <td className="tabular-nums">{c.monitorIntervalSeconds} s</td>
                <td className="tabular-nums">{c.requestTimeoutSeconds} s</td>
                <td>
                  <div className="flex flex-wrap items-start gap-2">
                    <Button className="px-2 py-1 text-xs" onClick={() => setEditing(c)}>
                      Edit<span className="sr-only"> {c.name}</span>
                    </Button>
                    <TestConnection cluster={c} />
                    {c.gitRepository && <WriteGitButton cluster={c} />}
                    <Link href={`/clusters/${encodeURIComponent(c.id)}`} className={`${buttonClasses()} px-2 py-1 text-xs`}>
                      Workers<span className="sr-only"> of {c.name}</span>
                    </Link>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
