"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "../../components/button";
import { picksConnector, toItemRequest, type ItemDraft } from "../../components/change-item-drafts";
import { ChangeItemsEditor } from "../../components/change-items-editor";
import { ErrorMessage } from "../../components/error-message";
import { Field, FieldShell, inputClasses } from "../../components/field";
import { useTRPC } from "../../trpc/react";

type Option = { id: string; name: string };
export type ClusterOption = Option & { environment: string; approvalsRequired: number };

export type ChangeRequestFormProps = {
  /** Set when editing an existing change request. */
  changeRequestId?: string;
  initial: { clusterId: string; title: string; rationale: string; items: ItemDraft[] };
  clusters: ClusterOption[];
  /** Teams the author may create connectors for. */
  teams: Option[];
  mineOnly: boolean;
};

/**
 * Title, rationale, cluster and the items of a change request. Ctrl/Cmd+Enter saves; on an error
 * everything typed stays in place.
 */
export function ChangeRequestForm({ changeRequestId, initial, clusters, teams, mineOnly }: ChangeRequestFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [clusterId, setClusterId] = useState(initial.clusterId || (clusters.length === 1 ? (clusters[0]?.id ?? "") : ""));
  const [title, setTitle] = useState(initial.title);
  const [rationale, setRationale] = useState(initial.rationale);
  const [items, setItems] = useState<ItemDraft[]>(initial.items);
  const [problem, setProblem] = useState<string | null>(null);

  const done = async (id: string) => {
    await queryClient.invalidateQueries({ queryKey: trpc.changeRequest.pathKey() });
    router.push(`/changes/${id}`);
  };
  const create = useMutation(trpc.changeRequest.create.mutationOptions({ onSuccess: (r) => done(r.id) }));
  const update = useMutation(trpc.changeRequest.update.mutationOptions({ onSuccess: (r) => done(r.id) }));
  const mutation = changeRequestId ? update : create;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!clusterId) return setProblem("Pick a cluster.");
    if (items.length === 0) return setProblem("Add at least one change.");
    const unpicked = items.findIndex((i) => picksConnector(i.action) && !i.connectorId);
    if (unpicked >= 0) return setProblem(`Change ${unpicked + 1}: pick a connector.`);
    setProblem(null);
    const requests = items.map(toItemRequest);
    if (changeRequestId) update.mutate({ id: changeRequestId, title, rationale, items: requests });
    else create.mutate({ clusterId, title, rationale, items: requests });
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  }

  const cluster = clusters.find((c) => c.id === clusterId);
  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} className="flex flex-col gap-5" noValidate>
      <Field label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} placeholder="e.g. Raise payments-ledger to 2 tasks" />
      <FieldShell label="Rationale" description="Why this change, and how to tell it worked. Reviewers read this first." optional>
        {(control) => <textarea {...control} value={rationale} onChange={(e) => setRationale(e.target.value)} rows={4} className={inputClasses} />}
      </FieldShell>
      <FieldShell label="Cluster" description={cluster ? `${cluster.environment}: ${cluster.approvalsRequired} ${cluster.approvalsRequired === 1 ? "approval" : "approvals"} required before deploy.` : undefined}>
        {(control) => (
          <select {...control} value={clusterId} disabled={changeRequestId !== undefined} onChange={(e) => setClusterId(e.target.value)} className={`${inputClasses} w-auto`}>
            <option value="">Pick a cluster…</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.environment})
              </option>
            ))}
          </select>
        )}
      </FieldShell>
      <section aria-labelledby="items-heading" className="flex flex-col gap-2">
        <h2 id="items-heading" className="text-base font-semibold">
          Changes
        </h2>
        <ChangeItemsEditor items={items} onChange={setItems} clusterId={clusterId} teams={teams} mineOnly={mineOnly} />
      </section>
      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
      <ErrorMessage error={mutation.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={mutation.isPending}>
          {changeRequestId ? "Save changes" : "Create draft"}
        </Button>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> {changeRequestId ? "saves" : "creates the draft"}
          {changeRequestId ? "; saving dismisses approvals given so far." : "; it is not deployed until reviewed."}
        </span>
      </div>
    </form>
  );
}
