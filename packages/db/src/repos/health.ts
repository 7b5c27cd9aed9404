/**
 * Observed health of connectors (by cluster and name, managed or not) and incidents: one open
 * incident per connector while it is failing, closed when it recovers.
 */
import { publishBoardChange } from "../board-bus";
import type { DbOrTx } from "../client";
import type { HealthState, IncidentState } from "../enums";
import type { Prisma } from "../generated/prisma/client";
import { withAudit } from "./audit";
import { HEALTH_SEVERITY } from "./connectors";

export const healthSelect = {
  id: true,
  clusterId: true,
  connectorName: true,
  connectorId: true,
  state: true,
  tasksRunning: true,
  tasksTotal: true,
  tasksFailed: true,
  workerId: true,
  lastFailureAt: true,
  lastTrace: true,
  observedAt: true,
} as const satisfies Prisma.ConnectorHealthSelect;

export type ConnectorHealth = Prisma.ConnectorHealthGetPayload<{ select: typeof healthSelect }>;

export type HealthObservation = {
  connectorName: string;
  state: Exclude<HealthState, "MISSING">;
  tasksRunning: number;
  tasksTotal: number;
  tasksFailed: number;
  workerId?: string | null;
  /** Stack trace of the failed connector or first failed task. */
  trace?: string | null;
};

const FAILING: ReadonlySet<HealthState> = new Set(["FAILED", "DEGRADED"]);

/**
 * Replaces a cluster's health snapshot with one poll's observations, in one transaction. Deployed
 * connectors absent from the cluster become MISSING (never-deployed ones stay unobserved); rows of unmanaged connectors that disappeared
 * are removed. Only rows whose state changed are rewritten, so a poll of a large, healthy cluster
 * holds the write lock briefly. `lastFailureAt` is when the connector last started failing. Not
 * audited: observations are not changes of record.
 */
export async function recordClusterHealth(db: DbOrTx, clusterId: string, observations: HealthObservation[], observedAt: Date = new Date()): Promise<void> {
  await writeHealth(db, clusterId, observations, null, observedAt);
}

/**
 * The same for some connectors only (`names`, e.g. those a status-topic record was about): those of
 * `names` without an observation are gone from the cluster (MISSING when deployed, else removed); the
 * other rows of the cluster are left as they are.
 */
export async function recordConnectorsHealth(db: DbOrTx, clusterId: string, names: string[], observations: HealthObservation[], observedAt: Date = new Date()): Promise<void> {
  if (names.length === 0) return;
  await writeHealth(db, clusterId, observations, [...new Set([...names, ...observations.map((o) => o.connectorName)])], observedAt);
}

/** Writes observations for the whole cluster (`names` null) or for the connectors `names`. */
async function writeHealth(db: DbOrTx, clusterId: string, observations: HealthObservation[], names: string[] | null, observedAt: Date): Promise<void> {
  const inScope = names === null ? () => true : (n: string) => scope.has(n);
  const scope = new Set(names ?? []);
  const write = async (tx: Prisma.TransactionClient) => {
    const managed = await tx.connector.findMany({ where: { clusterId, deletedAt: null, ...(names ? { name: { in: names } } : {}) }, select: { id: true, name: true, deployedVersion: true } });
    const idByName = new Map(managed.map((c) => [c.name, c.id]));
    const seen = new Set(observations.map((o) => o.connectorName));
    const all: (Omit<HealthObservation, "state"> & { state: HealthState })[] = [...observations];
    for (const c of managed) if (!seen.has(c.name) && c.deployedVersion !== null) all.push({ connectorName: c.name, state: "MISSING", tasksRunning: 0, tasksTotal: 0, tasksFailed: 0 });

    // With a scope, rows outside it are read only when they hold a connector id a row in scope takes (rename).
    const existing = await tx.connectorHealth.findMany({
      where: { clusterId, ...(names ? { OR: [{ connectorName: { in: names } }, { connectorId: { in: managed.map((c) => c.id) } }] } : {}) },
      select: { id: true, connectorName: true, connectorId: true, state: true, tasksRunning: true, tasksTotal: true, tasksFailed: true, workerId: true, lastTrace: true },
    });
    const prevByName = new Map(existing.filter((e) => inScope(e.connectorName)).map((e) => [e.connectorName, e]));
    const allNames = new Set(all.map((o) => o.connectorName));

    // Free connector ids that move to another row (rename) or away, before rows take them (unique).
    const unlink = existing.filter((e) => e.connectorId !== null && (!allNames.has(e.connectorName) || idByName.get(e.connectorName) !== e.connectorId)).map((e) => e.id);
    for (const ids of chunks(unlink)) await tx.connectorHealth.updateMany({ where: { id: { in: ids } }, data: { connectorId: null } });
    const gone = existing.filter((e) => inScope(e.connectorName) && !allNames.has(e.connectorName)).map((e) => e.id);
    for (const ids of chunks(gone)) await tx.connectorHealth.deleteMany({ where: { id: { in: ids } } });

    const creates: Prisma.ConnectorHealthCreateManyInput[] = [];
    for (const o of all) {
      const prev = prevByName.get(o.connectorName);
      const failing = FAILING.has(o.state);
      const trace = failing ? (o.trace ?? null) : null;
      const row = {
        connectorId: idByName.get(o.connectorName) ?? null,
        state: o.state,
        severity: HEALTH_SEVERITY[o.state],
        tasksRunning: o.tasksRunning,
        tasksTotal: o.tasksTotal,
        tasksFailed: o.tasksFailed,
        workerId: o.workerId ?? null,
      };
      if (!prev) {
        creates.push({ clusterId, connectorName: o.connectorName, ...row, observedAt, ...(failing ? { lastFailureAt: observedAt, lastTrace: trace } : {}) });
        continue;
      }
      const changed =
        prev.connectorId !== row.connectorId ||
        prev.state !== row.state ||
        prev.tasksRunning !== row.tasksRunning ||
        prev.tasksTotal !== row.tasksTotal ||
        prev.tasksFailed !== row.tasksFailed ||
        prev.workerId !== row.workerId ||
        (trace !== null && trace !== prev.lastTrace);
      if (!changed) continue;
      const startedFailing = failing && !FAILING.has(prev.state);
      await tx.connectorHealth.update({
        where: { id: prev.id },
        data: { ...row, ...(startedFailing ? { lastFailureAt: observedAt } : {}), ...(trace !== null ? { lastTrace: trace } : {}) },
      });
    }
    for (const data of chunks(creates, 50)) await tx.connectorHealth.createMany({ data });
    await tx.connectorHealth.updateMany({ where: { clusterId, ...(names ? { connectorName: { in: names } } : {}) }, data: { observedAt } });
  };
  await ("$transaction" in db ? db.$transaction(write, { timeout: 60_000 }) : write(db));
  publishBoardChange(clusterId);
}

/** SQLite allows a limited number of bound parameters per statement. */
function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function listClusterHealth(db: DbOrTx, clusterId: string): Promise<ConnectorHealth[]> {
  return db.connectorHealth.findMany({ where: { clusterId }, select: healthSelect, orderBy: { connectorName: "asc" } });
}

export function getConnectorHealth(db: DbOrTx, connectorId: string): Promise<ConnectorHealth | null> {
  return db.connectorHealth.findUnique({ where: { connectorId }, select: healthSelect });
}

// ---- Incidents ----

export const incidentSelect = {
  id: true,
  clusterId: true,
  connectorName: true,
  connectorId: true,
  kind: true,
  state: true,
  openedAt: true,
  closedAt: true,
  trace: true,
  restartAttempts: true,
  nextRestartAt: true,
  notifiedAt: true,
} as const satisfies Prisma.IncidentSelect;

export type Incident = Prisma.IncidentGetPayload<{ select: typeof incidentSelect }>;

/** The open failure incident of a connector (drift incidents are drift.ts's). */
export function getOpenIncident(db: DbOrTx, clusterId: string, connectorName: string): Promise<Incident | null> {
  return db.incident.findFirst({ where: { clusterId, connectorName, kind: "failure", state: "open" }, select: incidentSelect, orderBy: { openedAt: "desc" } });
}

/** Every open failure incident of a cluster (the monitor closes those whose connector recovered). */
export function listOpenIncidents(db: DbOrTx, clusterId: string): Promise<Incident[]> {
  return db.incident.findMany({ where: { clusterId, kind: "failure", state: "open" }, select: incidentSelect, orderBy: [{ openedAt: "asc" }, { id: "asc" }] });
}

/** Opens an incident for a failing connector, or returns the one already open (`opened: false`). */
export async function openIncident(
  db: DbOrTx,
  input: { clusterId: string; connectorName: string; connectorId?: string | null; trace?: string | null },
): Promise<{ incident: Incident; opened: boolean }> {
  const existing = await getOpenIncident(db, input.clusterId, input.connectorName);
  if (existing) return { incident: existing, opened: false };
  const incident = await withAudit(
    db,
    (tx) => tx.incident.create({ data: { clusterId: input.clusterId, connectorName: input.connectorName, connectorId: input.connectorId ?? null, trace: input.trace ?? null }, select: incidentSelect }),
    (i) => ({ actorId: null, action: "incident.open", entityType: "incident", entityId: i.id, after: { clusterId: i.clusterId, connectorName: i.connectorName, connectorId: i.connectorId } }),
  );
  return { incident, opened: true };
}

/** Closes an open incident (recovery); false when it was closed already. */
export async function closeIncident(db: DbOrTx, id: string, closedAt: Date = new Date()): Promise<boolean> {
  return withAudit(
    db,
    async (tx) => (await tx.incident.updateMany({ where: { id, state: "open" }, data: { state: "closed", closedAt } })).count === 1,
    (closed) => (closed ? { actorId: null, action: "incident.close", entityType: "incident", entityId: id, after: { state: "closed" } } : []),
  );
}

/**
 * Claims the right to notify about an incident: true for exactly one caller, so owners are notified
 * once per incident even with several monitors.
 */
export async function claimIncidentNotification(db: DbOrTx, id: string, now: Date = new Date()): Promise<boolean> {
  const { count } = await db.incident.updateMany({ where: { id, notifiedAt: null }, data: { notifiedAt: now } });
  return count === 1;
}

/** Counts an automatic restart and when the next one may happen (restart policy backoff). */
export async function recordRestartAttempt(db: DbOrTx, id: string, nextRestartAt: Date | null): Promise<Incident> {
  return withAudit(
    db,
    (tx) => tx.incident.update({ where: { id }, data: { restartAttempts: { increment: 1 }, nextRestartAt }, select: incidentSelect }),
    (i) => ({ actorId: null, action: "incident.autoRestart", entityType: "incident", entityId: id, after: { restartAttempts: i.restartAttempts } }),
  );
}

export async function listIncidents(
  db: DbOrTx,
  q: { state?: IncidentState; clusterId?: string; connectorId?: string; teamIds?: string[]; page?: number; pageSize?: number } = {},
): Promise<{ items: Incident[]; total: number }> {
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const where: Prisma.IncidentWhereInput = {
    state: q.state,
    clusterId: q.clusterId,
    connectorId: q.connectorId,
    ...(q.teamIds ? { connector: { teamId: { in: q.teamIds } } } : {}),
  };
  const [items, total] = await Promise.all([
    db.incident.findMany({ where, select: incidentSelect, orderBy: [{ openedAt: "desc" }, { id: "desc" }], skip: (Math.max(q.page ?? 1, 1) - 1) * pageSize, take: pageSize }),
    db.incident.count({ where }),
  ]);
  return { items, total };
}
