"use client";

import { Button } from "./button";
import { newItemDraft, type ItemDraft } from "./change-item-drafts";
import { ItemEditor } from "./change-item-editor";

type Team = { id: string; name: string };

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
