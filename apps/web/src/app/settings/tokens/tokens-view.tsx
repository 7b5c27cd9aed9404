"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "../../../components/button";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { EmptyState } from "../../../components/empty-state";
import { ErrorMessage } from "../../../components/error-message";
import { useTRPC } from "../../../trpc/react";
import { CreateToken } from "./create-token-form";
import { NewSecret } from "./new-token-secret";
import type { Role, TokenRow } from "./token-rows";
import { TokenTable } from "./token-table";

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
