import { z } from "zod";
import { applyOptionsSchema } from "@switchboard/domain/apply-options";
import { bulkOperationSchema, bulkSelectionSchema, openBulkChange, selectForBulk } from "@switchboard/domain/bulk";
import { authorProcedure, createTRPCRouter } from "../trpc";

const title = z.string().trim().max(200, "At most 200 characters.");
const rationale = z.string().trim().max(10_000, "At most 10,000 characters.");

export const bulkRouter = createTRPCRouter({
  /** What a bulk change on this selection would touch: the caller's connectors by cluster, and how many of other teams were left out. */
  select: authorProcedure.input(z.object({ selection: bulkSelectionSchema })).query(({ ctx, input }) => selectForBulk(ctx.db, ctx.user, input.selection)),

  /** One draft change request per cluster for the operation on every selected connector the caller may act for (submitted for review with `submit`). */
  open: authorProcedure
    .input(z.object({ selection: bulkSelectionSchema, operation: bulkOperationSchema, title: title.optional(), rationale: rationale.optional(), applyOptions: applyOptionsSchema.optional(), submit: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => openBulkChange(ctx.db, ctx.user, input)),
});
