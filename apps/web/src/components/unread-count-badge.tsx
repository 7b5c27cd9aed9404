/**
 * The number of unread notifications next to the nav link. Renders nothing at zero; the count
 * is read aloud with the link ("Notifications, 3 unread").
 */
export function UnreadCountBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="ml-1 inline-flex min-w-5 items-center justify-center rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white dark:bg-red-500 dark:text-zinc-950">
      {count > 99 ? "99+" : count}
      <span className="sr-only"> unread</span>
    </span>
  );
}
