"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId } from "react";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { Pagination } from "../../../components/pagination";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";

const STATUSES = ["pending", "sent", "failed"] as const;
type Status = (typeof STATUSES)[number];
const STATUS_CLASSES: Record<Status, string> = {
  pending: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  sent: "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200",
  failed: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
};

/** Email and webhook deliveries: status, attempts, last error, next retry. Refreshes every 10 s. */
export function Deliveries() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const statusId = useId();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const status = STATUSES.find((s) => s === params.get("status"));
  const list = useQuery({ ...trpc.notification.deliveries.queryOptions({ page, status }), placeholderData: keepPreviousData, refetchInterval: 10_000 });

  const go = (next: { page?: number; status?: Status | undefined }) => {
    const p = new URLSearchParams();
    const s = "status" in next ? next.status : status;
    if (s) p.set("status", s);
    if ((next.page ?? 1) > 1) p.set("page", String(next.page));
    const qs = p.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  return (
    <section aria-labelledby="deliveries-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="deliveries-title" className="text-xl font-semibold">
            Notification deliveries
          </h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Failed email and webhook deliveries are retried with backoff; those out of retries stay here as failed.</p>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={statusId} className="text-sm font-medium">
            Status
          </label>
          <select id={statusId} value={status ?? ""} onChange={(e) => go({ status: (e.target.value || undefined) as Status | undefined })} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900">
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={list.error} />
      {!list.data ? (
        !list.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading deliveries…</p>
      ) : list.data.total === 0 ? (
        <EmptyState title="No deliveries">{status ? `No ${status} deliveries.` : "Emails and webhooks sent to team contacts when connectors fail will be listed here."}</EmptyState>
      ) : (
        <>
          <DataTable caption="Notification deliveries, newest first">
            <DataTableHead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Channel</th>
                <th scope="col">Recipient</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Next attempt / sent</th>
              </tr>
            </DataTableHead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.id} className="align-top">
                  <td className="whitespace-nowrap">
                    <RelativeTime value={d.createdAt} />
                  </td>
                  <td>{d.channel}</td>
                  <td className="font-mono text-xs break-all">{d.recipient}</td>
                  <td className="max-w-64">{d.subject}</td>
                  <td>
                    <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_CLASSES[d.status]}`}>{d.status}</span>
                  </td>
                  <td className="tabular-nums">
                    {d.attempts}/{d.maxAttempts}
                  </td>
                  <td className="max-w-72 text-xs break-words text-red-800 dark:text-red-300">{d.lastError ?? <span className="text-zinc-400">—</span>}</td>
                  <td className="text-xs whitespace-nowrap">
                    {d.sentAt ? (
                      <>
                        sent <RelativeTime value={d.sentAt} />
                      </>
                    ) : d.nextAttemptAt ? (
                      <>
                        retry <RelativeTime value={d.nextAttemptAt} />
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <Pagination page={page} pageCount={Math.ceil(list.data.total / list.data.pageSize)} pageSize={list.data.pageSize} onPageChange={(p) => go({ page: p })} />
        </>
      )}
    </section>
  );
}
