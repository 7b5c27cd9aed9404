"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../trpc/react";
import { Button } from "./button";
import { ACTIONS, newItemDraft, picksConnector, type DesiredState, type ItemAction, type ItemDraft } from "./change-item-drafts";
import { ConfigEditor } from "./config-editor";
import { ErrorMessage } from "./error-message";
import { FieldShell, SelectField, inputClasses } from "./field";
import { useClusterValidation } from "./use-cluster-validation";
import { useDebouncedValue } from "./use-debounced-value";
import { ValidationStatus } from "./validation-status";

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

/** Search and pick a connector of the cluster (owners see their teams' connectors). */
function ConnectorPicker({ clusterId, mineOnly, onPick, label }: { clusterId: string; mineOnly: boolean; label: string; onPick: (c: { id: string; name: string }) => void }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search, 250);
  const listId = useId();
  const query = useQuery({
    ...trpc.connector.board.queryOptions({ clusterId, search: debounced || undefined, pageSize: 20, mine: mineOnly || undefined, sort: { column: "name", direction: "asc" } }),
    enabled: clusterId !== "",
  });
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${listId}-search`} className="text-sm font-medium">
        {label}
      </label>
      <input id={`${listId}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search by name, class or topic" className={inputClasses} />
      {query.error && <ErrorMessage error={query.error} />}
      <ul aria-label="Connectors" className="max-h-56 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        {query.isLoading && <li className="px-3 py-2 text-sm text-zinc-500">Loading connectors…</li>}
        {query.data?.items.length === 0 && <li className="px-3 py-2 text-sm text-zinc-600 dark:text-zinc-400">No connector matches{mineOnly ? " among your teams' connectors" : ""}.</li>}
        {query.data?.items.map((c) => (
          <li key={c.id} className="border-t border-zinc-100 first:border-t-0 dark:border-zinc-800">
            <button type="button" onClick={() => onPick({ id: c.id, name: c.name })} className="flex w-full items-center justify-between gap-3 px-3 py-1.5 text-left text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-600 dark:hover:bg-zinc-800">
              <span className="font-mono">{c.name}</span>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                {c.team.name} · {c.desiredState} · v{c.version}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

type ItemEditorProps = {
  item: ItemDraft;
  index: number;
  clusterId: string;
  teams: Team[];
  mineOnly: boolean;
  onChange: (item: ItemDraft) => void;
  onRemove: () => void;
};

function ItemEditor({ item, index, clusterId, teams, mineOnly, onChange, onRemove }: ItemEditorProps) {
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
        <>
          <div className="grid gap-3 sm:grid-cols-2">
            {item.action === "update" && (
              <FieldShell label="Name" description="A new name renames the connector (a delete and create on the cluster).">
                {(control) => <input {...control} value={item.name} onChange={(e) => onChange({ ...item, name: e.target.value })} className={`${inputClasses} font-mono`} />}
              </FieldShell>
            )}
            <FieldShell label="Desired state">
              {(control) => (
                <select {...control} value={item.desiredState} onChange={(e) => onChange({ ...item, desiredState: e.target.value as DesiredState })} className={selectClasses}>
                  <option value="RUNNING">RUNNING</option>
                  <option value="PAUSED">PAUSED</option>
                  <option value="STOPPED">STOPPED</option>
                </select>
              )}
            </FieldShell>
          </div>
          <ConfigEditor
            key={`${item.uid}:${item.connectorId}`}
            label="Config"
            value={item.config}
            onChange={(config) => onChange({ ...item, config, secretKeys })}
            errors={validation.errors}
            secretKeys={secretKeys}
          />
          <ValidationStatus validation={validation} hasClass={(item.config["connector.class"] ?? "").trim() !== ""} />
        </>
      )}
    </section>
  );
}

const TOPIC_CLEANUP = [
  { id: "delete", name: "delete (records expire)" },
  { id: "compact", name: "compact (latest record per key)" },
];

/** A topic to create (name, team, partitions, replication factor, a few configs) or to delete (name, team). */
function TopicFields({ item, teams, onChange }: { item: ItemDraft; teams: Team[]; onChange: (item: ItemDraft) => void }) {
  const setConfig = (key: string, value: string) => onChange({ ...item, topicConfig: { ...item.topicConfig, [key]: value } });
  return (
    <div className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <FieldShell label="Topic name" description='Letters, digits, ".", "_" and "-"; at most 249.'>
          {(control) => <input {...control} value={item.topicName} onChange={(e) => onChange({ ...item, topicName: e.target.value })} className={`${inputClasses} font-mono`} required maxLength={249} pattern="[A-Za-z0-9._\-]+" />}
        </FieldShell>
        <SelectField label="For team" value={item.teamId} onChange={(teamId) => onChange({ ...item, teamId })} placeholder="Pick a team…" options={teams} required />
      </div>
      {item.action === "create_topic" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <FieldShell label="Partitions">
            {(control) => <input {...control} type="number" min={1} step={1} value={item.partitions} onChange={(e) => onChange({ ...item, partitions: e.target.value })} className={inputClasses} required />}
          </FieldShell>
          <FieldShell label="Replication factor" description="At most the number of brokers.">
            {(control) => <input {...control} type="number" min={1} step={1} value={item.replicationFactor} onChange={(e) => onChange({ ...item, replicationFactor: e.target.value })} className={inputClasses} required />}
          </FieldShell>
          <SelectField label="Cleanup policy" value={item.topicConfig["cleanup.policy"] ?? ""} onChange={(v) => setConfig("cleanup.policy", v)} placeholder="The broker's default" options={TOPIC_CLEANUP} optional />
          <FieldShell label="Retention (ms)" description="Empty: the broker's default; -1 keeps records forever." optional>
            {(control) => <input {...control} inputMode="numeric" value={item.topicConfig["retention.ms"] ?? ""} onChange={(e) => setConfig("retention.ms", e.target.value)} className={inputClasses} />}
          </FieldShell>
        </div>
      ) : (
        <p role="note" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          Deleting a topic deletes every record in it: the data is lost. A team can delete only a topic no other team&apos;s connector uses, and the deploy refuses while any
          connector on the cluster still uses it.
        </p>
      )}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">Topics of this change are created before any of its connectors start, and deleted after its connector deletions.</p>
    </div>
  );
}

export type ChangeItemsEditorProps = {
  items: ItemDraft[];
  onChange: (items: ItemDraft[]) => void;
  clusterId: string;
  teams: Team[];
  /** Owners pick among their teams' connectors. */
  mineOnly: boolean;
};

/** The items of a change request: one card per connector change, with add and remove. */
export function ChangeItemsEditor({ items, onChange, clusterId, teams, mineOnly }: ChangeItemsEditorProps) {
  return (
    <div className="flex flex-col gap-3">
      {items.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">No changes yet: add one.</p>}
      {items.map((item, index) => (
        <ItemEditor
          key={item.uid}
          item={item}
          index={index}
          clusterId={clusterId}
          teams={teams}
          mineOnly={mineOnly}
          onChange={(next) => onChange(items.map((i) => (i.uid === item.uid ? next : i)))}
          onRemove={() => onChange(items.filter((i) => i.uid !== item.uid))}
        />
      ))}
      <div>
        <Button onClick={() => onChange([...items, newItemDraft({ teamId: teams.length === 1 ? (teams[0]?.id ?? "") : "" })])}>Add a change</Button>
      </div>
    </div>
  );
}
