import type { ReactNode } from "react";

/** A bordered panel of the change request page; named by its heading when it has one. */
export function Card({ children, labelledBy }: { children: ReactNode; labelledBy?: string }) {
  return (
    <section aria-labelledby={labelledBy} className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      {children}
    </section>
  );
}
