import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteNav } from "../components/site-nav";
import { getSessionUser } from "../server/auth";
import { TRPCReactProvider } from "../trpc/react";
import { api } from "../trpc/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Switchboard", template: "%s · Switchboard" },
  description: "Change-controlled control plane for Kafka Connect",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  const unreadCount = user ? await api.notification.unreadCount().catch(() => 0) : 0;
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <a
          href="#main"
          className="sr-only rounded-md bg-blue-700 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        <TRPCReactProvider>
          {user && <SiteNav user={{ name: user.name, email: user.email, role: user.role }} unreadCount={unreadCount} />}
          <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
            {children}
          </main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
