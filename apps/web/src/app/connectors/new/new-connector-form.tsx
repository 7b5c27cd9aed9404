"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "../../../components/button";
import { parseConfigJson } from "../../../components/config-fields";
import { ErrorMessage } from "../../../components/error-message";
import { Field, FieldShell, SelectField, inputClasses } from "../../../components/field";
import { JsonEditor } from "../../../components/json-editor";
import { useClusterValidation } from "../../../components/use-cluster-validation";
import { ValidationStatus } from "../../../components/validation-status";
import { useTRPC } from "../../../trpc/react";
import { RAW_JSON_ID, TEMPLATES, templateConfig, templateDefaults, type TemplateField } from "./templates";

type Option = { id: string; name: string };
type DesiredState = "RUNNING" | "PAUSED" | "STOPPED";

const RAW_EXAMPLE = `{\n  "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",\n  "tasks.max": "1",\n  "topics": "demo"\n}\n`;

function TemplateInput({ field, value, onChange, errors }: { field: TemplateField; value: string; onChange: (v: string) => void; errors: string[] }) {
  const description = [field.description, `Config key: ${field.key}`].filter(Boolean).join(" · ");
  return (
    <FieldShell label={field.label} description={description} error={errors.length > 0 ? errors.join(" ") : null} optional={!field.required}>
      {(control) =>
        field.kind === "select" ? (
          <select {...control} value={value} onChange={(e) => onChange(e.target.value)} className={inputClasses}>
            {field.options?.map((o) => (
              <option key={o} value={o}>
                {o === "" ? "(none)" : o}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...control}
            type={field.kind === "password" ? "password" : "text"}
            inputMode={field.kind === "number" ? "numeric" : undefined}
            autoComplete={field.kind === "password" ? "new-password" : "off"}
            spellCheck={false}
            required={field.required}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            className={`${inputClasses} font-mono`}
          />
        )
      }
    </FieldShell>
  );
}

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

  const fieldKeys = new Set(template?.fields.map((f) => f.key) ?? []);
  const otherErrors = Object.entries(validation.errors).filter(([key]) => !fieldKeys.has(key) && key !== "connector.class");

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate className="flex flex-col gap-5">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm font-medium">Template</legend>
        <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
          {[...TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description })), { id: RAW_JSON_ID, name: "Raw JSON", description: "Any connector: write the config yourself." }].map((t) => (
            <label key={t.id} className={`flex cursor-pointer gap-2 rounded-lg border p-3 text-sm focus-within:outline-2 focus-within:outline-blue-600 ${templateId === t.id ? "border-blue-700 bg-blue-50 dark:border-blue-400 dark:bg-blue-950" : "border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"}`}>
              <input type="radio" name={`${groupId}-template`} value={t.id} checked={templateId === t.id} onChange={() => setTemplateId(t.id)} className="mt-0.5" />
              <span>
                <span className="block font-medium">{t.name}</span>
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{t.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Connector name" value={name} onChange={(e) => setName(e.target.value)} required description='Letters, digits, ".", "_" and "-".' className="font-mono" />
        <SelectField label="Cluster" value={clusterId} onChange={setClusterId} placeholder="Pick a cluster…" options={clusters} />
        <SelectField label="Owner team" value={teamId} onChange={setTeamId} placeholder="Pick a team…" options={teams} />
        <FieldShell label="Desired state">
          {(control) => (
            <select {...control} value={state} onChange={(e) => setState(e.target.value as DesiredState)} className={inputClasses}>
              <option value="RUNNING">RUNNING</option>
              <option value="PAUSED">PAUSED</option>
              <option value="STOPPED">STOPPED</option>
            </select>
          )}
        </FieldShell>
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
        {validation.errors["connector.class"] && (
          <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
            <p className="font-medium">The cluster does not know this connector class.</p>
            <p className="mt-1">{validation.errors["connector.class"].join(" ")}</p>
            <p className="mt-1">You can still save the draft, but it cannot deploy until the plugin is installed on every Connect worker.</p>
          </div>
        )}
        {template && otherErrors.length > 0 && (
          <ul className="list-disc pl-5 text-sm text-red-700 dark:text-red-400">
            {otherErrors.map(([key, messages]) => (
              <li key={key}>
                <code>{key}</code>: {messages.join(" ")}
              </li>
            ))}
          </ul>
        )}
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
