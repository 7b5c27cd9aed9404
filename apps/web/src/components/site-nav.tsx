"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "../trpc/react";
import { SignOutButton } from "./sign-out-button";
import { UnreadCountBadge } from "./unread-count-badge";

export type SiteNavUser = { name: string; email: string; role: string };

type NavItem = { href: string; label: string; adminOnly?: boolean };

const ITEMS: NavItem[] = [
  { href: "/", label: "Board" },
  { href: "/changes", label: "Change requests" },
  { href: "/connectors/new", label: "New connector" },
  { href: "/adopt", label: "Adopt" },
  { href: "/clusters", label: "Clusters" },
  { href: "/notifications", label: "Notifications" },
  { href: "/admin", label: "Admin", adminOnly: true },
];

function isCurrent(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * The top bar: product name, sections (Admin for admins only), the signed-in user and sign-out.
 * `unreadCount` is the server's count at render; it then refreshes every 30 s and whenever the
 * inbox marks notifications read (it invalidates the same query).
 */
export function SiteNav({ user, unreadCount = 0 }: { user: SiteNavUser; unreadCount?: number }) {
  const pathname = usePathname();
  const trpc = useTRPC();
  const unread = useQuery({ ...trpc.notification.unreadCount.queryOptions(), initialData: unreadCount, refetchInterval: 30_000 });
  const items = ITEMS.filter((item) => !item.adminOnly || user.role === "admin");
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
        <Link href="/" className="rounded font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-blue-600">
          Switchboard
        </Link>
        <nav aria-label="Main" className="flex-1">
          <ul className="flex flex-wrap items-center gap-1 text-sm">
            {items.map((item) => {
              const current = isCurrent(pathname, item.href);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={current ? "page" : undefined}
                    className={`inline-flex items-center rounded-md px-2.5 py-1.5 focus-visible:outline-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400 ${
                      current
                        ? "bg-zinc-100 font-semibold text-zinc-950 dark:bg-zinc-800 dark:text-zinc-50"
                        : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-950 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-zinc-50"
                    }`}
                  >
                    {item.label}
                    {item.href === "/notifications" && <UnreadCountBadge count={unread.data} />}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="flex items-center gap-3 text-sm">
          <Link
            href="/settings/tokens"
            aria-current={isCurrent(pathname, "/settings/tokens") ? "page" : undefined}
            className="rounded text-zinc-700 hover:text-zinc-950 focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:text-zinc-50"
          >
            API tokens
          </Link>
          <span title={user.email}>
            <span className="font-medium">{user.name}</span>{" "}
            <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
              {user.role}
            </span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
