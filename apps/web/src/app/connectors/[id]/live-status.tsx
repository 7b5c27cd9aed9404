"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorMessage } from "../../../components/error-message";
import { StateBadge } from "../../../components/state-badge";
import { useTRPC } from "../../../trpc/react";

/** Task states read from the cluster now (refreshed every 10 s), with failed tasks' traces. */
export function LiveStatus({ connectorId }: { connectorId: string }) {
  const trpc = useTRPC();
  const live = useQuery({ ...trpc.connector.liveStatus.queryOptions({ id: connectorId }), refetchInterval: 10_000 });
  const data = live.data;
  return (
    <div className="flex flex-col gap-2" aria-live="polite" aria-busy={live.isLoading || undefined}>
      <h3 className="text-sm font-semibold">Live from the cluster</h3>
      <ErrorMessage error={live.error} />
      {!data ? (
        !live.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Asking the cluster…</p>
      ) : !data.ok ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">The cluster did not answer: {data.error}</p>
      ) : !data.onCluster ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">This connector is not on the cluster (not deployed yet, or deleted outside Switchboard).</p>
      ) : (
        <>
          <p className="text-sm">
            Connector <StateBadge state={data.state} />
            {data.workerId && <span className="text-xs text-zinc-600 dark:text-zinc-400"> on {data.workerId}</span>}
          </p>
          {data.trace && (
            <details className="text-sm">
              <summary className="cursor-pointer">Connector trace</summary>
              <pre className="mt-1 max-h-96 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{data.trace}</pre>
            </details>
          )}
          {data.tasks.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No tasks.</p>
          ) : (
            <ul className="flex flex-col gap-1 text-sm">
              {data.tasks.map((t) => (
                <li key={t.id} className="flex flex-col gap-1">
                  <span>
                    Task {t.id} <StateBadge state={t.state} />
                    {t.workerId && <span className="text-xs text-zinc-600 dark:text-zinc-400"> on {t.workerId}</span>}
                  </span>
                  {t.trace && (
                    <details className="ml-4">
                      <summary className="cursor-pointer font-mono text-xs">{t.trace.split("\n")[0]}</summary>
                      <pre className="mt-1 max-h-96 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{t.trace}</pre>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
