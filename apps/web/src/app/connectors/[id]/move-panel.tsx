"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";

type Props = { connectorId: string; connectorName: string; clusterId: string };

/**
 * A draft change request moving the connector to another cluster. The server checks the target
 * (another cluster, the name free there) and the approvals (the stricter of the two clusters').
 */
export function MovePanel({ connectorId, connectorName, clusterId }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState("");
  const clusters = useQuery({ ...trpc.cluster.list.queryOptions(), enabled: open });
  const create = useMutation(trpc.changeRequest.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/changes/${encodeURIComponent(id)}`) }));
  const others = (clusters.data ?? []).filter((c) => c.id !== clusterId);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const to = others.find((c) => c.id === target);
    if (!to) return;
    create.mutate({ clusterId, title: `Move ${connectorName} to ${to.name}`, rationale: "", items: [{ action: "move", connectorId, targetClusterId: to.id }] });
  };

  if (!open) {
    return (
      <div>
        <Button onClick={() => setOpen(true)} aria-expanded={false}>
          Move to another cluster…
        </Button>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-2" aria-busy={clusters.isLoading || undefined}>
      <ErrorMessage error={clusters.error} />
      {clusters.data && others.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">There is no other cluster to move it to; an admin adds clusters under Clusters.</p>
      ) : (
        <>
          <label htmlFor="move-target" className="text-sm font-medium">
            Target cluster
          </label>
          <select
            id="move-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            required
            className="max-w-sm rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900"
          >
            <option value="">Pick a cluster…</option>
            {others.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.environment}, {c.approvalsRequired} approval{c.approvalsRequired === 1 ? "" : "s"})
              </option>
            ))}
          </select>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Once approved (by the stricter of the two clusters&apos; policies) and deployed, {connectorName} is stopped here, created stopped on the target with its offsets, started there and
            deleted here. It keeps its id, history and owners.
          </p>
        </>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" loading={create.isPending} disabled={!target}>
          Create draft change request
        </Button>
        <Button onClick={() => setOpen(false)}>Cancel</Button>
      </div>
      <ErrorMessage error={create.error} />
    </form>
  );
}
