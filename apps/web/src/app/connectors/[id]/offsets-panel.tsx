"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { ErrorMessage } from "../../../components/error-message";
import { OffsetsTable } from "../../../components/offsets-table";
import { useTRPC } from "../../../trpc/react";

type Props = { connectorId: string; connectorName: string; clusterId: string; canChange: boolean };

/**
 * The connector's committed offsets read from its cluster now (KIP-875), and, for its team, a
 * change request to reset them or to set given partitions: the deploy stops the connector,
 * snapshots its offsets into the report, changes them and brings it back to its desired state.
 */
export function OffsetsPanel({ connectorId, connectorName, clusterId, canChange }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const live = useQuery(trpc.offsets.live.queryOptions({ id: connectorId }));
  const [confirmReset, setConfirmReset] = useState(false);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [parseError, setParseError] = useState<string | null>(null);
  const create = useMutation(trpc.changeRequest.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/changes/${encodeURIComponent(id)}`) }));
  const data = live.data;
  const offsets = data && data.ok && data.onCluster ? data.offsets : null;

  const reset = () => create.mutate({ clusterId, title: `Reset offsets of ${connectorName}`, rationale: "", items: [{ action: "reset_offsets", connectorId }] });
  const startEditing = () => {
    setText(JSON.stringify(offsets ?? [], null, 2));
    setParseError(null);
    setEditing(true);
  };
  const onSet = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      setParseError(`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!Array.isArray(parsed)) {
      setParseError('Give a list of {"partition": {...}, "offset": {...}} objects.');
      return;
    }
    setParseError(null);
    create.mutate({ clusterId, title: `Set offsets of ${connectorName}`, rationale: "", items: [{ action: "set_offsets", connectorId, offsets: parsed as never }] });
  };

  return (
    <div className="flex flex-col gap-2" aria-busy={live.isLoading || undefined}>
      <ErrorMessage error={live.error} />
      {!data ? (
        !live.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Asking the cluster…</p>
      ) : !data.ok ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">The cluster did not answer: {data.error}</p>
      ) : !data.onCluster ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">This connector is not on the cluster: it has no offsets yet.</p>
      ) : (
        <OffsetsTable caption={`Committed offsets of ${connectorName}`} offsets={data.offsets} />
      )}
      {canChange && offsets && (
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setConfirmReset(true)}>Reset offsets…</Button>
          <Button onClick={startEditing} aria-expanded={editing}>
            Set offsets…
          </Button>
        </div>
      )}
      {editing && (
        <form onSubmit={onSet} className="flex flex-col gap-2">
          <label htmlFor="offsets-json" className="text-sm font-medium">
            Offsets to set (JSON, as Connect&apos;s PATCH /offsets takes them; a null offset removes a partition&apos;s)
          </label>
          <textarea
            id="offsets-json"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={Math.min(20, Math.max(6, text.split("\n").length))}
            spellCheck={false}
            aria-invalid={parseError !== null || undefined}
            aria-describedby={parseError ? "offsets-json-error" : undefined}
            className="rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-600 dark:bg-zinc-900"
          />
          {parseError && (
            <p id="offsets-json-error" className="text-sm text-red-800 dark:text-red-300">
              {parseError}
            </p>
          )}
          <div className="flex gap-2">
            <Button type="submit" variant="primary" loading={create.isPending}>
              Create draft change request
            </Button>
            <Button onClick={() => setEditing(false)}>Cancel</Button>
          </div>
        </form>
      )}
      <ErrorMessage error={create.error} />
      <ConfirmDialog
        open={confirmReset}
        title={`Reset the offsets of ${connectorName}?`}
        confirmLabel="Create draft change request"
        busy={create.isPending}
        onConfirm={reset}
        onCancel={() => setConfirmReset(false)}
      >
        This opens a draft change request. Once approved and deployed, the connector is stopped, its offsets are saved in the deployment report and deleted, and it is brought
        back to its desired state: a sink then reads its topics from <code>auto.offset.reset</code>, a source starts over.
      </ConfirmDialog>
    </div>
  );
}
