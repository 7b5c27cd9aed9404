/** Read-only figures for readiness checks and metrics: is the database there, how full is the queue, what is open. */
import type { DbOrTx } from "../client";

/** Throws when the database does not answer a trivial query. */
export async function pingDatabase(db: DbOrTx): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}

export type QueueStat = { kind: string; depth: number; oldestAgeSeconds: number };

/**
 * Queued jobs that are due (`runAfter` passed), per kind, and how long the oldest of them has waited
 * since it became due: a backlog shows as age, not as jobs scheduled for later (the next health poll).
 */
export async function queueStats(db: DbOrTx, now: Date = new Date()): Promise<QueueStat[]> {
  const groups = await db.job.groupBy({
    by: ["kind"],
    where: { status: "queued", runAfter: { lte: now } },
    _count: { _all: true },
    _min: { runAfter: true },
  });
  return groups.map((g) => ({
    kind: g.kind,
    depth: g._count._all,
    oldestAgeSeconds: g._min.runAfter ? Math.max(0, (now.getTime() - g._min.runAfter.getTime()) / 1000) : 0,
  }));
}

/** Open incidents per cluster name (clusters without any are left out). */
export async function openIncidentCounts(db: DbOrTx): Promise<Array<{ cluster: string; count: number }>> {
  const groups = await db.incident.groupBy({ by: ["clusterId"], where: { state: "open" }, _count: { _all: true } });
  if (groups.length === 0) return [];
  const clusters = await db.cluster.findMany({ where: { id: { in: groups.map((g) => g.clusterId) } }, select: { id: true, name: true } });
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  return groups.map((g) => ({ cluster: names.get(g.clusterId) ?? g.clusterId, count: g._count._all }));
}
