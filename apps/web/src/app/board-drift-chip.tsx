"use client";

import { DriftedBadge } from "../components/drifted-badge";

/** The count of DRIFTED connectors among the filtered ones; pressing it shows only those (`drift=1`). */
export function DriftChip({ count, active, onToggle }: { count: number | undefined; active: boolean; onToggle: () => void }) {
  if (!active && !count) return null;
  return (
    <button
      type="button"
      aria-pressed={active}
      onClick={onToggle}
      className={`inline-flex items-center gap-2 self-start rounded-full border px-3 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-blue-600 ${
        active ? "border-blue-700 bg-blue-50 text-blue-900 dark:border-blue-400 dark:bg-blue-950 dark:text-blue-100" : "border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
      }`}
    >
      <DriftedBadge title="Show only connectors that drifted from their approved definition" />
      <span className="tabular-nums">{count ?? 0}</span>
    </button>
  );
}
