"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import { PluginsSection } from "./plugins-section";
import { WorkersSection } from "./workers-section";

const CONNECTOR_TYPES = new Set(["source", "sink"]);

/** Each worker of a cluster (version, health, plugins) and each plugin across the workers. */
export function ClusterWorkers({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.cluster.workers.queryOptions({ id: clusterId }), refetchOnWindowFocus: false });
  const [allPlugins, setAllPlugins] = useState(false);
  const filterId = useId();

  if (query.isPending) {
    return (
      <p role="status" aria-busy="true" className="text-sm text-zinc-600 dark:text-zinc-400">
        Reading each worker…
      </p>
    );
  }
  if (query.isError) return <ErrorMessage error={query.error} />;
  const data = query.data;
  const reachable = data.workers.filter((w) => w.version !== null).length;
  const plugins = allPlugins ? data.plugins : data.plugins.filter((p) => CONNECTOR_TYPES.has(p.type));
  const flagged = data.plugins.filter((p) => !p.onAllWorkers || !p.sameVersionEverywhere).length;

  return (
    <div className="flex flex-col gap-6">
      <WorkersSection data={data} reachable={reachable} onRefetch={() => void query.refetch()} fetching={query.isFetching} />
      <PluginsSection plugins={plugins} flagged={flagged} allPlugins={allPlugins} setAllPlugins={setAllPlugins} filterId={filterId} />
    </div>
  );
}
