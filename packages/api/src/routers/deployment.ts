/**
 * Deployments: live progress and the stored report. Viewers and up may read. Everything returned
 * was masked when the worker stored it (events, report) or by the deploy use case (plan snapshot).
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { getCluster } from "@switchboard/db/repos/clusters";
import { getDeployment, listDeployments, type Deployment } from "@switchboard/db/repos/deployments";
import { notFound } from "../domain-errors";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import type { DeploymentReport } from "../worker/deploy";
import { summarizeProgress } from "../worker/progress";

const id = z.string().min(1).max(100);

async function loadDeployment(db: DbOrTx, deploymentId: string): Promise<Deployment> {
  const d = await getDeployment(db, deploymentId);
  if (!d) throw notFound("No such deployment.");
  return d;
}

/** A deployment for its page: status, progress derived from its events, the events after `after`, and the report once finished. */
async function deploymentView(db: DbOrTx, deploymentId: string, after: number) {
  const d = await loadDeployment(db, deploymentId);
  const [cr, cluster] = await Promise.all([getChangeRequest(db, d.changeRequestId), getCluster(db, d.clusterId)]);
  return {
    id: d.id,
    status: d.status,
    changeRequest: cr ? { id: cr.id, title: cr.title, status: cr.status } : null,
    cluster: cluster ? { id: cluster.id, name: cluster.name, environment: cluster.environment } : null,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    progress: summarizeProgress(d.events),
    /** Events from index `after` on, for a live log; `eventCount` is the cursor for the next call. */
    events: d.events.slice(after),
    eventCount: d.events.length,
    report: d.report as DeploymentReport | null,
  };
}

export type DeploymentView = Awaited<ReturnType<typeof deploymentView>>;

export const deploymentRouter = createTRPCRouter({
  /** One deployment with live progress (poll while queued or running) and, once finished, its report. */
  byId: protectedProcedure
    .input(z.object({ id, after: z.number().int().min(0).max(1_000_000).default(0) }))
    .query(({ ctx, input }) => deploymentView(ctx.db, input.id, input.after)),

  /** Deployments, newest first, optionally of one change request. */
  list: protectedProcedure
    .input(z.object({ changeRequestId: id.optional(), clusterId: id.optional(), page: z.number().int().min(1).max(100_000).default(1) }))
    .query(async ({ ctx, input }) => {
      const items = await listDeployments(ctx.db, { changeRequestId: input.changeRequestId, clusterId: input.clusterId, page: input.page, pageSize: 50 });
      return items.map((d) => ({
        id: d.id,
        changeRequestId: d.changeRequestId,
        clusterId: d.clusterId,
        status: d.status,
        createdAt: d.createdAt,
        startedAt: d.startedAt,
        finishedAt: d.finishedAt,
      }));
    }),

  /** The full report for download; NOT_FOUND while the deployment is still running. */
  report: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const d = await loadDeployment(ctx.db, input.id);
    if (d.report === null) throw notFound("This deployment has not finished yet; its report is written when it ends.");
    return d.report as DeploymentReport;
  }),
});
