"use client";

import { useId } from "react";
import { OffsetsTable } from "../../../components/offsets-table";
import type { RouterOutputs } from "../../../trpc/types";
import { Card } from "./card";
import { ItemDiffView } from "./item-diff";
import { TopicChange } from "./topic-change";
import type { PlannedPreview } from "./plan-summary";

type Item = RouterOutputs["changeRequest"]["byId"]["items"][number];

const ACTION_STYLE: Record<Item["action"], { symbol: string; verb: string; className: string }> = {
  create: { symbol: "+", verb: "create", className: "text-green-800 dark:text-green-300" },
  update: { symbol: "~", verb: "update", className: "text-amber-800 dark:text-amber-300" },
  delete: { symbol: "−", verb: "delete", className: "text-red-800 dark:text-red-300" },
  pause: { symbol: "⏸", verb: "pause", className: "text-sky-800 dark:text-sky-300" },
  resume: { symbol: "▶", verb: "resume", className: "text-green-800 dark:text-green-300" },
  stop: { symbol: "■", verb: "stop", className: "text-zinc-700 dark:text-zinc-300" },
  restart: { symbol: "↻", verb: "restart", className: "text-cyan-800 dark:text-cyan-300" },
  reset_offsets: { symbol: "⟲", verb: "reset offsets of", className: "text-purple-800 dark:text-purple-300" },
  set_offsets: { symbol: "⇥", verb: "set offsets of", className: "text-purple-800 dark:text-purple-300" },
  move: { symbol: "⇄", verb: "move", className: "text-indigo-800 dark:text-indigo-300" },
  create_topic: { symbol: "+", verb: "create topic", className: "text-green-800 dark:text-green-300" },
  delete_topic: { symbol: "−", verb: "delete topic", className: "text-red-800 dark:text-red-300" },
};

/** One item of the change request: what it does to its connector, the config diff, warnings and the validator's verdict. */
export function ItemCard({ item, preview }: { item: Item; preview: PlannedPreview | null }) {
  const id = useId();
  const style = ACTION_STYLE[item.action];
  const problems = preview?.problems.filter((p) => p.connector === item.connectorName) ?? [];
  const risks = preview?.risks.filter((r) => r.connector === item.connectorName || (item.previousName !== null && r.connector === item.previousName)) ?? [];
  return (
    <Card labelledBy={`${id}-title`}>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 bg-zinc-50 px-3 py-2 dark:border-zinc-800 dark:bg-zinc-950">
        <h3 id={`${id}-title`} className="flex flex-wrap items-center gap-2 text-sm">
          <span aria-hidden="true" className={`font-mono font-bold ${style.className}`}>
            {style.symbol}
          </span>
          <span className={`font-semibold ${style.className}`}>{style.verb}</span>
          <code className="font-mono font-semibold">{item.connectorName}</code>
          {item.previousName && <span className="text-xs text-zinc-600 dark:text-zinc-400">(renamed from {item.previousName})</span>}
          {item.action === "restart" && <span className="text-xs text-zinc-600 dark:text-zinc-400">{item.onlyFailed ? "failed tasks only" : "connector and all tasks"}</span>}
        </h3>
        <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
          {item.team && <span>team {item.team.name}</span>}
          {item.currentVersion !== null && <span>v{item.currentVersion}</span>}
          {item.stale && (
            <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {item.connectorDeleted ? "connector deleted" : `stale: written against v${item.baseVersion}`}
            </span>
          )}
        </div>
      </header>
      {item.stateChange && (
        <p className="border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          Desired state: <code>{item.stateChange.before ?? "—"}</code> → <code className="font-semibold">{item.stateChange.after ?? "—"}</code>
        </p>
      )}
      {(item.action === "create" || item.action === "update" || item.action === "delete") && <ItemDiffView item={item} preview={preview} />}
      <TopicChange item={item} preview={preview} />
      {(item.action === "reset_offsets" || item.action === "set_offsets") && <OffsetsChange item={item} preview={preview} />}
      {item.moveTo && (
        <p className="border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          To cluster <strong>{item.moveTo.name}</strong>. The deploy stops it here and reads its offsets, creates it stopped on {item.moveTo.name}, writes the offsets there, brings it to its
          desired state, then deletes it here; if anything fails before that delete, it is put back as it was.
        </p>
      )}
      {risks.length > 0 && (
        <ul aria-label={`Warnings for ${item.connectorName}`} className="flex flex-col gap-1 border-t border-zinc-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-zinc-800 dark:bg-amber-950/50 dark:text-amber-100">
          {risks.map((r) => (
            <li key={`${r.code}:${r.message}`}>
              <span aria-hidden="true">⚠ </span>
              <span className="font-semibold">{r.code.replaceAll("_", " ").toLowerCase()}</span>: {r.message}
            </li>
          ))}
        </ul>
      )}
      {preview && (item.action === "create" || item.action === "update") && (
        <div className="border-t border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          {problems.length === 0 ? (
            <p className="text-green-800 dark:text-green-300">✓ The cluster&apos;s validator accepts this config.</p>
          ) : (
            <>
              <p className="font-medium text-red-800 dark:text-red-300">✕ The cluster&apos;s validator reports {problems.length === 1 ? "a problem" : `${problems.length} problems`}:</p>
              <ul className="mt-1 list-disc pl-5 text-red-800 dark:text-red-300">
                {problems.map((p) => (
                  <li key={`${p.key}:${p.message}`}>
                    {p.key && <code className="font-mono">{p.key}</code>}
                    {p.key && ": "}
                    {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </Card>
  );
}

/** Offsets items: old (live) and new offsets from the preview; without one, the partitions the item sets. */
function OffsetsChange({ item, preview }: { item: Item; preview: PlannedPreview | null }) {
  const planned = preview?.offsets?.find((o) => o.connector === item.connectorName);
  return (
    <div className="flex flex-col gap-1 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        The deploy stops the connector, saves its offsets in the report, {item.action === "reset_offsets" ? "deletes them" : "sets these partitions"}, then brings it back to its
        desired state.
      </p>
      {planned ? (
        planned.before === null ? (
          <p className="text-sm text-amber-800 dark:text-amber-300">Live offsets unknown: {planned.error ?? "not read"}</p>
        ) : (
          <OffsetsTable caption={`Offsets of ${item.connectorName}: live now and after the change`} offsets={planned.before} after={planned.after} />
        )
      ) : item.action === "set_offsets" ? (
        <OffsetsTable caption={`Offsets ${item.connectorName} gets`} offsets={item.offsets ?? []} />
      ) : null}
    </div>
  );
}
