/** The DRIFTED mark: the live connector no longer matches what was approved. Symbol and word, never colour alone. */
export function DriftedBadge({ title }: { title?: string }) {
  return (
    <span
      title={title ?? "The live connector no longer matches its approved definition"}
      className="inline-flex items-center gap-1 rounded border border-orange-700/40 bg-orange-100 px-1.5 py-0.5 text-xs font-semibold tracking-wide whitespace-nowrap text-orange-900 dark:border-orange-400/40 dark:bg-orange-950 dark:text-orange-200"
    >
      <span aria-hidden="true">≠</span>
      DRIFTED
    </span>
  );
}
