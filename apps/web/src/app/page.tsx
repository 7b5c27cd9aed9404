import { Suspense } from "react";
import { requireSessionUser } from "../server/auth";
import { api } from "../trpc/server";
import { parseBoardFilters, recordParams } from "./board-params";
import { BoardView } from "./board-view";

export default async function BoardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSessionUser();
  const filters = parseBoardFilters(recordParams(await searchParams));
  // The first page is rendered on the server, so the table is in the first paint; the client then refreshes it.
  const [initial, teams, clusters] = await Promise.all([api.connector.board(filters).catch(() => null), api.team.list(), api.cluster.list()]);
  return (
    <Suspense>
      <BoardView
        initial={initial}
        initialFilters={filters}
        teams={teams.map((t) => ({ id: t.id, name: t.name }))}
        clusters={clusters.map((c) => ({ id: c.id, name: c.name }))}
      />
    </Suspense>
  );
}
