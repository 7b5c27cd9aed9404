"use client";

import type { ItemDraft } from "./change-item-drafts";
import { FieldShell, SelectField, inputClasses } from "./field";

type Team = { id: string; name: string };

const TOPIC_CLEANUP = [
  { id: "delete", name: "delete (records expire)" },
  { id: "compact", name: "compact (latest record per key)" },
];

/** A topic to create (name, team, partitions, replication factor, a few configs) or to delete (name, team). */
export function TopicFields({ item, teams, onChange }: { item: ItemDraft; teams: Team[]; onChange: (item: ItemDraft) => void }) {
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
