import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { CHANGE_REQUEST_STATUSES } from "@switchboard/db/enums";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { getCluster } from "@switchboard/db/repos/clusters";
import { usingConnect } from "../connect-context";
import { mapDomainErrors } from "../domain-errors";
import { authorProcedure, createTRPCRouter, protectedProcedure } from "../trpc";
import { changeItemInputSchema, configSchema } from "../use-cases/change-items";
import { cancel, changeRequestDetail, createDraft, deploy, listChangeRequestPage, preview, refresh, review, submitForReview, updateDraft, validateConfig } from "../use-cases/change-request";
import { exportStateFile, importStateFile } from "../use-cases/state-file";

const id = z.string().min(1).max(100);
const title = z.string().trim().min(1, "Give the change a title.").max(200, "At most 200 characters.");
const rationale = z.string().trim().max(10_000, "At most 10,000 characters.");
const items = z.array(changeItemInputSchema).min(1, "Add at least one change.").max(200, "At most 200 changes in one request.");

async function clusterOrThrow(db: Parameters<typeof getCluster>[0], clusterId: string) {
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "No such cluster." });
  return cluster;
}

export const changeRequestRouter = createTRPCRouter({
  /** One page of change requests, newest activity first, with counts per status for the tabs. */
  list: protectedProcedure
    .input(
      z.object({
        status: z.union([z.enum(CHANGE_REQUEST_STATUSES), z.array(z.enum(CHANGE_REQUEST_STATUSES)).min(1)]).optional(),
        clusterId: id.optional(),
        mine: z.boolean().optional(),
        page: z.number().int().min(1).max(100_000).default(1),
        pageSize: z.number().int().min(1).max(200).default(25),
      }),
    )
    .query(({ ctx, input }) => listChangeRequestPage(ctx.db, ctx.user, input)),

  /** The review page: items with key-level diffs (secrets changed/unchanged only), reviews, approvals, what the caller may do. */
  byId: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => mapDomainErrors(() => changeRequestDetail(ctx.db, ctx.user, input.id))),

  create: authorProcedure
    .input(z.object({ clusterId: id, title, rationale: rationale.default(""), items }))
    .mutation(({ ctx, input }) => mapDomainErrors(() => createDraft(ctx.db, ctx.user, input))),

  update: authorProcedure
    .input(z.object({ id, title: title.optional(), rationale: rationale.optional(), items: items.optional() }))
    .mutation(({ ctx, input }) => mapDomainErrors(() => updateDraft(ctx.db, ctx.user, input))),

  submit: authorProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await mapDomainErrors(() => submitForReview(ctx.db, ctx.user, input.id));
    return { ok: true as const };
  }),

  /** Approve / reject (approvers, never the author) or comment (owners and up). Rejecting needs a comment. */
  review: authorProcedure
    .input(
      z
        .object({ id, decision: z.enum(["approve", "reject", "comment"]), comment: z.string().trim().max(10_000).default("") })
        .refine((r) => r.decision === "approve" || r.comment !== "", { message: "Say why in a comment.", path: ["comment"] }),
    )
    .mutation(({ ctx, input }) => mapDomainErrors(() => review(ctx.db, ctx.user, input.id, input.decision, input.comment))),

  cancel: authorProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await mapDomainErrors(() => cancel(ctx.db, ctx.user, input.id));
    return { ok: true as const };
  }),

  /** Re-bases stale items on the current connector versions (revision + 1, approvals dismissed). */
  refresh: authorProcedure.input(z.object({ id })).mutation(({ ctx, input }) => mapDomainErrors(() => refresh(ctx.db, ctx.user, input.id))),

  /** The plan against the live cluster, the validator's verdict and the risks; `ok: false` when the cluster cannot be read. */
  preview: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const cr = await getChangeRequest(ctx.db, input.id);
    if (!cr) throw new TRPCError({ code: "NOT_FOUND", message: "No such change request." });
    const cluster = await clusterOrThrow(ctx.db, cr.clusterId);
    try {
      return await usingConnect(ctx, cluster, (connect) => preview(ctx.db, input.id, connect));
    } catch (err) {
      if (err instanceof TRPCError) throw err;
      return { ok: false as const, reason: "unreachable" as const, message: err instanceof Error ? err.message : "Could not reach the cluster." };
    }
  }),

  /** Queues the deploy (refused with the reason unless approved by policy and up to date). */
  deploy: authorProcedure.input(z.object({ id })).mutation(({ ctx, input }) => mapDomainErrors(() => deploy(ctx.db, ctx.user, input.id))),

  /** The cluster's own validator on one config (for forms): errors per key and the PASSWORD-typed keys. */
  validate: authorProcedure
    .input(z.object({ clusterId: id, connectorClass: z.string().trim().min(1, "Pick a connector class."), config: configSchema, name: z.string().max(249).optional() }))
    .query(async ({ ctx, input }) => {
      const cluster = await clusterOrThrow(ctx.db, input.clusterId);
      try {
        return await usingConnect(ctx, cluster, (connect) => validateConfig(connect, input));
      } catch (err) {
        return { reachable: false as const, message: `Cluster unreachable: ${err instanceof Error ? err.message : "no answer"}` };
      }
    }),

  /** A state file (canonical or seed-001 shape) as a draft change request; problems with line:col create nothing. */
  importStateFile: authorProcedure
    .input(z.object({ clusterId: id, text: z.string().max(5_000_000, "The file is larger than 5 MB."), title, teamId: id, dryRun: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => mapDomainErrors(() => importStateFile(ctx.db, ctx.user, input))),

  /** The cluster's stored definitions as a canonical state file, secrets masked. */
  exportStateFile: protectedProcedure.input(z.object({ clusterId: id })).query(({ ctx, input }) => exportStateFile(ctx.db, input.clusterId)),
});
