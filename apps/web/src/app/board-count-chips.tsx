"use client";

import { StateBadge } from "../components/state-badge";
import type { RouterOutputs } from "../trpc/types";
import { BOARD_STATES, type BoardStateFilter } from "./board-params";

type Counts = RouterOutputs["connector"]["board"]["counts"];

// States whose chip shows even at zero; the rarer ones appear only when something is in them.
const ALWAYS_SHOWN: ReadonlySet<BoardStateFilter> = new Set(["RUNNING", "DEGRADED", "FAILED", "PAUSED", "STOPPED"]);

function stateLabel(state: BoardStateFilter): string {
  return state === "UNKNOWN" ? "NOT OBSERVED" : state;
}

/** The count of connectors in each state; clicking one filters the board to it. */
export function CountChips({ counts, active, onPick }: { counts: Counts | undefined; active: BoardStateFilter | undefined; onPick: (s: BoardStateFilter | undefined) => void }) {
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  const chip = (pressed: boolean) =>
    `inline-flex items-center gap-2 rounded-full border px-3 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-blue-600 ${
      pressed ? "border-blue-700 bg-blue-50 text-blue-900 dark:border-blue-400 dark:bg-blue-950 dark:text-blue-100" : "border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
    }`;
  return (
    <div role="group" aria-label="Filter by state" className="flex flex-wrap gap-2">
      <button type="button" aria-pressed={active === undefined} onClick={() => onPick(undefined)} className={chip(active === undefined)}>
        All <span className="tabular-nums">{total}</span>
      </button>
      {BOARD_STATES.filter((s) => ALWAYS_SHOWN.has(s) || (counts?.[s] ?? 0) > 0 || active === s).map((s) => (
        <button key={s} type="button" aria-pressed={active === s} onClick={() => onPick(active === s ? undefined : s)} className={chip(active === s)}>
          {s === "UNKNOWN" ? <span>{stateLabel(s)}</span> : <StateBadge state={s} />}
          <span className="tabular-nums">{counts?.[s] ?? 0}</span>
        </button>
      ))}
    </div>
  );
}
