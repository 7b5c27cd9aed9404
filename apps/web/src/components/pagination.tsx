"use client";

import { useId } from "react";
import { Button } from "./button";

export type PaginationProps = {
  /** 1-based. */
  page: number;
  pageCount: number;
  pageSize: number;
  pageSizes?: readonly number[];
  onPageChange: (page: number) => void;
  onPageSizeChange?: (pageSize: number) => void;
};

/** Previous/next, "Page x of y" and a page size picker. */
export function Pagination({
  page,
  pageCount,
  pageSize,
  pageSizes = [25, 50, 100],
  onPageChange,
  onPageSizeChange,
}: PaginationProps) {
  const sizeId = useId();
  const lastPage = Math.max(1, pageCount);
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center gap-3 text-sm">
      <Button onClick={() => onPageChange(page - 1)} disabled={page <= 1}>
        <span aria-hidden="true">←</span> Previous
      </Button>
      <span aria-live="polite">
        Page {Math.min(page, lastPage)} of {lastPage}
      </span>
      <Button onClick={() => onPageChange(page + 1)} disabled={page >= lastPage}>
        Next <span aria-hidden="true">→</span>
      </Button>
      {onPageSizeChange && (
        <span className="ml-auto flex items-center gap-2">
          <label htmlFor={sizeId}>Rows per page</label>
          <select
            id={sizeId}
            value={pageSize}
            onChange={(event) => onPageSizeChange(Number(event.target.value))}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-600 dark:bg-zinc-900"
          >
            {pageSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </span>
      )}
    </nav>
  );
}
