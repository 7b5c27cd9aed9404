"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { inputClasses } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import type { RouterOutputs } from "../../../trpc/types";
import { Card } from "./card";

type Detail = RouterOutputs["changeRequest"]["byId"];
type Options = NonNullable<Detail["applyOptions"]>;

const BULK_DEFAULTS: Options = { concurrency: 4, ratePerSecond: 10, haltAfterFailures: 5 };

/** How the deploy applies the change: shown to everyone (approvers review it), editable by its author while a draft. */
export function ApplyOptionsCard({ cr }: { cr: Detail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { concurrency: useId(), rate: useId(), halt: useId() };
  const [form, setForm] = useState<Options>(cr.applyOptions ?? BULK_DEFAULTS);
  const [editing, setEditing] = useState(false);
  const save = useMutation(
    trpc.changeRequest.setApplyOptions.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await queryClient.invalidateQueries({ queryKey: trpc.changeRequest.pathKey() });
      },
    }),
  );
  const editable = cr.status === "draft" && cr.permissions.canEdit.allowed;
  const o = cr.applyOptions;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ id: cr.id, applyOptions: form });
  };
  const field = (id: string, label: string, key: keyof Options, step: number) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium">
        {label}
      </label>
      <input id={id} type="number" step={step} value={form[key]} onChange={(e) => setForm({ ...form, [key]: Number(e.target.value) })} className={`${inputClasses} w-28`} />
    </div>
  );
  return (
    <Card labelledBy="apply-options-title">
      <div className="flex flex-col gap-2 px-3 py-2 text-sm">
        <h3 id="apply-options-title" className="font-semibold">
          How it is applied
        </h3>
        <p data-testid="apply-options">
          {o
            ? `${o.concurrency} connector${o.concurrency === 1 ? "" : "s"} at a time, at most ${o.ratePerSecond} per second; halts after ${o.haltAfterFailures} failure${o.haltAfterFailures === 1 ? "" : "s"}, leaving the rest untouched and reported.`
            : "With the engine's defaults: 8 connectors at a time, no rate limit, no halt on failures."}
        </p>
        {editable && !editing && (
          <div>
            <Button onClick={() => setEditing(true)}>Change</Button>
          </div>
        )}
        {editable && editing && (
          <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
            {field(ids.concurrency, "At once (1–32)", "concurrency", 1)}
            {field(ids.rate, "Per second (0.1–100)", "ratePerSecond", 0.1)}
            {field(ids.halt, "Halt after failures", "haltAfterFailures", 1)}
            <Button type="submit" variant="primary" loading={save.isPending}>
              Save
            </Button>
            <Button onClick={() => setEditing(false)}>Cancel</Button>
          </form>
        )}
        <ErrorMessage error={save.error} />
      </div>
    </Card>
  );
}
