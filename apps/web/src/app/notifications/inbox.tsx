"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Button } from "../../components/button";
import { EmptyState } from "../../components/empty-state";
import { ErrorMessage } from "../../components/error-message";
import { Pagination } from "../../components/pagination";
import { RelativeTime } from "../../components/relative-time";
import { useTRPC } from "../../trpc/react";

/** The signed-in user's in-app notifications: unread first, mark one or all read. */
export function Inbox() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const unreadOnly = params.get("unread") === "1";

  const inbox = useQuery({ ...trpc.notification.inbox.queryOptions({ page, unreadOnly }), placeholderData: keepPreviousData, refetchInterval: 30_000 });
  const markRead = useMutation(
    trpc.notification.markRead.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.notification.inbox.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.notification.unreadCount.queryKey() }),
        ]),
    }),
  );

  const go = (next: { page?: number; unread?: boolean }) => {
    const p = new URLSearchParams();
    const unread = next.unread ?? unreadOnly;
    if (unread) p.set("unread", "1");
    const nextPage = next.page ?? 1;
    if (nextPage > 1) p.set("page", String(nextPage));
    const qs = p.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  const data = inbox.data;
  const unreadOnPage = data?.items.filter((n) => n.readAt === null).length ?? 0;

  return (
    <section aria-labelledby="inbox-title" className="flex max-w-4xl flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="inbox-title" className="text-xl font-semibold">
          Notifications
        </h1>
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => go({ unread: e.target.checked })} className="size-4" />
            Unread only
          </label>
          <Button variant="primary" loading={markRead.isPending && "all" in (markRead.variables ?? {})} onClick={() => markRead.mutate({ all: true })}>
            Mark all read
          </Button>
        </div>
      </div>
      <ErrorMessage error={inbox.error ?? markRead.error} />
      {!data ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-busy="true">
          {inbox.isError ? "Could not load notifications." : "Loading notifications…"}
        </p>
      ) : data.total === 0 ? (
        <EmptyState title={unreadOnly ? "Nothing unread" : "No notifications yet"} action={{ href: "/", label: "Go to the board" }}>
          {unreadOnly
            ? "You have read everything. Untick “Unread only” to see older notifications."
            : "When a connector of one of your teams fails, you will be notified here (and by email or webhook if your team set them up)."}
        </EmptyState>
      ) : (
        <>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {data.total} notification{data.total === 1 ? "" : "s"} · {unreadOnPage} unread on this page
          </p>
          <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-950">
            {data.items.map((n) => {
              const unread = n.readAt === null;
              return (
                <li key={n.id} className={`flex flex-wrap items-start gap-3 px-4 py-3 ${unread ? "bg-blue-50/60 dark:bg-blue-950/30" : ""}`}>
                  <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full ${unread ? "bg-blue-700 dark:bg-blue-400" : "bg-transparent"}`} />
                  <div className="min-w-0 flex-1">
                    <p className={unread ? "font-semibold" : ""}>
                      {unread && <span className="sr-only">Unread: </span>}
                      {n.subject}
                    </p>
                    {n.body && <p className="mt-0.5 text-sm whitespace-pre-line text-zinc-700 dark:text-zinc-300">{n.body}</p>}
                    <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                      <RelativeTime value={n.createdAt} />
                    </p>
                  </div>
                  {unread && (
                    <Button className="px-2 py-1 text-xs" loading={markRead.isPending && "ids" in (markRead.variables ?? {}) && (markRead.variables as { ids: string[] }).ids.includes(n.id)} onClick={() => markRead.mutate({ ids: [n.id] })}>
                      Mark read<span className="sr-only">: {n.subject}</span>
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
          <Pagination page={page} pageCount={Math.ceil(data.total / data.pageSize)} pageSize={data.pageSize} onPageChange={(p) => go({ page: p })} />
        </>
      )}
    </section>
  );
}
