export type ConnectorHealth = "RUNNING" | "DEGRADED" | "FAILED" | "PAUSED" | "STOPPED" | "UNASSIGNED" | "MISSING";

type BadgeStyle = { symbol: string; className: string };

// The symbol repeats the meaning for readers who cannot tell the colours apart; the word is the label.
const STYLES: Record<ConnectorHealth, BadgeStyle> = {
  RUNNING: {
    symbol: "●",
    className: "bg-green-100 text-green-900 border-green-700/40 dark:bg-green-950 dark:text-green-200 dark:border-green-400/40",
  },
  DEGRADED: {
    symbol: "▲",
    className: "bg-amber-100 text-amber-900 border-amber-700/40 dark:bg-amber-950 dark:text-amber-200 dark:border-amber-400/40",
  },
  FAILED: {
    symbol: "✕",
    className: "bg-red-100 text-red-900 border-red-700/40 dark:bg-red-950 dark:text-red-200 dark:border-red-400/40",
  },
  PAUSED: {
    symbol: "‖",
    className: "bg-sky-100 text-sky-900 border-sky-700/40 dark:bg-sky-950 dark:text-sky-200 dark:border-sky-400/40",
  },
  STOPPED: {
    symbol: "■",
    className: "bg-zinc-100 text-zinc-800 border-zinc-500/40 dark:bg-zinc-800 dark:text-zinc-200 dark:border-zinc-400/40",
  },
  UNASSIGNED: {
    symbol: "○",
    className:
      "bg-violet-100 text-violet-900 border-violet-700/40 dark:bg-violet-950 dark:text-violet-200 dark:border-violet-400/40",
  },
  MISSING: {
    symbol: "?",
    className: "border-dashed bg-white text-zinc-700 border-zinc-500 dark:bg-zinc-900 dark:text-zinc-300 dark:border-zinc-400",
  },
};

const UNKNOWN: BadgeStyle = STYLES.STOPPED;

/** A connector or task state as colour, symbol and word (never colour alone). Unknown states render neutral. */
export function StateBadge({ state }: { state: ConnectorHealth | (string & {}) }) {
  const style = STYLES[state as ConnectorHealth] ?? UNKNOWN;
  return (
    <span
      className={`inline-flex items-center gap-1 rounded border px-1.5 py-0.5 text-xs font-semibold tracking-wide whitespace-nowrap ${style.className}`}
    >
      <span aria-hidden="true">{style.symbol}</span>
      {state}
    </span>
  );
}
