"use client";

import { useMutation } from "@tanstack/react-query";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import type { Cluster } from "./cluster-form";

/** Ask the cluster's workers for their version, and show the answer or the error. */
export function TestConnection({ cluster }: { cluster: Cluster }) {
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
