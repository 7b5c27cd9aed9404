"use client";

import type { AppRouter } from "@switchboard/api/root";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useRouter } from "next/navigation";
import { useState, type ChangeEvent, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { Field, FieldShell, SelectField } from "../../../components/field";
import { JsonEditor } from "../../../components/json-editor";
import { useTRPC } from "../../../trpc/react";

type ImportResult = inferRouterOutputs<AppRouter>["changeRequest"]["importStateFile"];
type Option = { id: string; name: string };

const ACTION_LABEL = { create: "create", update: "update", unchanged: "unchanged" } as const;

/** Paste or upload a state file, check it (problems with line:col), then turn it into a draft change request. */
export function ImportForm({ clusters, teams }: { clusters: Option[]; teams: Option[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [clusterId, setClusterId] = useState(clusters.length === 1 ? (clusters[0]?.id ?? "") : "");
  const [teamId, setTeamId] = useState(teams.length === 1 ? (teams[0]?.id ?? "") : "");
  const [title, setTitle] = useState("Import state file");
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [missing, setMissing] = useState<string | null>(null);

  const check = useMutation(trpc.changeRequest.importStateFile.mutationOptions({ onSuccess: setChecked }));
  const create = useMutation(
    trpc.changeRequest.importStateFile.mutationOptions({
      onSuccess: (result) => {
        setChecked(result);
        if (result.ok && result.changeRequestId) router.push(`/changes/${result.changeRequestId}`);
      },
    }),
  );

  function input(dryRun: boolean) {
    if (!clusterId || !teamId || text.trim() === "") {
      setMissing(!clusterId ? "Pick a cluster." : !teamId ? "Pick the team that owns new connectors." : "Paste or upload a state file.");
      return null;
    }
    setMissing(null);
    return { clusterId, teamId, title, text, dryRun };
  }

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const body = input(false);
    if (body) create.mutate(body);
  }

  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    setChecked(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  }

  const result = checked;
  // An import whose only news is owners: they became contacts, and there is no change request to open.
  const contactsOnly = result?.ok === true && create.data === result && result.changeRequestId === null;
  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate className="flex flex-col gap-4">
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField label="Cluster" value={clusterId} onChange={setClusterId} placeholder="Pick a cluster…" options={clusters} />
        <SelectField label="Owner of new connectors" description='Used when an entry has no "owner.team" (always for the seed-001 shape).' value={teamId} onChange={setTeamId} placeholder="Pick a team…" options={teams} />
        <Field label="Change request title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
      </div>
      <FieldShell label="State file" description={fileName ? `Loaded ${fileName}; you can edit it below.` : "A .json file: canonical {\"connectors\": [...]} or the seed-001 shape."} optional>
        {(control) => <input {...control} type="file" accept=".json,application/json" onChange={(e) => void upload(e)} className="text-sm" />}
      </FieldShell>
      <JsonEditor label="Contents" value={text} onChange={(v) => { setText(v); setChecked(null); }} onSubmit={submit} rows={14} />

      {missing && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {missing}
        </p>
      )}
      <ErrorMessage error={check.error ?? create.error} />

      {result && !result.ok && (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p className="font-medium">Nothing was imported: {result.problems.length === 1 ? "one problem" : `${result.problems.length} problems`}.</p>
          <ul className="mt-1 flex flex-col gap-1 font-mono text-xs">
            {result.problems.map((p, i) => (
              <li key={i}>
                {p.line !== null ? `${fileName ?? "state.json"}:${p.line}:${p.column}: ` : ""}
                {p.message}
                {p.hint && <span className="block pl-4 text-red-800 dark:text-red-200">hint: {p.hint}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {result?.ok && (
        <div role="status" className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900">
          <p className="font-medium">{contactsOnly ? "No definition changed, so no change request was made; the owners below are now contacts of their connectors." : "The file is valid. The change request will contain:"}</p>
          <ul className="mt-1 flex flex-col gap-0.5">
            {result.entries.map((e) => (
              <li key={e.name}>
                <span className="inline-block w-20 font-medium">{ACTION_LABEL[e.action]}</span> <code>{e.name}</code> <span className="text-zinc-600 dark:text-zinc-400">(team {e.team}{e.changedKeys.length > 0 && e.action === "update" ? `; ${e.changedKeys.join(", ")}` : ""})</span>
                {e.contacts.length > 0 && (
                  <span className="block pl-20 text-xs text-zinc-600 dark:text-zinc-400">
                    Owner {e.contacts.join(", ")} {e.action === "create" ? "becomes a contact once the connector is deployed" : contactsOnly ? "added as a contact" : "becomes a contact of the connector now"} (failure notifications reach them).
                  </span>
                )}
              </li>
            ))}
          </ul>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Connectors missing from the file are left alone: an import never deletes.</p>
        </div>
      )}

      <div className="flex flex-wrap gap-2">
        <Button onClick={() => { const body = input(true); if (body) check.mutate(body); }} loading={check.isPending}>
          Check
        </Button>
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create draft change request
        </Button>
      </div>
    </form>
  );
}
