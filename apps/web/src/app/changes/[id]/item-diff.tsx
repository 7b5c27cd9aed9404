import { DiffTable } from "../../../components/diff-table";
import type { RouterOutputs } from "../../../trpc/types";
import { itemDiff } from "./change-request-display";
import type { PlannedPreview } from "./plan-summary";

type Item = RouterOutputs["changeRequest"]["byId"]["items"][number];

/** The item's config diff; for a revert, live → approved from the plan, with a line saying so. */
export function ItemDiffView({ item, preview }: { item: Item; preview: PlannedPreview | null }) {
  const diff = itemDiff(item, preview?.plan.actions ?? null);
  return (
    <>
      {diff.note && <p className="border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">{diff.note}</p>}
      <DiffTable rows={diff.rows} caption={diff.caption} />
    </>
  );
}
