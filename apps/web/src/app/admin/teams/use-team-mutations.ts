"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../../trpc/react";

/** The edits of one team; each refreshes the team and the team list once it succeeds. */
export function useTeamMutations(teamId: string, { onUpdated, onMemberAdded }: { onUpdated: () => void; onMemberAdded: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.team.byId.queryKey({ id: teamId }) }), queryClient.invalidateQueries({ queryKey: trpc.team.list.queryKey() })]);
  const update = useMutation(trpc.team.update.mutationOptions({ onSuccess: async () => { await refresh(); onUpdated(); } }));
  const addMember = useMutation(trpc.team.addMember.mutationOptions({ onSuccess: async () => { await refresh(); onMemberAdded(); } }));
  const removeMember = useMutation(trpc.team.removeMember.mutationOptions({ onSuccess: refresh }));
  const addContact = useMutation(trpc.team.addContact.mutationOptions({ onSuccess: refresh }));
  const removeContact = useMutation(trpc.team.removeContact.mutationOptions({ onSuccess: refresh }));
  return { update, addMember, removeMember, addContact, removeContact };
}

export type TeamMutations = ReturnType<typeof useTeamMutations>;
