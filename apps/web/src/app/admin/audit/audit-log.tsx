"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { Pagination } from "../../../components/pagination";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return <span className="text-xs text-zinc-400">—</span>;
  return (
    <details>
      <summary className="cursor-pointer text-xs">{label}</summary>
      <pre className="mt-1 max-h-80 max-w-xl overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** The audit log, newest first, filterable by entity type and id (kept in the URL). */
export function AuditLog() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const entityType = params.get("type") ?? "";
  const entityId = params.get("id") ?? "";
  const [typeDraft, setTypeDraft] = useState(entityType);
  const [idDraft, setIdDraft] = useState(entityId);
  const log = useQuery({ ...trpc.audit.list.queryOptions({ page, entityType: entityType || undefined, entityId: entityId || undefined }), placeholderData: keepPreviousData });

  const go = (next: { page?: number; type?: string; id?: string }) => {
    const p = new URLSearchParams();
    const type = next.type ?? entityType;
    const id = next.id ?? entityId;
    if (type) p.set("type", type);
    if (id) p.set("id", id);
    if ((next.page ?? 1) > 1) p.set("page", String(next.page));
    const qs = p.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go({ type: typeDraft.trim(), id: idDraft.trim() });
  };

  return (
    <section aria-labelledby="audit-title" className="flex flex-col gap-4">
      <h1 id="audit-title" className="text-xl font-semibold">
        Audit log
      </h1>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <Field label="Entity type" description="connector, cluster, team, user, changeRequest, deployment, incident" value={typeDraft} onChange={(e) => setTypeDraft(e.target.value)} />
        <Field label="Entity id" value={idDraft} onChange={(e) => setIdDraft(e.target.value)} className="font-mono" />
        <Button type="submit">Filter</Button>
        {(entityType || entityId) && (
          <Button
            onClick={() => {
              setTypeDraft("");
              setIdDraft("");
              go({ type: "", id: "" });
            }}
          >
            Clear
          </Button>
        )}
      </form>
      <ErrorMessage error={log.error} />
      {!log.data ? (
        !log.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the audit log…</p>
      ) : log.data.total === 0 ? (
        <EmptyState title="No audit events">{entityType || entityId ? "Nothing matches this filter; clear it to see every event." : "Every change made in Switchboard will be listed here."}</EmptyState>
      ) : (
        <>
          <DataTable caption="Audit events, newest first">
            <DataTableHead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </DataTableHead>
            <tbody>
              {log.data.items.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="whitespace-nowrap">
                    <RelativeTime value={e.createdAt} />
                  </td>
                  <td>{e.actor ? <span title={e.actor.email}>{e.actor.name}</span> : <span className="text-zinc-500">system</span>}</td>
                  <td className="font-mono text-xs">{e.action}</td>
                  <td className="text-xs">
                    <button type="button" className="text-left text-blue-800 hover:underline dark:text-blue-300" onClick={() => { setTypeDraft(e.entityType); setIdDraft(e.entityId); go({ type: e.entityType, id: e.entityId }); }}>
                      {e.entityType} <span className="font-mono">{e.entityId}</span>
                    </button>
                  </td>
                  <td>
                    <Json label="before" value={e.before} />
                  </td>
                  <td>
                    <Json label="after" value={e.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <Pagination page={page} pageCount={Math.ceil(log.data.total / log.data.pageSize)} pageSize={log.data.pageSize} onPageChange={(p) => go({ page: p })} />
        </>
      )}
    </section>
  );
}
