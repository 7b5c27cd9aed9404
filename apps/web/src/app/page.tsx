import { requireSessionUser } from "../server/auth";
import { api } from "../trpc/server";

export default async function HomePage() {
  await requireSessionUser();
  const me = await api.me();
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title" className="text-xl font-semibold">
        Board
      </h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        Signed in as <span className="font-medium text-zinc-900 dark:text-zinc-100">{me.name}</span> ({me.email},{" "}
        {me.role}).
      </p>
    </section>
  );
}
