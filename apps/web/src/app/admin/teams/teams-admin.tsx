"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "../../../components/button";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import { TeamDetail } from "./team-detail";
import { TeamForm } from "./team-form";

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
