import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { requireSessionUser } from "../../server/auth";
import { AdminNav } from "./admin-nav";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Switchboard" } };

/** Admin pages: admins only (the API refuses everyone else anyway). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireSessionUser();
  if (user.role !== "admin") {
    return (
      <section aria-labelledby="forbidden-title" className="mx-auto max-w-prose">
        <h1 id="forbidden-title" className="text-xl font-semibold">
          You need the admin role
        </h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          Clusters, teams, users and the audit log are managed by admins. You are signed in as {user.email} with the {user.role} role; ask an admin if you need access.
        </p>
        <p className="mt-4 text-sm">
          <Link href="/" className="text-blue-800 underline dark:text-blue-300">
            Back to the board
          </Link>
        </p>
      </section>
    );
  }
  return (
    <div className="flex flex-col gap-6">
      <AdminNav />
      {children}
    </div>
  );
}
