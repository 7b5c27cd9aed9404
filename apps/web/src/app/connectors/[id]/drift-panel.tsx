"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../../../components/button";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DriftedBadge } from "../../../components/drifted-badge";
import { ErrorMessage } from "../../../components/error-message";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";

type Choice = "revert" | "adopt";

/**
 * What drifted on the cluster (key names, run states, version stamps; never values) and the two
 * ways back, each a draft change request that needs approval like any change.
 */
export function DriftPanel({ connectorId, connectorName, canChange }: { connectorId: string; connectorName: string; canChange: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState<Choice | null>(null);
  const drift = useQuery({ ...trpc.drift.byConnector.queryOptions({ id: connectorId }), refetchInterval: 10_000 });
  const go = ({ id }: { id: string }) => router.push(`/changes/${encodeURIComponent(id)}`);
  const revert = useMutation(trpc.drift.revert.mutationOptions({ onSuccess: go }));
  const adopt = useMutation(trpc.drift.adopt.mutationOptions({ onSuccess: go }));
  const view = drift.data;
  if (!view) return null;
  return (
    <div role="region" aria-label="Drift" className="flex flex-col gap-2 rounded-md border border-orange-300 bg-orange-50 p-3 text-sm dark:border-orange-900 dark:bg-orange-950/40">
      <p>
        <DriftedBadge /> since <RelativeTime value={view.driftedAt} />: the live connector no longer matches its approved definition.
      </p>
      <ul className="list-inside list-disc">
        {view.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {canChange && (
        <div className="flex flex-wrap gap-2">
          <Button variant="primary" onClick={() => setOpen("revert")}>
            Revert…
          </Button>
          <Button variant="secondary" onClick={() => setOpen("adopt")}>
            Adopt live config…
          </Button>
        </div>
      )}
      <ErrorMessage error={revert.error ?? adopt.error} />
      <ConfirmDialog
        open={open !== null}
        title={open === "adopt" ? `Adopt the live config of ${connectorName}` : `Revert ${connectorName}`}
        confirmLabel="Create draft change request"
        busy={revert.isPending || adopt.isPending}
        onConfirm={() => (open === "adopt" ? adopt.mutate({ id: connectorId }) : revert.mutate({ id: connectorId }))}
        onCancel={() => setOpen(null)}
      >
        {open === "adopt"
          ? "This opens a draft change request that records what runs on the cluster now (its config, secrets kept on the server, and run state) as the next approved revision. It needs approval like any change."
          : "This opens a draft change request that redeploys the approved definition (config, secrets kept on the server, run state and version) over what drifted on the cluster. It needs approval like any change."}
      </ConfirmDialog>
    </div>
  );
}
