"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "../trpc/react";
import { Button } from "./button";
import { ConfirmDialog } from "./confirm-dialog";
import { ErrorMessage } from "./error-message";

type Target = { kind: "connector"; connectorId: string; connectorName: string; version: number } | { kind: "deployment"; deploymentId: string };

/**
 * "Roll back": opens a prefilled draft change request (never a direct change), which goes through
 * the normal approval policy; its author cannot approve it.
 */
export function RollbackButton({ target, label }: { target: Target; label: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const go = ({ id }: { id: string }) => router.push(`/changes/${encodeURIComponent(id)}`);
  const connector = useMutation(trpc.rollback.connector.mutationOptions({ onSuccess: go }));
  const deployment = useMutation(trpc.rollback.deployment.mutationOptions({ onSuccess: go }));
  const me = useQuery(trpc.me.queryOptions());
  const pending = connector.isPending || deployment.isPending;
  // Viewers cannot propose changes (the server refuses them too).
  if (me.data?.role === "viewer") return null;
  const confirm = () => (target.kind === "connector" ? connector.mutate({ id: target.connectorId, version: target.version }) : deployment.mutate({ id: target.deploymentId }));
  return (
    <div className="flex flex-col items-start gap-1">
      <Button onClick={() => setOpen(true)}>{label}</Button>
      <ErrorMessage error={connector.error ?? deployment.error} />
      <ConfirmDialog open={open} title={label} confirmLabel="Create draft change request" busy={pending} onConfirm={confirm} onCancel={() => setOpen(false)}>
        {target.kind === "connector"
          ? `This opens a draft change request that brings ${target.connectorName} back to version ${target.version}: its config (secrets as they were then, kept on the server) and desired state. It needs approval like any change.`
          : "This opens a draft change request undoing every connector this deployment touched: created ones deleted, updated ones back to their previous revision, run states back, offsets back to the snapshot it took, deleted ones created again. It needs approval like any change."}
      </ConfirmDialog>
    </div>
  );
}
