import type { RouterOutputs } from "../trpc/types";
import { DataTable, DataTableHead } from "./data-table";

export type DiffRow = RouterOutputs["changeRequest"]["byId"]["items"][number]["diff"][number];

const STATUS: Record<DiffRow["status"], { symbol: string; label: string; row: string }> = {
  added: { symbol: "+", label: "added", row: "bg-green-50 dark:bg-green-950/40" },
  removed: { symbol: "−", label: "removed", row: "bg-red-50 dark:bg-red-950/40" },
  changed: { symbol: "~", label: "changed", row: "bg-amber-50 dark:bg-amber-950/40" },
  unchanged: { symbol: " ", label: "unchanged", row: "" },
};

/** A whole secret: the server sends no value at all, so the row says only what happened to it. */
const isWholeSecret = (row: DiffRow) => row.sensitive && row.before === null && row.after === null;

function Value({ value }: { value: string | null }) {
  if (value === null) return <span className="text-zinc-400">—</span>;
  return <code className="font-mono break-all whitespace-pre-wrap">{value}</code>;
}

/** The before and after cells of one row. */
function Values({ row }: { row: DiffRow }) {
  if (isWholeSecret(row)) {
    return (
      <td colSpan={2} className="text-zinc-700 italic dark:text-zinc-300">
        (sensitive) {STATUS[row.status].label}
      </td>
    );
  }
  return (
    <>
      <td className="font-mono text-xs">
        <Value value={row.before} />
      </td>
      <td className="font-mono text-xs">
        <Value value={row.after} />
        {row.sensitive && (
          <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 font-sans text-xs whitespace-nowrap text-zinc-700 not-italic dark:bg-zinc-800 dark:text-zinc-300">
            {row.status === "changed" && row.before === row.after ? "credentials changed, hidden" : "credentials hidden"}
          </span>
        )}
      </td>
    </>
  );
}

/**
 * A unified key-level diff: key, before, after. A secret only says whether it was added, changed,
 * unchanged or removed; a value carrying credentials is shown with them as "(sensitive)" and says
 * so. Unchanged keys are folded away behind a summary so the changes stand out.
 */
export function DiffTable({ rows, caption }: { rows: DiffRow[]; caption: string }) {
  const changed = rows.filter((r) => r.status !== "unchanged");
  const unchanged = rows.filter((r) => r.status === "unchanged");
  const body = (list: DiffRow[]) =>
    list.map((row) => {
      const s = STATUS[row.status];
      return (
        <tr key={row.key} className={s.row}>
          <td className="w-6 font-mono text-zinc-500" aria-label={s.label}>
            <span aria-hidden="true">{s.symbol}</span>
          </td>
          <th scope="row" className="font-mono text-xs font-medium">
            {row.key}
          </th>
          <Values row={row} />
        </tr>
      );
    });
  const head = (
    <DataTableHead>
      <tr>
        <th scope="col">
          <span className="sr-only">Change</span>
        </th>
        <th scope="col">Key</th>
        <th scope="col">Before</th>
        <th scope="col">After</th>
      </tr>
    </DataTableHead>
  );
  return (
    <div>
      {changed.length > 0 ? (
        <DataTable caption={caption} framed={false}>
          {head}
          <tbody>{body(changed)}</tbody>
        </DataTable>
      ) : (
        <p className="px-3 py-2 text-sm text-zinc-600 dark:text-zinc-400">No config changes.</p>
      )}
      {unchanged.length > 0 && (
        <details className="border-t border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-3 py-1.5 text-xs text-zinc-600 dark:text-zinc-400">
            {unchanged.length} unchanged {unchanged.length === 1 ? "key" : "keys"}
          </summary>
          <DataTable caption={`${caption}: unchanged keys`} framed={false}>
            {head}
            <tbody>{body(unchanged)}</tbody>
          </DataTable>
        </details>
      )}
    </div>
  );
}
