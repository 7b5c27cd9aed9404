"use client";

import { useMutation } from "@tanstack/react-query";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";

/**
 * "Write to Git": once a conflict was resolved in the repository, writes the deployed state now
 * instead of at the next deploy (the same job and conflict rule; nothing is forced).
 */
export function WriteGitButton({ cluster }: { cluster: { id: string; name: string } }) {
  const trpc = useTRPC();
  const write = useMutation(trpc.cluster.writeGit.mutationOptions());
  return (
    <div className="flex flex-col items-start gap-1">
      <Button className="px-2 py-1 text-xs" loading={write.isPending} onClick={() => write.mutate({ id: cluster.id })}>
        Write to Git<span className="sr-only"> for {cluster.name}</span>
      </Button>
      <span role="status" className="text-xs">
        {write.data && <span className="text-green-800 dark:text-green-300">✓ Queued: the worker writes the deployed state (see Clusters for the outcome)</span>}
      </span>
      <ErrorMessage error={write.error} />
    </div>
  );
}
