"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import { ROLES, type Role } from "./token-rows";

const selectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900";

/** The form for a new token: name, lifetime, role (at most the user's) and teams. */
export function CreateToken({ role, teams, onCreated, onCancel }: { role: Role; teams: { id: string; name: string }[]; onCreated: (name: string, secret: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [tokenRole, setTokenRole] = useState<Role>(role);
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const roleId = useId();
  const create = useMutation(
    trpc.token.create.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.token.list.queryKey() });
        onCreated(result.token.name, result.secret);
      },
    }),
  );
  const dayCount = Number(days);
  const errors = {
    name: name.length > 100 ? "At most 100 characters." : null,
    days: days !== "" && (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 365) ? "A whole number of days from 1 to 365." : null,
  };
  const ready = name.trim() !== "" && !errors.name && !errors.days && days !== "";
  const allowedRoles = ROLES.slice(0, ROLES.indexOf(role) + 1);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) create.mutate({ name: name.trim(), expiresInDays: dayCount, role: tokenRole, teamIds });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-950">
      <h2 className="text-base font-semibold">New token</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Name" description="What uses it, e.g. “CI pipeline”" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} required />
        <Field label="Expires in (days)" type="number" min={1} max={365} value={days} onChange={(e) => setDays(e.target.value)} error={errors.days} required />
        <div className="flex flex-col gap-1">
          <label htmlFor={roleId} className="text-sm font-medium">
            Role
          </label>
          <select id={roleId} value={tokenRole} onChange={(e) => setTokenRole(e.target.value as Role)} className={selectClasses}>
            {allowedRoles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">At most yours; it also never exceeds your role at the time of a call.</p>
        </div>
      </div>
      {teams.length > 0 && (
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">Teams</legend>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">Limit the token to some of your teams; none ticked: all of them.</p>
          <div className="flex flex-wrap gap-4">
            {teams.map((t) => (
              <label key={t.id} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" checked={teamIds.includes(t.id)} onChange={(e) => setTeamIds((ids) => (e.target.checked ? [...ids, t.id] : ids.filter((x) => x !== t.id)))} />
                {t.name}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <ErrorMessage error={create.error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" loading={create.isPending} disabled={!ready}>
          Create token
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
