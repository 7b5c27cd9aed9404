/** A connector's labels as small chips; a chip is a button when `onPick` is given (e.g. to filter by it). */
export function LabelChips({ labels, onPick, onRemove }: { labels: readonly string[]; onPick?: (label: string) => void; onRemove?: (label: string) => void }) {
  if (labels.length === 0) return null;
  const chip = "inline-flex items-center gap-1 rounded-full border border-zinc-300 bg-zinc-50 px-2 py-0.5 font-mono text-xs text-zinc-800 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200";
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Labels">
      {labels.map((label) => (
        <li key={label} className={chip}>
          {onPick ? (
            <button type="button" className="hover:underline" title={`Show connectors labelled ${label}`} onClick={() => onPick(label)}>
              {label}
            </button>
          ) : (
            <span>{label}</span>
          )}
          {onRemove && (
            <button type="button" aria-label={`Remove label ${label}`} className="rounded px-0.5 text-zinc-500 hover:text-red-700 dark:hover:text-red-400" onClick={() => onRemove(label)}>
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
