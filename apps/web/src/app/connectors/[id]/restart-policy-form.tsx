"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import type { RouterOutputs } from "../../../trpc/types";

type Policy = RouterOutputs["connector"]["byId"]["restartPolicy"];

function validate(maxRestarts: string, backoffSeconds: string) {
  const errors: { maxRestarts?: string; backoffSeconds?: string } = {};
  const m = Number(maxRestarts);
  const b = Number(backoffSeconds);
  if (!/^\d+$/.test(maxRestarts) || m > 100) errors.maxRestarts = "A whole number from 0 to 100.";
  if (!/^\d+$/.test(backoffSeconds) || b < 1 || b > 86_400) errors.backoffSeconds = "A whole number of seconds from 1 to 86400.";
  return errors;
}

/** Automatic restarts of failed tasks before owners are notified; read-only for those who cannot change it. */
export function RestartPolicyForm({ connectorId, policy, canEdit }: { connectorId: string; policy: Policy; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [autoRestart, setAutoRestart] = useState(policy.autoRestart);
  const [maxRestarts, setMaxRestarts] = useState(String(policy.maxRestarts));
  const [backoffSeconds, setBackoffSeconds] = useState(String(policy.backoffSeconds));
  const [saved, setSaved] = useState(false);
  const save = useMutation(trpc.connector.setRestartPolicy.mutationOptions({ onSuccess: () => { setSaved(true); router.refresh(); } }));
  const errors = validate(maxRestarts, backoffSeconds);

  if (!canEdit) {
    return (
      <p className="text-sm">
        {policy.autoRestart
          ? `Failed tasks are restarted automatically up to ${policy.maxRestarts} times, ${policy.backoffSeconds} s apart, before the owners are notified.`
          : "Failed tasks are not restarted automatically; the owners are notified at once."}
      </p>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (Object.keys(errors).length > 0) return;
    save.mutate({ id: connectorId, autoRestart, maxRestarts: Number(maxRestarts), backoffSeconds: Number(backoffSeconds) });
  };

  return (
    <form onSubmit={onSubmit} className="flex max-w-xl flex-col gap-3" noValidate>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={autoRestart} onChange={(e) => setAutoRestart(e.target.checked)} className="size-4" />
        Restart failed tasks automatically before notifying the owners
      </label>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Restart budget" description="Restarts per incident" type="number" min={0} max={100} inputMode="numeric" value={maxRestarts} onChange={(e) => setMaxRestarts(e.target.value)} error={errors.maxRestarts} disabled={!autoRestart} />
        <Field label="Backoff (seconds)" description="Wait between automatic restarts" type="number" min={1} max={86400} inputMode="numeric" value={backoffSeconds} onChange={(e) => setBackoffSeconds(e.target.value)} error={errors.backoffSeconds} disabled={!autoRestart} />
      </div>
      <ErrorMessage error={save.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={save.isPending} disabled={Object.keys(errors).length > 0}>
          Save restart policy
        </Button>
        {saved && !save.isPending && (
          <span role="status" className="text-sm text-green-800 dark:text-green-300">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
