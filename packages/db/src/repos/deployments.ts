/**
 * Deployments of approved change requests: plan snapshot, live progress log, final report.
 * One deploy per cluster at a time is enforced by the job queue (`lockKey`), see jobs.ts.
 */
import type { DbOrTx } from "../client";
import type { DeploymentStatus } from "../enums";
import { DbError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { withAudit } from "./audit";

export const deploymentSelect = {
  id: true,
  changeRequestId: true,
  clusterId: true,
  status: true,
  planJson: true,
  reportJson: true,
  log: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const satisfies Prisma.DeploymentSelect;

export type Deployment = {
  id: string;
  changeRequestId: string;
  clusterId: string;
  status: DeploymentStatus;
  /** Plan snapshot as approved (secrets masked by the caller before it is stored). */
  plan: unknown;
  report: unknown;
  /** Progress events in order. */
  events: unknown[];
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

type Row = Prisma.DeploymentGetPayload<{ select: typeof deploymentSelect }>;
function toDeployment({ planJson, reportJson, log, ...row }: Row): Deployment {
  return {
    ...row,
    plan: JSON.parse(planJson) as unknown,
    report: reportJson === null ? null : (JSON.parse(reportJson) as unknown),
    events: log.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown),
  };
}

export async function getDeployment(db: DbOrTx, id: string): Promise<Deployment | null> {
  const row = await db.deployment.findUnique({ where: { id }, select: deploymentSelect });
  return row && toDeployment(row);
}

export async function listDeployments(
  db: DbOrTx,
  q: { clusterId?: string; changeRequestId?: string; status?: DeploymentStatus; page?: number; pageSize?: number } = {},
): Promise<Deployment[]> {
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const rows = await db.deployment.findMany({
    where: { clusterId: q.clusterId, changeRequestId: q.changeRequestId, status: q.status },
    select: deploymentSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (Math.max(q.page ?? 1, 1) - 1) * pageSize,
    take: pageSize,
  });
  return rows.map(toDeployment);
}

/** Creates a queued deployment with the plan snapshot. */
export async function createDeployment(
  db: DbOrTx,
  actorId: string | null,
  input: { changeRequestId: string; clusterId: string; plan: unknown },
): Promise<Deployment> {
  return withAudit(
    db,
    async (tx) => toDeployment(await tx.deployment.create({ data: { changeRequestId: input.changeRequestId, clusterId: input.clusterId, planJson: JSON.stringify(input.plan) }, select: deploymentSelect })),
    (d) => ({ actorId, action: "deployment.create", entityType: "deployment", entityId: d.id, after: { changeRequestId: d.changeRequestId, clusterId: d.clusterId, status: d.status } }),
  );
}

/** queued -> running. False when it was not queued (someone else started it). */
export async function startDeployment(db: DbOrTx, id: string): Promise<boolean> {
  return withAudit(
    db,
    async (tx) => (await tx.deployment.updateMany({ where: { id, status: "queued" }, data: { status: "running", startedAt: new Date() } })).count === 1,
    (started) => (started ? { actorId: null, action: "deployment.start", entityType: "deployment", entityId: id, after: { status: "running" } } : []),
  );
}

/**
 * Appends one progress event (a JSON line) without rewriting the row from the application, so
 * readers polling the deployment see progress live. Not audited: progress is not a mutation of record.
 */
export async function appendDeploymentEvent(db: DbOrTx, id: string, event: unknown): Promise<void> {
  const line = `${JSON.stringify(event)}\n`;
  const n = await db.$executeRaw`UPDATE "Deployment" SET "log" = "log" || ${line} WHERE "id" = ${id}`;
  if (n !== 1) throw new DbError("NOT_FOUND", "No such deployment.");
}

/** running -> succeeded | failed, storing the report. */
export async function finishDeployment(db: DbOrTx, id: string, status: "succeeded" | "failed", report: unknown): Promise<void> {
  await withAudit(
    db,
    async (tx) => {
      const { count } = await tx.deployment.updateMany({
        where: { id, status: { in: ["queued", "running"] } },
        data: { status, reportJson: JSON.stringify(report), finishedAt: new Date() },
      });
      if (count !== 1) throw new DbError("INVALID_STATE", "Deployment already finished.");
    },
    () => ({ actorId: null, action: `deployment.${status}`, entityType: "deployment", entityId: id, after: { status } }),
  );
}
