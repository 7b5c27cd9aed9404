/**
 * Deployments: live progress and the stored report. Viewers and up may read. Everything returned
 * was masked when the worker stored it (events, report) or by the deploy use case (plan snapshot).
 */
import { z } from "zod";
import { listDeployments } from "@switchboard/db/repos/deployments";
import { deploymentReport, deploymentView } from "@switchboard/domain/deployments";
import { MAX_OPERATION_WAIT_SECONDS, waitForOperation } from "@switchboard/domain/operation-status";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(100);

export const deploymentRouter = createTRPCRouter({
  /** One deployment with live progress (poll while queued or running) and, once finished, its report. */
  byId: protectedProcedure
    .input(z.object({ id, after: z.number().int().min(0).max(1_000_000).default(0) }))
    .query(({ ctx, input }) => deploymentView(ctx.db, input.id, input.after)),

  /**
   * The deployment as an operation (the automation API's lifecycle status), read like `byId`; with
   * `wait` (seconds) it answers once the status is final or when the time has passed.
   */
  operation: protectedProcedure
    .input(z.object({ id, wait: z.number().int().min(0).max(MAX_OPERATION_WAIT_SECONDS, `At most ${MAX_OPERATION_WAIT_SECONDS} seconds.`).default(0) }))
    .query(({ ctx, input, signal }) => waitForOperation(ctx.db, input.id, input.wait, { signal })),

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
  report: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => deploymentReport(ctx.db, input.id)),
});
