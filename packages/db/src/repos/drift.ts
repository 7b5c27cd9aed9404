/**
 * Drift marks and drift incidents. A health row carries the DRIFTED mark (`driftedAt`, and
 * `driftJson`: what drifted, key names only); a drift incident (kind `drift`, one open per
 * connector) is opened with the mark and closed when the connector is back in step. Failure
 * incidents (kind `failure`, see health.ts) are separate and unaffected.
 */
import { publishBoardChange } from "../board-bus";
import type { DbOrTx } from "../client";
import { withAudit } from "./audit";
import { incidentSelect, type Incident } from "./health";

/** One connector's drift as the monitor found it: `drift` is the report as JSON, null when in step. */
export type DriftMark = { connectorName: string; drift: string | null };

/**
 * Sets or clears the DRIFTED mark on the health rows of `marks` (rows the monitor has just written).
 * `driftedAt` keeps the time the connector first drifted while it stays drifted. Rows whose mark
 * changes get a fresh `observedAt`, so board snapshots in other processes see the change.
 */
export async function recordDriftMarks(db: DbOrTx, clusterId: string, marks: DriftMark[], now: Date = new Date()): Promise<void> {
  if (marks.length === 0) return;
  const rows = await db.connectorHealth.findMany({
    where: { clusterId, connectorName: { in: marks.map((m) => m.connectorName) } },
    select: { id: true, connectorName: true, driftedAt: true, driftJson: true },
  });
  const byName = new Map(rows.map((r) => [r.connectorName, r]));
  const observedAt = new Date(Math.max(Date.now(), now.getTime() + 1));
  let changed = false;
  for (const m of marks) {
    const row = byName.get(m.connectorName);
    if (!row || row.driftJson === m.drift) continue;
    const driftedAt = m.drift === null ? null : (row.driftedAt ?? now);
    await db.connectorHealth.update({ where: { id: row.id }, data: { driftedAt, driftJson: m.drift, observedAt } });
    changed = true;
  }
  if (changed) publishBoardChange(clusterId);
}

/** The drift mark of a connector's health row: when it drifted and the report as JSON; null when in step or never observed. */
export async function getDriftMark(db: DbOrTx, connectorId: string): Promise<{ driftedAt: Date; driftJson: string } | null> {
  const row = await db.connectorHealth.findUnique({ where: { connectorId }, select: { driftedAt: true, driftJson: true } });
  return row?.driftedAt && row.driftJson ? { driftedAt: row.driftedAt, driftJson: row.driftJson } : null;
}

/** Drifted health rows of a cluster (connector name and report JSON). */
export async function listDriftMarks(db: DbOrTx, clusterId: string): Promise<Array<{ connectorName: string; connectorId: string | null; driftedAt: Date; driftJson: string }>> {
  const rows = await db.connectorHealth.findMany({
    where: { clusterId, driftedAt: { not: null } },
    select: { connectorName: true, connectorId: true, driftedAt: true, driftJson: true },
    orderBy: { connectorName: "asc" },
  });
  return rows.flatMap((r) => (r.driftedAt && r.driftJson ? [{ connectorName: r.connectorName, connectorId: r.connectorId, driftedAt: r.driftedAt, driftJson: r.driftJson }] : []));
}

/**
 * Whether a deploy may be changing `clusterId`, as far as an observation taken at `since` can tell:
 * one is running, or one ended at or after `since` (the observation may predate what it applied).
 */
export async function deployInFlight(db: DbOrTx, clusterId: string, since: Date): Promise<boolean> {
  return (await db.deployment.count({ where: { clusterId, OR: [{ status: "running" }, { finishedAt: { gte: since } }] } })) > 0;
}

/**
 * Which connectors a deploy has stamped (a change request wrote one of their revisions): every one of
 * the cluster's (`ids` null), or those of `ids`. Adopted connectors keep whatever stamps they had
 * until their next deploy.
 */
export async function stampedConnectorIds(db: DbOrTx, clusterId: string, ids: string[] | null): Promise<Set<string>> {
  if (ids !== null && ids.length === 0) return new Set();
  const rows = await db.connectorRevision.findMany({
    where: { changeRequestId: { not: null }, ...(ids === null ? { connector: { clusterId, deletedAt: null } } : { connectorId: { in: ids } }) },
    select: { connectorId: true },
    distinct: ["connectorId"],
  });
  return new Set(rows.map((r) => r.connectorId));
}

/** The open drift incident of a connector, if any. */
export function getOpenDriftIncident(db: DbOrTx, clusterId: string, connectorName: string): Promise<Incident | null> {
  return db.incident.findFirst({ where: { clusterId, connectorName, kind: "drift", state: "open" }, select: incidentSelect, orderBy: { openedAt: "desc" } });
}

/** Every open drift incident of a cluster. */
export function listOpenDriftIncidents(db: DbOrTx, clusterId: string): Promise<Incident[]> {
  return db.incident.findMany({ where: { clusterId, kind: "drift", state: "open" }, select: incidentSelect, orderBy: [{ openedAt: "asc" }, { id: "asc" }] });
}

/**
 * Opens a drift incident (`trace` says what drifted, never a value), or returns the one already open
 * (`opened: false`).
 */
export async function openDriftIncident(
  db: DbOrTx,
  input: { clusterId: string; connectorName: string; connectorId: string; trace: string },
): Promise<{ incident: Incident; opened: boolean }> {
  const existing = await getOpenDriftIncident(db, input.clusterId, input.connectorName);
  if (existing) return { incident: existing, opened: false };
  const incident = await withAudit(
    db,
    (tx) => tx.incident.create({ data: { ...input, kind: "drift" }, select: incidentSelect }),
    (i) => ({ actorId: null, action: "incident.open", entityType: "incident", entityId: i.id, after: { kind: "drift", clusterId: i.clusterId, connectorName: i.connectorName, connectorId: i.connectorId } }),
  );
  return { incident, opened: true };
}
