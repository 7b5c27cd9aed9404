import Link from "next/link";
import { api } from "../../trpc/server";

export default async function AdminHome() {
  const [clusters, teams, users, failed] = await Promise.all([
    api.cluster.list(),
    api.team.list(),
    api.user.list(),
    api.notification.deliveries({ page: 1, status: "failed" }),
  ]);
  const cards = [
    { href: "/admin/clusters", title: "Clusters", value: clusters.length, text: "Connect workers, credentials (env var names), approval policy, monitor interval." },
    { href: "/admin/teams", title: "Teams", value: teams.length, text: "Members and notification contacts (email, webhook)." },
    { href: "/admin/users", title: "Users", value: users.filter((u) => !u.disabled).length, text: "Accounts, roles, disabled accounts." },
    { href: "/admin/deliveries", title: "Failed deliveries", value: failed.total, text: "Email and webhook notifications that ran out of retries." },
    { href: "/admin/audit", title: "Audit log", value: null, text: "Every change: who, what, when, before and after." },
  ];
  return (
    <section aria-labelledby="admin-title" className="flex flex-col gap-4">
      <h1 id="admin-title" className="text-xl font-semibold">
        Admin
      </h1>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {cards.map((c) => (
          <li key={c.href}>
            <Link href={c.href} className="block h-full rounded-lg border border-zinc-200 bg-white p-4 hover:border-blue-400 dark:border-zinc-800 dark:bg-zinc-950">
              <span className="flex items-baseline justify-between">
                <span className="font-semibold">{c.title}</span>
                {c.value !== null && <span className="text-2xl font-semibold tabular-nums">{c.value}</span>}
              </span>
              <span className="mt-1 block text-sm text-zinc-600 dark:text-zinc-400">{c.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
