"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";

const ROLES = ["viewer", "owner", "approver", "admin"] as const;
type Role = (typeof ROLES)[number];
const selectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900";

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  teamIds: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { email: string; name: string };
};

function statusOf(t: TokenRow): "active" | "revoked" | "expired" {
  if (t.revokedAt) return "revoked";
  return new Date(t.expiresAt).getTime() <= Date.now() ? "expired" : "active";
}

/** The secret of a token just created: shown once, with a copy button. */
function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section role="status" aria-labelledby="new-token-title" className="flex flex-col gap-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950">
      <h2 id="new-token-title" className="text-base font-semibold">
        Token “{name}” created
      </h2>
      <p className="text-sm">Copy it now: it is shown only this once. Switchboard keeps only a hash of it.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="new-token-secret" className="break-all rounded bg-white px-2 py-1 font-mono text-sm dark:bg-zinc-900">
          {secret}
        </code>
        <Button
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
    </section>
  );
}

function CreateToken({ role, teams, onCreated, onCancel }: { role: Role; teams: { id: string; name: string }[]; onCreated: (name: string, secret: string) => void; onCancel: () => void }) {
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

function TokenTable({ caption, tokens, teamNames, showUser, onRevoke }: { caption: string; tokens: TokenRow[]; teamNames: Map<string, string>; showUser: boolean; onRevoke: (t: TokenRow) => void }) {
  return (
    <DataTable caption={caption}>
      <DataTableHead>
        <tr>
          <th scope="col">Name</th>
          {showUser && <th scope="col">User</th>}
          <th scope="col">Token</th>
          <th scope="col">Role</th>
          <th scope="col">Teams</th>
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
        </tr>
      </DataTableHead>
      <tbody>
        {tokens.map((t) => {
          const status = statusOf(t);
          return (
            <tr key={t.id} className={status === "active" ? "" : "text-zinc-500"}>
              <th scope="row" className="font-medium">
                {t.name}
              </th>
              {showUser && <td>{t.user.email}</td>}
              <td>
                <code className="font-mono text-xs">{t.prefix}_…</code>
              </td>
              <td>{t.role}</td>
              <td>{t.teamIds.length === 0 ? "all of the user's" : t.teamIds.map((id) => teamNames.get(id) ?? id).join(", ")}</td>
              <td>
                <RelativeTime value={t.expiresAt} />
              </td>
              <td>{t.lastUsedAt ? <RelativeTime value={t.lastUsedAt} /> : "never"}</td>
              <td>
                <span className="mr-2 text-xs">{status === "active" ? "Active" : status === "revoked" ? "Revoked" : "Expired"}</span>
                {status === "active" && (
                  <Button className="px-2 py-0.5 text-xs" variant="danger" onClick={() => onRevoke(t)}>
                    Revoke<span className="sr-only"> {t.name}</span>
                  </Button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </DataTable>
  );
}

/** The signed-in user's API tokens: create (the secret shown once), list, revoke; admins also see everyone's. */
export function TokensView({ role, teamIds }: { role: Role; teamIds: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.token.list.queryOptions());
  const everyone = useQuery({ ...trpc.token.listAll.queryOptions(), enabled: role === "admin" });
  const teams = useQuery(trpc.team.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenRow | null>(null);
  const revoke = useMutation(
    trpc.token.revoke.mutationOptions({
      onSuccess: async () => {
        setRevoking(null);
        await queryClient.invalidateQueries({ queryKey: trpc.token.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.token.listAll.queryKey() });
      },
    }),
  );
  const teamNames = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  const myTeams = (teams.data ?? []).filter((t) => teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name }));

  return (
    <section aria-labelledby="tokens-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="tokens-title" className="text-xl font-semibold">
          API tokens
        </h1>
        {!creating && !created && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New token
          </Button>
        )}
      </div>
      <p className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">
        Tokens let scripts and pipelines call the <Link href="/api-docs" className="underline">REST API</Link> as you, with
        <code className="mx-1 font-mono">Authorization: Bearer &lt;token&gt;</code>. A token never does more than you can, and every call is in the audit log.
      </p>
      {created && <NewSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />}
      {creating && (
        <CreateToken
          role={role}
          teams={myTeams}
          onCreated={(name, secret) => {
            setCreating(false);
            setCreated({ name, secret });
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      <ErrorMessage error={mine.error ?? revoke.error} />
      {!mine.data ? (
        !mine.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading tokens…</p>
      ) : mine.data.length === 0 ? (
        <EmptyState title="No API tokens yet">Create one for each script or pipeline that calls the API, so each can be revoked alone.</EmptyState>
      ) : (
        <TokenTable caption="Your tokens" tokens={mine.data} teamNames={teamNames} showUser={false} onRevoke={setRevoking} />
      )}
      {role === "admin" && everyone.data && everyone.data.length > 0 && (
        <>
          <h2 className="mt-4 text-base font-semibold">Everyone's tokens</h2>
          <TokenTable caption="Everyone's tokens" tokens={everyone.data} teamNames={teamNames} showUser onRevoke={setRevoking} />
        </>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        confirmLabel="Revoke token"
        variant="danger"
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        onCancel={() => setRevoking(null)}
      >
        Calls with this token will be refused (401) from now on. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}
