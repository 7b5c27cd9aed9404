"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPCClient } from "../trpc/react";
import { useDebouncedValue } from "./use-debounced-value";

/**
 * The cluster's own validator on a config while it is being typed: asks 600 ms after the last
 * change, keeps showing the previous verdict meanwhile. Disabled without a cluster or a class.
 * The config may hold passwords, so it is sent as a POST body (a tRPC mutation), never in a URL;
 * the answer is still cached like a query.
 */
export function useClusterValidation(clusterId: string, config: Record<string, string>, name: string) {
  const client = useTRPCClient();
  const input = useDebouncedValue({ clusterId, config, name }, 600);
  const connectorClass = (input.config["connector.class"] ?? "").trim();
  const query = useQuery({
    queryKey: ["changeRequest.validate", input.clusterId, connectorClass, input.config, input.name],
    queryFn: () => client.changeRequest.validate.mutate({ clusterId: input.clusterId, connectorClass, config: input.config, name: input.name || undefined }),
    enabled: input.clusterId !== "" && connectorClass !== "",
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
  const result = query.data;
  return {
    checking: query.isFetching,
    reachable: result ? result.reachable : null,
    unreachableMessage: result && !result.reachable ? result.message : null,
    errors: result?.reachable ? result.errors : {},
    general: result?.reachable ? result.general : [],
    passwordKeys: result?.reachable ? result.passwordKeys : [],
    valid: result?.reachable ? result.valid : null,
    requestError: query.error,
  };
}

export type ClusterValidation = ReturnType<typeof useClusterValidation>;
