import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClasses } from "./button";

export type EmptyStateProps = {
  title: string;
  /** What to do next. */
  children: ReactNode;
  action?: { href: string; label: string };
};

/** What an empty list shows: what is (not) here and what to do about it. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <section className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
      <h2 className="text-base font-semibold">{title}</h2>
      <div className="mx-auto mt-2 max-w-prose text-sm text-zinc-600 dark:text-zinc-400">{children}</div>
      {action && (
        <Link href={action.href} className={`${buttonClasses("primary")} mt-4`}>
          {action.label}
        </Link>
      )}
    </section>
  );
}
