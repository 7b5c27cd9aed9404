"use client";

import { useId } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import type { RouterOutputs } from "../../../trpc/types";
import type { TeamMutations } from "./use-team-mutations";

type TeamMembersProps = {
  t: RouterOutputs["team"]["byId"];
  candidates: RouterOutputs["user"]["list"];
  newMember: string;
  setNewMember: (userId: string) => void;
  addMember: TeamMutations["addMember"];
  removeMember: TeamMutations["removeMember"];
  usersError: unknown;
};

/** A team's members, each with Remove, and a form to add a user. */
export function TeamMembers({ t, candidates, newMember, setNewMember, addMember, removeMember, usersError }: TeamMembersProps) {
  const memberSelectId = useId();
  return (
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
      <ErrorMessage error={addMember.error ?? removeMember.error ?? usersError} />
    </section>
  );
}
