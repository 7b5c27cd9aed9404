import { z } from "zod";
import { CHANGE_REQUEST_STATUSES } from "@switchboard/db/enums";
import { getCluster } from "@switchboard/db/repos/clusters";
import { changeItemsSchema, configSchema } from "@switchboard/domain/change-items";
import { inventoryCache } from "@switchboard/domain/cluster-workers";
import {
  cancel,
  changeRequestDetail,
  createDraft,
  deploy,
  listChangeRequestPage,
  preview,
  refresh,
  retryDeploy,
  review,
  submitForReview,
  updateDraft,
  validateConfig,
} from "@switchboard/domain/change-requests";
import { applyOptionsSchema, setApplyOptions } from "@switchboard/domain/apply-options";
import { DomainError, notFound } from "@switchboard/domain/errors";
import { exportStateFile, importStateFile } from "@switchboard/domain/state-file";
import { DEFAULT_SYNC_WAIT_SECONDS, MAX_SYNC_WAIT_SECONDS, syncStateFile } from "@switchboard/domain/sync";
import { connectFactory, topicsFactory, usingConnect } from "../connect-context";
import { authorProcedure, changeRequestProcedure, createTRPCRouter, protectedProcedure, type ContextInner } from "../trpc";

const id = z.string().min(1).max(100);
const title = z.string().trim().min(1, "Give the change a title.").max(200, "At most 200 characters.");
const rationale = z.string().trim().max(10_000, "At most 10,000 characters.");

/** State files up to this size; the HTTP handler refuses larger bodies before parsing them. */
export const MAX_STATE_FILE_BYTES = 5_000_000;

/** Seconds a sync waits for the deploy it queued to end (0: answer once it is queued). */
export const syncWait = z.number().int("Whole seconds.").min(0, "At least 0 seconds.").max(MAX_SYNC_WAIT_SECONDS, `At most ${MAX_SYNC_WAIT_SECONDS} seconds.`);

export const syncInput = z.object({
  clusterId: id,
  text: z.string().min(1, "Send the state file's text.").max(MAX_STATE_FILE_BYTES, "The file is larger than 5 MB.").meta({ description: "The state file (canonical or seed-001 shape) as text, so problems carry line:col." }),
  teamId: id.meta({ description: "The team that owns new connectors unless the file names one (owner.team)." }),
  title: title.default("Sync from a state file"),
  mode: z.enum(["sync", "propose"]).default("sync").meta({ description: "propose: open the change request for review, never deploy." }),
  source: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .regex(/^[^\n]*$/, "One line.")
    .optional()
    .meta({ description: 'Where the file comes from (e.g. "pr-42:state.json"): the caller\'s open change request on this cluster from the same source is updated instead of opening another.' }),
  wait: syncWait.default(DEFAULT_SYNC_WAIT_SECONDS),
});

/** `changeRequest.create`'s input; the REST API's `POST /change-requests` body is the same schema. */
export const createChangeRequestInput = z.object({ clusterId: id, title, rationale: rationale.default(""), items: changeItemsSchema });

/** `changeRequest.review`'s input besides the id; the REST API's review body is the same schema. */
export const reviewInput = z
  .object({ decision: z.enum(["approve", "reject", "comment"]), comment: z.string().trim().max(10_000).default("") })
  .refine((r) => r.decision === "approve" || r.comment !== "", { message: "Say why in a comment.", path: ["comment"] });

async function clusterOrThrow(db: ContextInner["db"], clusterId: string) {
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw notFound("No such cluster.");
  return cluster;
}

/** Runs `fn` with a Connect client for the change request's (or cluster's) cluster. */
async function withClusterConnect<T>(ctx: ContextInner, clusterId: string, fn: Parameters<typeof usingConnect<T>>[2]): Promise<T> {
  return usingConnect(ctx, await clusterOrThrow(ctx.db, clusterId), fn);
}

/** Like {@link withClusterConnect}, with the cluster's worker and plugin inventory shared for a few seconds (validation and previews; deploys read it fresh). */
async function withInventoryCached<T>(ctx: ContextInner, clusterId: string, fn: Parameters<typeof usingConnect<T>>[2]): Promise<T> {
  const cluster = await clusterOrThrow(ctx.db, clusterId);
  return usingConnect(ctx, cluster, (connect) => fn(inventoryCache.port(cluster, connect)));
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

  /** The review page: items with key-level diffs (secrets changed/unchanged only), reviews, approvals, writers, what the caller may do. */
  byId: changeRequestProcedure.query(({ ctx, input }) => changeRequestDetail(ctx.db, ctx.user, input.id)),

  /** A new draft; which keys are secret is asked of the cluster, never taken from the caller. */
  create: authorProcedure
    .input(createChangeRequestInput)
    .mutation(({ ctx, input }) => withClusterConnect(ctx, input.clusterId, (connect) => createDraft(ctx.db, ctx.user, input, connect))),

  update: changeRequestProcedure
    .input(z.object({ title: title.optional(), rationale: rationale.optional(), items: changeItemsSchema.optional() }))
    .mutation(({ ctx, input }) => withClusterConnect(ctx, ctx.changeRequest.clusterId, (connect) => updateDraft(ctx.db, ctx.user, input, connect))),

  /** How the deploy throttles it (concurrency, rate, halt after N failures): the author's, while a draft. */
  setApplyOptions: changeRequestProcedure.input(z.object({ applyOptions: applyOptionsSchema })).mutation(({ ctx, input }) => setApplyOptions(ctx.db, ctx.user, input.id, input.applyOptions)),

  submit: changeRequestProcedure.mutation(async ({ ctx, input }) => {
    await submitForReview(ctx.db, ctx.user, input.id);
    return { ok: true as const };
  }),

  /** Approve / reject (approvers who wrote no revision) or comment (owners and up). Rejecting needs a comment. */
  review: changeRequestProcedure
    .input(reviewInput)
    .mutation(({ ctx, input }) => review(ctx.db, ctx.user, input.id, input.decision, input.comment)),

  cancel: changeRequestProcedure.mutation(async ({ ctx, input }) => {
    await cancel(ctx.db, ctx.user, input.id);
    return { ok: true as const };
  }),

  /** Re-bases stale items on the current connector versions (revision + 1, approvals dismissed). */
  refresh: changeRequestProcedure.mutation(({ ctx, input }) => refresh(ctx.db, ctx.user, input.id)),

  /** The plan against the live cluster (or, once ended, the plan it ran), the validator's verdict, conflicts and risks. */
  preview: changeRequestProcedure.query(async ({ ctx, input }) => {
    try {
      return await withInventoryCached(ctx, ctx.changeRequest.clusterId, (connect) => preview(ctx.db, input.id, connect, connectFactory(ctx), topicsFactory(ctx)));
    } catch (err) {
      // Creating the client can fail (e.g. a credential variable that is not set): an answer, not a crash.
      return { ok: false as const, reason: "unreachable" as const, message: err instanceof Error ? err.message : "Could not reach the cluster." };
    }
  }),

  /** Queues the deploy (refused with the reason unless approved by policy, up to date and free of name clashes). */
  deploy: changeRequestProcedure.mutation(({ ctx, input }) => withClusterConnect(ctx, ctx.changeRequest.clusterId, (connect) => deploy(ctx.db, ctx.user, input.id, connect, connectFactory(ctx)))),

  /** Deploys a failed change request again, under the same rules. */
  retryDeploy: changeRequestProcedure.mutation(({ ctx, input }) => withClusterConnect(ctx, ctx.changeRequest.clusterId, (connect) => retryDeploy(ctx.db, ctx.user, input.id, connect, connectFactory(ctx)))),

  /**
   * The cluster's own validator on one config (for forms): errors per key and the PASSWORD-typed
   * keys. A mutation, so the config (passwords included) travels in a POST body, never in a URL.
   */
  validate: authorProcedure
    .input(z.object({ clusterId: id, connectorClass: z.string().trim().min(1, "Pick a connector class.").max(500), config: configSchema, name: z.string().max(249).optional() }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await withInventoryCached(ctx, input.clusterId, (connect) => validateConfig(connect, input));
      } catch (err) {
        if (err instanceof DomainError) throw err;
        return { reachable: false as const, message: "Cluster unreachable: no client could be made for it." };
      }
    }),

  /** A state file (canonical or seed-001 shape) as a draft change request; problems with line:col create nothing. */
  importStateFile: authorProcedure
    .input(z.object({ clusterId: id, text: z.string().max(MAX_STATE_FILE_BYTES, "The file is larger than 5 MB."), title, teamId: id, dryRun: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => withClusterConnect(ctx, input.clusterId, (connect) => importStateFile(ctx.db, ctx.user, input, connect))),

  /**
   * Seed 001's sync: a state file as a change request submitted for review, its plan as sync lists;
   * deployed at once when the cluster needs no approval and `mode` is sync (propose never deploys),
   * waiting up to `wait` seconds for that deploy to end (the caller's abort signal stops the wait).
   */
  syncStateFile: authorProcedure
    .input(syncInput)
    .mutation(({ ctx, input, signal }) => withClusterConnect(ctx, input.clusterId, (connect) => syncStateFile(ctx.db, ctx.user, input, connect, connectFactory(ctx), signal))),

  /** The cluster's stored definitions as a canonical state file, secrets masked. */
  exportStateFile: protectedProcedure.input(z.object({ clusterId: id })).query(({ ctx, input }) => exportStateFile(ctx.db, input.clusterId)),
});
