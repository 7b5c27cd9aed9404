"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { Button } from "../../components/button";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { EmptyState } from "../../components/empty-state";
import { ErrorMessage } from "../../components/error-message";
import { inputClasses } from "../../components/field";
import { useTRPC } from "../../trpc/react";
import { CandidatesTable } from "./candidates-table";

type Option = { id: string; name: string };

/** Connectors already running on a cluster that Switchboard does not manage yet: pick owners and adopt them. */
export function AdoptView({ clusters, teams, canAdopt }: { clusters: Option[]; teams: Option[]; canAdopt: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [clusterId, setClusterId] = useState(clusters[0]?.id ?? "");
  const [owners, setOwners] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const candidates = useQuery({ ...trpc.adopt.listCandidates.queryOptions({ clusterId }), enabled: clusterId !== "" });
  const adopt = useMutation(
    trpc.adopt.import.mutationOptions({
      onSuccess: async () => {
        setOwners({});
        setConfirming(false);
        await queryClient.invalidateQueries({ queryKey: trpc.adopt.pathKey() });
      },
    }),
  );
  const picked = Object.entries(owners).filter(([, teamId]) => teamId !== "");
  const clusterName = clusters.find((c) => c.id === clusterId)?.name ?? "the cluster";

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <span className="flex flex-col gap-1">
          <label htmlFor={`${id}-cluster`} className="text-sm font-medium">
            Cluster
          </label>
          <select id={`${id}-cluster`} value={clusterId} onChange={(e) => { setClusterId(e.target.value); setOwners({}); }} className={`${inputClasses} w-auto`}>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </span>
        <Button onClick={() => void candidates.refetch()} loading={candidates.isFetching}>
          Reload from the cluster
        </Button>
      </div>

      {candidates.isLoading && <p className="text-sm text-zinc-600">Reading the connectors on {clusterName}…</p>}
      <ErrorMessage error={candidates.error} />
      {candidates.data && !candidates.data.ok && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {candidates.data.message}
        </p>
      )}
      {adopt.data && (
        <p role="status" className="text-sm text-green-800 dark:text-green-300">
          Adopted {adopt.data.adopted.map((a) => a.name).join(", ")}. They are on the <Link href="/" className="underline">board</Link>; their next deploy stamps them as managed.
        </p>
      )}
      {candidates.data?.ok && candidates.data.candidates.length === 0 && (
        <EmptyState title="Nothing to adopt" action={{ href: "/connectors/new", label: "Create a connector" }}>
          Every connector on {clusterName} is already managed by Switchboard.
        </EmptyState>
      )}
      {candidates.data?.ok && candidates.data.candidates.length > 0 && (
        <>
          <CandidatesTable
            clusterName={clusterName}
            candidates={candidates.data.candidates}
            teams={teams}
            owners={owners}
            onPickOwner={(name, teamId) => setOwners({ ...owners, [name]: teamId })}
            canAdopt={canAdopt}
          />
          {canAdopt ? (
            <div>
              <Button variant="primary" disabled={picked.length === 0} onClick={() => setConfirming(true)}>
                Adopt {picked.length} {picked.length === 1 ? "connector" : "connectors"}
              </Button>
            </div>
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Adopting needs an approver or an admin.</p>
          )}
        </>
      )}
      <ErrorMessage error={adopt.error} />
      <ConfirmDialog
        open={confirming}
        title={`Adopt ${picked.length} ${picked.length === 1 ? "connector" : "connectors"} from ${clusterName}?`}
        confirmLabel="Adopt"
        busy={adopt.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => adopt.mutate({ clusterId, connectors: picked.map(([name, teamId]) => ({ name, teamId })) })}
      >
        <p>Switchboard records their current config (secrets encrypted) as version 1 with these owners. Nothing on the cluster changes now.</p>
        <ul className="mt-2 list-disc pl-5">
          {picked.map(([name, teamId]) => (
            <li key={name}>
              <code>{name}</code> → {teams.find((t) => t.id === teamId)?.name}
            </li>
          ))}
        </ul>
      </ConfirmDialog>
    </div>
  );
}
