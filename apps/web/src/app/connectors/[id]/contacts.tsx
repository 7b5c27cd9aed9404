"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ContactForm, type ContactInput } from "../../../components/contact-form";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import type { RouterOutputs } from "../../../trpc/types";

type Contact = RouterOutputs["connector"]["byId"]["contacts"][number];

function ContactList({ contacts, onRemove, removing }: { contacts: Contact[]; onRemove?: (id: string) => void; removing?: string | null }) {
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {contacts.map((c) => (
        <li key={c.id} className="flex items-center gap-2">
          <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">{c.kind}</span>
          {c.name && <span>{c.name}</span>}
          <span className="font-mono text-xs break-all">{c.target}</span>
          {onRemove && (
            <Button className="px-2 py-0.5 text-xs" loading={removing === c.id} onClick={() => onRemove(c.id)}>
              Remove<span className="sr-only"> {c.target}</span>
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The connector's own contacts (editable by its managers) and its team's (shown for context). */
export function Contacts({ connectorId, contacts, teamContacts, teamName, canEdit }: { connectorId: string; contacts: Contact[]; teamContacts: Contact[]; teamName: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const add = useMutation(trpc.connector.addContact.mutationOptions({ onSuccess: () => router.refresh() }));
  const remove = useMutation(trpc.connector.removeContact.mutationOptions({ onSuccess: () => router.refresh() }));

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold">This connector</h3>
        {contacts.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No contacts of its own: failures go to the team&apos;s contacts below.</p>
        ) : (
          <ContactList contacts={contacts} onRemove={canEdit ? (contactId) => remove.mutate({ id: connectorId, contactId }) : undefined} removing={remove.isPending ? (remove.variables?.contactId ?? null) : null} />
        )}
        <ErrorMessage error={remove.error} />
        {canEdit && <ContactForm pending={add.isPending} error={add.error} onSubmit={(contact: ContactInput) => add.mutateAsync({ id: connectorId, contact })} />}
      </div>
      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold">Team {teamName}</h3>
        {teamContacts.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">The team has no contacts; in-app notifications still reach its members.</p> : <ContactList contacts={teamContacts} />}
      </div>
    </div>
  );
}
