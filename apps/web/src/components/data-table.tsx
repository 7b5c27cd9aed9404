import type { ReactNode, TableHTMLAttributes, ThHTMLAttributes } from "react";

export type SortDirection = "asc" | "desc";
export type SortState<Column extends string = string> = { column: Column; direction: SortDirection };

/** The sort after clicking `column`: a new column sorts ascending, the same column flips. */
export function nextSort<Column extends string>(current: SortState<Column> | null, column: Column): SortState<Column> {
  if (current?.column === column) {
    return { column, direction: current.direction === "asc" ? "desc" : "asc" };
  }
  return { column, direction: "asc" };
}

export type DataTableProps = TableHTMLAttributes<HTMLTableElement> & {
  /** Names the table for screen readers; visually hidden unless `showCaption`. */
  caption: string;
  showCaption?: boolean;
  /** False inside a panel that draws its own border. */
  framed?: boolean;
};

/** A dense table that scrolls sideways on narrow screens instead of squeezing its columns. */
export function DataTable({ caption, showCaption = false, framed = true, className, children, ...rest }: DataTableProps) {
  return (
    <div className={framed ? "overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800" : "overflow-x-auto"}>
      <table
        {...rest}
        className={`w-full border-collapse text-left text-sm [&_td]:px-3 [&_td]:py-2 [&_th]:px-3 [&_th]:py-2 [&_tbody_tr]:border-t [&_tbody_tr]:border-zinc-200 dark:[&_tbody_tr]:border-zinc-800 ${className ?? ""}`}
      >
        <caption className={showCaption ? "px-3 py-2 text-left font-medium" : "sr-only"}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

/** A header row container with the table's header styling. */
export function DataTableHead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-zinc-50 text-xs font-semibold text-zinc-600 uppercase dark:bg-zinc-900 dark:text-zinc-400">
      {children}
    </thead>
  );
}

export type SortableHeaderProps<Column extends string> = Omit<ThHTMLAttributes<HTMLTableCellElement>, "onClick"> & {
  column: Column;
  label: ReactNode;
  sort: SortState<Column> | null;
  onSort: (next: SortState<Column>) => void;
};

/** A column header that sorts on click or Enter/Space, announcing its state through aria-sort. */
export function SortableHeader<Column extends string>({
  column,
  label,
  sort,
  onSort,
  ...rest
}: SortableHeaderProps<Column>) {
  const active = sort?.column === column;
  const ariaSort = active ? (sort.direction === "asc" ? "ascending" : "descending") : "none";
  return (
    <th scope="col" aria-sort={ariaSort} {...rest}>
      <button
        type="button"
        onClick={() => onSort(nextSort(sort, column))}
        className="inline-flex items-center gap-1 rounded font-semibold uppercase hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:hover:text-zinc-100 dark:focus-visible:outline-blue-400"
      >
        {label}
        <span aria-hidden="true" className={active ? "" : "opacity-30"}>
          {active && sort.direction === "desc" ? "▼" : "▲"}
        </span>
      </button>
    </th>
  );
}
