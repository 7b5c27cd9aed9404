"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button } from "../components/button";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorMessage } from "../components/error-message";
import { inputClasses } from "../components/field";
import { useTRPC } from "../trpc/react";
import type { BoardFilters } from "./board-params";

const OPERATIONS = {
  restart: { verb: "Restart", label: "Restart (connector and tasks)" },
  "restart-failed": { verb: "Restart failed tasks of", label: "Restart failed tasks only" },
  "restart-task": { verb: "Restart one task of", label: "Restart one task" },
  pause: { verb: "Pause", label: "Pause" },
  resume: { verb: "Resume", label: "Resume" },
  stop: { verb: "Stop", label: "Stop" },
  delete: { verb: "Delete", label: "Delete" },
} as const;
type OperationKey = keyof typeof OPERATIONS;

/** The bulk defaults the server applies (see the domain's apply-options), shown and editable before opening. */
const DEFAULT_OPTIONS = { concurrency: 4, ratePerSecond: 10, haltAfterFailures: 5 };

const selectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900";

/**
 * One operation on every connector the board's filters select that the user may act for: the
 * server resolves the selection (never a list of ids from here), opens a change request per
 * cluster and submits it for review. Shown to owners, approvers and admins.
 */
export function BulkActionBar({ filters }: { filters: BoardFilters }) {
  const trpc = useTRPC();
  const router = useRouter();
  const ids = { op: useId(), concurrency: useId(), rate: useId(), halt: useId(), task: useId() };
  const me = useQuery(trpc.me.queryOptions());
  const mayChange = me.data !== undefined && me.data.role !== "viewer";
  const selection = { clusterId: filters.clusterId, teamId: filters.teamId, labels: filters.labels, state: filters.state, search: filters.search, mine: filters.mine };
  const selected = useQuery({ ...trpc.bulk.select.queryOptions({ selection }), enabled: mayChange, placeholderData: keepPreviousData });
  const [op, setOp] = useState<OperationKey>(filters.state === "PAUSED" ? "resume" : "restart");
  const [confirming, setConfirming] = useState(false);
  const [options, setOptions] = useState(DEFAULT_OPTIONS);
  const [taskId, setTaskId] = useState(0);
  const open = useMutation(
    trpc.bulk.open.mutationOptions({
      onSuccess: (result) => {
        setConfirming(false);
        if (result.changeRequests.length === 1) router.push(`/changes/${result.changeRequests[0]!.id}`);
      },
    }),
  );

  if (!mayChange || !selected.data || selected.data.total === 0) return null;
  const { total, excluded, clusters } = selected.data;
  const { verb } = OPERATIONS[op];
  const operation =
    op === "restart" ? { action: "restart" as const } : op === "restart-failed" ? { action: "restart" as const, onlyFailed: true } : op === "restart-task" ? { action: "restart" as const, taskId } : { action: op };
  const tooMany = total > 200;
  const numberField = (id: string, label: string, value: number, set: (n: number) => void, step = 1) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium">
        {label}
      </label>
      <input id={id} type="number" min={step < 1 ? 0.1 : step === 1 ? 1 : 0} step={step} value={value} onChange={(e) => set(Number(e.target.value))} className={`${inputClasses} w-24`} />
    </div>
  );

  return (
    <section aria-label="Bulk change" className="flex flex-col gap-2 rounded-md border border-zinc-300 p-3 dark:border-zinc-700">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.op} className="text-sm font-medium">
            Bulk action
          </label>
          <select id={ids.op} value={op} onChange={(e) => setOp(e.target.value as OperationKey)} className={selectClasses}>
            {Object.entries(OPERATIONS).map(([key, o]) => (
              <option key={key} value={key}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <Button variant={op === "delete" ? "danger" : "primary"} disabled={tooMany} onClick={() => setConfirming(true)}>
          {`${verb} all (${total})`}
        </Button>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {tooMany
            ? `${total} connectors match; a bulk change takes at most 200. Narrow the filters.`
            : `Every connector these filters select that you may act for${excluded > 0 ? ` (${excluded} of other teams left out)` : ""}, through a change request.`}
        </p>
      </div>
      {open.data && open.data.changeRequests.length > 1 && (
        <p role="status" className="text-sm">
          Opened one change request per cluster:{" "}
          {open.data.changeRequests.map((c, i) => (
            <span key={c.id}>
              {i > 0 && ", "}
              <Link href={`/changes/${c.id}`} className="text-blue-800 underline dark:text-blue-300">
                {c.cluster.name} ({c.items})
              </Link>
            </span>
          ))}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={`${verb} ${total} connector${total === 1 ? "" : "s"}?`}
        confirmLabel="Open change request"
        variant={op === "delete" ? "danger" : "primary"}
        busy={open.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => open.mutate({ selection, operation, applyOptions: options, submit: true })}
      >
        <div className="flex flex-col gap-3">
          <p>
            Opens {clusters.length === 1 ? "a change request" : `${clusters.length} change requests (one per cluster: ${clusters.map((c) => c.cluster.name).join(", ")})`} to{" "}
            {verb.toLowerCase()} these {total} connectors and submits it for review. Nothing changes on a cluster until it is approved and deployed.
          </p>
          {op === "restart-task" && numberField(ids.task, "Task id", taskId, setTaskId, 1)}
          <fieldset className="flex flex-wrap gap-3">
            <legend className="mb-1 text-xs font-semibold">How it is applied</legend>
            {numberField(ids.concurrency, "At once", options.concurrency, (concurrency) => setOptions({ ...options, concurrency }))}
            {numberField(ids.rate, "Per second", options.ratePerSecond, (ratePerSecond) => setOptions({ ...options, ratePerSecond }), 0.1)}
            {numberField(ids.halt, "Halt after failures", options.haltAfterFailures, (haltAfterFailures) => setOptions({ ...options, haltAfterFailures }))}
          </fieldset>
          <ErrorMessage error={open.error} />
        </div>
      </ConfirmDialog>
    </section>
  );
}
