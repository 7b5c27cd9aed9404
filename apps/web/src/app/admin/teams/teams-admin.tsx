"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import { ContactForm } from "../../../components/contact-form";

const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;

function TeamForm({ initial, onSubmit, pending, error, submitLabel, onCancel }: { initial: { name: string; description: string }; onSubmit: (v: { name: string; description: string }) => void; pending: boolean; error: unknown; submitLabel: string; onCancel?: () => void }) {
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const nameError = name !== "" && !TEAM_NAME.test(name.trim()) ? "Use letters, digits, space, dot, dash and underscore." : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "" || nameError) return;
    onSubmit({ name: name.trim(), description: description.trim() });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} error={nameError} required />
        <Field label="Description" optional value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </div>
      <ErrorMessage error={error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" loading={pending} disabled={name.trim() === "" || nameError !== null}>
          {submitLabel}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}

function TeamDetail({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const team = useQuery(trpc.team.byId.queryOptions({ id: teamId }));
  const users = useQuery(trpc.user.list.queryOptions());
  const [editing, setEditing] = useState(false);
  const [newMember, setNewMember] = useState("");
  const memberSelectId = useId();
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.team.byId.queryKey({ id: teamId }) }), queryClient.invalidateQueries({ queryKey: trpc.team.list.queryKey() })]);
  const update = useMutation(trpc.team.update.mutationOptions({ onSuccess: async () => { await refresh(); setEditing(false); } }));
  const addMember = useMutation(trpc.team.addMember.mutationOptions({ onSuccess: async () => { await refresh(); setNewMember(""); } }));
  const removeMember = useMutation(trpc.team.removeMember.mutationOptions({ onSuccess: refresh }));
  const addContact = useMutation(trpc.team.addContact.mutationOptions({ onSuccess: refresh }));
  const removeContact = useMutation(trpc.team.removeContact.mutationOptions({ onSuccess: refresh }));

  if (team.error) return <ErrorMessage error={team.error} />;
  if (!team.data) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading team…</p>;
  const t = team.data;
  const memberIds = new Set(t.members.map((m) => m.id));
  const candidates = (users.data ?? []).filter((u) => !memberIds.has(u.id) && !u.disabled);

  return (
    <div className="flex flex-col gap-6 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-950">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">{t.name}</h2>
        <Link href={`/?team=${t.id}`} className="text-sm text-blue-800 hover:underline dark:text-blue-300">
          Connectors of {t.name} on the board
        </Link>
      </div>
      {editing ? (
        <TeamForm initial={{ name: t.name, description: t.description }} submitLabel="Save team" pending={update.isPending} error={update.error} onSubmit={(v) => update.mutate({ id: t.id, ...v })} onCancel={() => setEditing(false)} />
      ) : (
        <div className="flex items-start justify-between gap-2">
          <p className="text-sm text-zinc-700 dark:text-zinc-300">{t.description || "No description."}</p>
          <Button className="px-2 py-1 text-xs" onClick={() => setEditing(true)}>
            Edit name and description
          </Button>
        </div>
      )}

      <section aria-labelledby="members-title" className="flex flex-col gap-2">
        <h3 id="members-title" className="text-sm font-semibold">
          Members ({t.members.length})
        </h3>
        {t.members.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No members yet. Owners who are members can change this team&apos;s connectors through change requests.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {t.members.map((m) => (
              <li key={m.id} className="flex items-center gap-2">
                <span>
                  {m.name} <span className="text-xs text-zinc-500">{m.email}</span> <span className="rounded bg-zinc-100 px-1.5 text-xs dark:bg-zinc-800">{m.role}</span>
                </span>
                <Button className="px-2 py-0.5 text-xs" loading={removeMember.isPending && removeMember.variables?.userId === m.id} onClick={() => removeMember.mutate({ teamId: t.id, userId: m.id })}>
                  Remove<span className="sr-only"> {m.name}</span>
                </Button>
              </li>
            ))}
          </ul>
        )}
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (newMember) addMember.mutate({ teamId: t.id, userId: newMember });
          }}
        >
          <div className="flex flex-col gap-1">
            <label htmlFor={memberSelectId} className="text-sm font-medium">
              Add a member
            </label>
            <select id={memberSelectId} value={newMember} onChange={(e) => setNewMember(e.target.value)} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900">
              <option value="">Choose a user…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email}, {u.role})
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" loading={addMember.isPending} disabled={!newMember}>
            Add member
          </Button>
        </form>
        <ErrorMessage error={addMember.error ?? removeMember.error ?? users.error} />
      </section>

      <section aria-labelledby="contacts-title" className="flex flex-col gap-2">
        <h3 id="contacts-title" className="text-sm font-semibold">
          Notification contacts
        </h3>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Notified once per incident when a connector of this team fails (members also get an in-app notification).</p>
        {t.contacts.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No contacts: add an on-call email or a Slack-compatible webhook.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {t.contacts.map((c) => (
              <li key={c.id} className="flex items-center gap-2">
                <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">{c.kind}</span>
                <span className="font-mono text-xs break-all">{c.target}</span>
                <Button className="px-2 py-0.5 text-xs" loading={removeContact.isPending && removeContact.variables?.contactId === c.id} onClick={() => removeContact.mutate({ teamId: t.id, contactId: c.id })}>
                  Remove<span className="sr-only"> {c.target}</span>
                </Button>
              </li>
            ))}
          </ul>
        )}
        <ErrorMessage error={removeContact.error} />
        <ContactForm pending={addContact.isPending} error={addContact.error} onSubmit={(contact) => addContact.mutateAsync({ teamId: t.id, contact })} />
      </section>
    </div>
  );
}

/** Teams: create, rename, members, notification contacts. The selected team is in the URL (?team=…). */
export function TeamsAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const selected = useSearchParams().get("team");
  const teams = useQuery(trpc.team.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const create = useMutation(
    trpc.team.create.mutationOptions({
      onSuccess: async (team) => {
        await queryClient.invalidateQueries({ queryKey: trpc.team.list.queryKey() });
        setCreating(false);
        router.replace(`${pathname}?team=${team.id}`, { scroll: false });
      },
    }),
  );

  return (
    <section aria-labelledby="teams-title" className="flex flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 id="teams-title" className="text-xl font-semibold">
          Teams
        </h1>
        {!creating && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New team
          </Button>
        )}
      </div>
      {creating && (
        <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-950">
          <h2 className="mb-2 text-base font-semibold">New team</h2>
          <TeamForm initial={{ name: "", description: "" }} submitLabel="Create team" pending={create.isPending} error={create.error} onSubmit={(v) => create.mutate(v)} onCancel={() => setCreating(false)} />
        </div>
      )}
      <ErrorMessage error={teams.error} />
      {!teams.data ? (
        !teams.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading teams…</p>
      ) : teams.data.length === 0 ? (
        <EmptyState title="No teams yet">Create a team with &ldquo;New team&rdquo;, add its members and notification contacts; connectors are owned by teams.</EmptyState>
      ) : (
        <div className="grid gap-4 md:grid-cols-[14rem_1fr]">
          <nav aria-label="Teams">
            <ul className="flex flex-col gap-1">
              {teams.data.map((t) => (
                <li key={t.id}>
                  <Link
                    href={`${pathname}?team=${t.id}`}
                    scroll={false}
                    aria-current={selected === t.id ? "page" : undefined}
                    className={`block rounded-md px-3 py-1.5 text-sm ${selected === t.id ? "bg-zinc-200 font-semibold dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`}
                  >
                    {t.name}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {selected ? <TeamDetail key={selected} teamId={selected} /> : <p className="text-sm text-zinc-600 dark:text-zinc-400">Choose a team to see its members and contacts.</p>}
        </div>
      )}
    </section>
  );
}
