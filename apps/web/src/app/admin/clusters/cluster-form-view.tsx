"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { Field, FieldShell, inputClasses } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import { CLUSTER_CREDENTIAL_PREFIX, EMPTY, toClusterInput, toDraft, validateDraft, type Cluster, type Draft } from "./cluster-form";
import { ClusterGitFields } from "./cluster-git-fields";

/** Create a cluster, or edit one: connection, credentials' env vars, approval policy, polling and the Git mirror. */
export function ClusterForm({ cluster, onDone }: { cluster: Cluster | null; onDone: () => void }) {
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
      <ClusterGitFields draft={draft} set={set} shown={shown} gitCommit={cluster?.gitCommit ?? null} />
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
