"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "../../components/button";
import { ErrorMessage } from "../../components/error-message";
import { useTRPC } from "../../trpc/react";
import { ContactForm } from "../../components/contact-form";

function TeamContacts({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const team = useQuery(trpc.team.byId.queryOptions({ id: teamId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.team.byId.queryKey({ id: teamId }) });
  const add = useMutation(trpc.team.addContact.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.team.removeContact.mutationOptions({ onSuccess: refresh }));
  if (team.error) return <ErrorMessage error={team.error} />;
  if (!team.data) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>;
  const t = team.data;
  const canEdit = t.permissions.editContacts;
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <h3 className="text-sm font-semibold">Team {t.name}</h3>
      {t.contacts.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No email or webhook contacts: only in-app notifications reach the members.</p>
      ) : (
        <ul className="flex flex-col gap-1 text-sm">
          {t.contacts.map((c) => (
            <li key={c.id} className="flex items-center gap-2">
              <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">{c.kind}</span>
              <span className="font-mono text-xs break-all">{c.target}</span>
              {canEdit && (
                <Button className="px-2 py-0.5 text-xs" loading={remove.isPending && remove.variables?.contactId === c.id} onClick={() => remove.mutate({ teamId, contactId: c.id })}>
                  Remove<span className="sr-only"> {c.target}</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={remove.error} />
      {canEdit && <ContactForm pending={add.isPending} error={add.error} onSubmit={(contact) => add.mutateAsync({ teamId, contact })} />}
    </div>
  );
}

/** Notification settings of the caller's teams: where failures of their connectors are sent. */
export function TeamSettings({ teamIds }: { teamIds: string[] }) {
  return (
    <section aria-labelledby="team-settings-title" className="flex max-w-4xl flex-col gap-3">
      <h2 id="team-settings-title" className="text-base font-semibold">
        Your teams&apos; notification settings
      </h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">When a connector fails, its team is notified once per incident: in-app to members, and to these emails and webhooks.</p>
      {teamIds.map((id) => (
        <TeamContacts key={id} teamId={id} />
      ))}
    </section>
  );
}
