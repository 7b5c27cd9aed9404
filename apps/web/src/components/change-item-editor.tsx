"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../trpc/react";
import { Button } from "./button";
import { ACTIONS, newItemDraft, picksConnector, type ItemAction, type ItemDraft } from "./change-item-drafts";
import { TopicFields } from "./change-topic-fields";
import { ConnectorDefinitionFields } from "./connector-definition-fields";
import { ConnectorPicker } from "./connector-picker";
import { ErrorMessage } from "./error-message";
import { FieldShell, SelectField, inputClasses } from "./field";
import { useClusterValidation } from "./use-cluster-validation";

const ACTION_LABELS: Record<ItemAction, string> = {
  create: "Create a connector",
  update: "Update a connector's config",
  delete: "Delete a connector",
  pause: "Pause a connector",
  resume: "Resume a connector",
  stop: "Stop a connector",
  restart: "Restart a connector",
  create_topic: "Create a topic",
  delete_topic: "Delete a topic",
};

const selectClasses = `${inputClasses} w-auto`;

type Team = { id: string; name: string };

type ItemEditorProps = {
  item: ItemDraft;
  index: number;
  clusterId: string;
  teams: Team[];
  mineOnly: boolean;
  onChange: (item: ItemDraft) => void;
  onRemove: () => void;
};

export function ItemEditor({ item, index, clusterId, teams, mineOnly, onChange, onRemove }: ItemEditorProps) {
  const trpc = useTRPC();
  const id = useId();
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const withDefinition = item.action === "create" || item.action === "update";
  const validation = useClusterValidation(withDefinition ? clusterId : "", item.config, item.action === "create" ? item.name : item.name || item.connectorName);
  const queryClient = useQueryClient();

  async function pick(c: { id: string; name: string }) {
    if (item.action !== "update") {
      onChange({ ...item, connectorId: c.id, connectorName: c.name });
      return;
    }
    setLoading(true);
    setLoadError(null);
    try {
      const detail = await queryClient.fetchQuery(trpc.connector.byId.queryOptions({ id: c.id }));
      onChange({ ...item, connectorId: c.id, connectorName: c.name, name: c.name, config: detail.config, secretKeys: detail.secretKeys, desiredState: detail.desiredState });
    } catch (err) {
      setLoadError(err);
    } finally {
      setLoading(false);
    }
  }

  const secretKeys = [...new Set([...item.secretKeys, ...validation.passwordKeys])];
  const shownName = item.connectorName || (item.action === "create" ? item.name : picksConnector(item.action) ? "" : item.topicName);
  const heading = `${index + 1}. ${ACTION_LABELS[item.action]}${shownName ? `: ${shownName}` : ""}`;

  return (
    <section aria-labelledby={`${id}-heading`} className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 id={`${id}-heading`} className="text-sm font-semibold">
          {heading}
        </h3>
        <Button variant="secondary" onClick={onRemove} aria-label={`Remove change ${index + 1}`}>
          Remove
        </Button>
      </div>
      <FieldShell label="Action">
        {(control) => (
          <select {...control} value={item.action} onChange={(e) => onChange({ ...newItemDraft({ uid: item.uid }), action: e.target.value as ItemAction })} className={selectClasses}>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a]}
              </option>
            ))}
          </select>
        )}
      </FieldShell>

      {item.action === "create_topic" || item.action === "delete_topic" ? (
        <TopicFields item={item} teams={teams} onChange={onChange} />
      ) : item.action === "create" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <FieldShell label="Connector name" description='Letters, digits, ".", "_" and "-".'>
            {(control) => <input {...control} value={item.name} onChange={(e) => onChange({ ...item, name: e.target.value })} className={`${inputClasses} font-mono`} required pattern="[A-Za-z0-9._\-]+" />}
          </FieldShell>
          <SelectField label="Owner team" value={item.teamId} onChange={(teamId) => onChange({ ...item, teamId })} placeholder="Pick a team…" options={teams} required />
        </div>
      ) : item.connectorId ? (
        <p className="flex flex-wrap items-center gap-2 text-sm">
          Connector <code className="font-mono font-medium">{item.connectorName}</code>
          <Button className="px-2 py-0.5 text-xs" onClick={() => onChange({ ...item, connectorId: "", connectorName: "" })}>
            Change
          </Button>
        </p>
      ) : clusterId ? (
        <ConnectorPicker clusterId={clusterId} mineOnly={mineOnly} onPick={(c) => void pick(c)} label="Connector" />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Pick a cluster first.</p>
      )}
      {loading && <p className="text-sm text-zinc-600">Loading the connector's config…</p>}
      {loadError !== null && <ErrorMessage error={loadError} />}

      {item.action === "restart" && item.connectorId && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={item.onlyFailed} onChange={(e) => onChange({ ...item, onlyFailed: e.target.checked })} />
          Only failed tasks
        </label>
      )}

      {withDefinition && (item.action === "create" || item.connectorId) && (
        <ConnectorDefinitionFields item={item} onChange={onChange} validation={validation} secretKeys={secretKeys} />
      )}
    </section>
  );
}
