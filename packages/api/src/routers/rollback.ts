/**
 * Rollback: prefilled draft change requests back to an earlier revision of a connector, or undoing
 * a deployment. Owners (for their teams), approvers and admins; the drafts go through the normal
 * approval policy like any other.
 */
import { z } from "zod";
import { rollbackConnector, rollbackDeployment } from "@switchboard/domain/rollback";
import { authorProcedure, connectorProcedure, createTRPCRouter } from "../trpc";

const id = z.string().min(1).max(100);

export const rollbackRouter = createTRPCRouter({
  /** A draft back to revision `version` of the connector (config, secrets kept server-side, desired state). */
  connector: connectorProcedure
    .input(z.object({ version: z.number().int().min(1).max(1_000_000) }))
    .mutation(({ ctx, input }) => rollbackConnector(ctx.db, ctx.user, ctx.connector, input.version)),

  /** A draft undoing every connector a finished deployment touched (offsets back to its snapshot). */
  deployment: authorProcedure.input(z.object({ id })).mutation(({ ctx, input }) => rollbackDeployment(ctx.db, ctx.user, input.id)),
});
