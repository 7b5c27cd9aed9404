"use client";

import { Button } from "../../../components/button";
import { ContactForm } from "../../../components/contact-form";
import { ErrorMessage } from "../../../components/error-message";
import type { RouterOutputs } from "../../../trpc/types";
import type { TeamMutations } from "./use-team-mutations";

type TeamContactsProps = {
  t: RouterOutputs["team"]["byId"];
  addContact: TeamMutations["addContact"];
  removeContact: TeamMutations["removeContact"];
};

/** Where a team's incidents are sent: the list, each with Remove, and a form to add one. */
export function TeamContacts({ t, addContact, removeContact }: TeamContactsProps) {
  return (
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
  );
}
