"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "../../../components/button";
import { parseConfigJson } from "../../../components/config-fields";
import type { DesiredState } from "../../../components/change-item-drafts";
import { DesiredStateField } from "../../../components/desired-state-field";
import { ErrorMessage } from "../../../components/error-message";
import { Field, FieldShell, SelectField, inputClasses } from "../../../components/field";
import { JsonEditor } from "../../../components/json-editor";
import { useClusterValidation } from "../../../components/use-cluster-validation";
import { ValidationStatus } from "../../../components/validation-status";
import { useTRPC } from "../../../trpc/react";
import { ConfigValidationErrors } from "./config-validation-errors";
import { TemplateInput } from "./template-input";
import { TemplatePicker } from "./template-picker";
import { RAW_JSON_ID, TEMPLATES, templateConfig, templateDefaults } from "./templates";

type Option = { id: string; name: string };

const RAW_EXAMPLE = `{\n  "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",\n  "tasks.max": "1",\n  "topics": "demo"\n}\n`;

/** A new connector from a template (or raw JSON), checked by the cluster's validator as you type; saving creates a draft change request. */
export function NewConnectorForm({ clusters, teams }: { clusters: Option[]; teams: Option[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const groupId = useId();
  const [templateId, setTemplateId] = useState(TEMPLATES[0]?.id ?? RAW_JSON_ID);
  const [values, setValues] = useState<Record<string, Record<string, string>>>(() => Object.fromEntries(TEMPLATES.map((t) => [t.id, templateDefaults(t)])));
  const [raw, setRaw] = useState(RAW_EXAMPLE);
  const [clusterId, setClusterId] = useState(clusters.length === 1 ? (clusters[0]?.id ?? "") : "");
  const [teamId, setTeamId] = useState(teams.length === 1 ? (teams[0]?.id ?? "") : "");
  const [name, setName] = useState("");
  const [state, setState] = useState<DesiredState>("RUNNING");
  const [rationale, setRationale] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  const template = TEMPLATES.find((t) => t.id === templateId);
  const current = template ? (values[template.id] ?? {}) : {};
  const parsedRaw = useMemo(() => parseConfigJson(raw), [raw]);
  const config = template ? templateConfig(template, current) : parsedRaw.ok ? parsedRaw.config : {};
  const validation = useClusterValidation(clusterId, config, name);
  const create = useMutation(trpc.changeRequest.create.mutationOptions({ onSuccess: (r) => router.push(`/changes/${r.id}`) }));

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const missing = !name.trim() ? "Enter a connector name." : !clusterId ? "Pick a cluster." : !teamId ? "Pick the owner team." : !template && !parsedRaw.ok ? "Fix the JSON config first." : null;
    const requiredMissing = template?.fields.find((f) => f.required && (f.visible?.(current) ?? true) && !(current[f.key] ?? "").trim());
    if (missing || requiredMissing) {
      setProblem(missing ?? `Fill in “${requiredMissing?.label}”.`);
      return;
    }
    setProblem(null);
    create.mutate({
      clusterId,
      title: `Create connector ${name.trim()}`,
      rationale,
      items: [{ action: "create", name: name.trim(), teamId, config, desiredState: state }],
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate className="flex flex-col gap-5">
      <TemplatePicker groupId={groupId} templateId={templateId} setTemplateId={setTemplateId} />

      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Connector name" value={name} onChange={(e) => setName(e.target.value)} required description='Letters, digits, ".", "_" and "-".' className="font-mono" />
        <SelectField label="Cluster" value={clusterId} onChange={setClusterId} placeholder="Pick a cluster…" options={clusters} />
        <SelectField label="Owner team" value={teamId} onChange={setTeamId} placeholder="Pick a team…" options={teams} />
        <DesiredStateField value={state} onChange={setState} className={inputClasses} />
      </div>

      <section aria-labelledby={`${groupId}-config`} className="flex flex-col gap-3">
        <h2 id={`${groupId}-config`} className="text-base font-semibold">
          Config {template && <code className="ml-2 text-xs font-normal text-zinc-600 dark:text-zinc-400">{template.connectorClass}</code>}
        </h2>
        {template ? (
          <div className="grid gap-3 sm:grid-cols-2">
            {template.fields
              .filter((f) => f.visible?.(current) ?? true)
              .map((f) => (
                <TemplateInput key={f.key} field={f} value={current[f.key] ?? ""} errors={validation.errors[f.key] ?? []} onChange={(v) => setValues({ ...values, [template.id]: { ...current, [f.key]: v } })} />
              ))}
          </div>
        ) : (
          <JsonEditor label="Config (JSON)" value={raw} onChange={setRaw} onSubmit={submit} error={Object.entries(validation.errors).map(([k, m]) => `${k}: ${m.join(" ")}`).join("\n") || null} />
        )}
        <ConfigValidationErrors errors={validation.errors} template={template} />
        <ValidationStatus validation={validation} hasClass={(config["connector.class"] ?? "") !== ""} />
      </section>

      <FieldShell label="Rationale" description="Why this connector; reviewers read it first." optional>
        {(control) => <textarea {...control} value={rationale} onChange={(e) => setRationale(e.target.value)} rows={3} className={inputClasses} />}
      </FieldShell>

      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
      <ErrorMessage error={create.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create draft change request
        </Button>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> · nothing reaches the cluster until it is reviewed and deployed.
        </span>
      </div>
    </form>
  );
}
