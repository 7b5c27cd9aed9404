"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import { TeamContacts } from "./team-contacts";
import { TeamForm } from "./team-form";
import { TeamMembers } from "./team-members";
import { useTeamMutations } from "./use-team-mutations";

/** One team: name and description, members, notification contacts. */
export function TeamDetail({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const team = useQuery(trpc.team.byId.queryOptions({ id: teamId }));
  const users = useQuery(trpc.user.list.queryOptions());
  const [editing, setEditing] = useState(false);
  const [newMember, setNewMember] = useState("");
  const { update, addMember, removeMember, addContact, removeContact } = useTeamMutations(teamId, { onUpdated: () => setEditing(false), onMemberAdded: () => setNewMember("") });

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

      <TeamMembers t={t} candidates={candidates} newMember={newMember} setNewMember={setNewMember} addMember={addMember} removeMember={removeMember} usersError={users.error} />

      <TeamContacts t={t} addContact={addContact} removeContact={removeContact} />
    </div>
  );
}
