import { z } from "zod";
import { HEALTH_STATES } from "@switchboard/db/enums";
import { BOARD_SORT_COLUMNS, MAX_PAGE_SIZE } from "@switchboard/db/repos/connectors";
import { getCluster } from "@switchboard/db/repos/clusters";
import { addConnectorContact, boardPage, connectorDetail, liveStatus, loadLiveConnector, removeConnectorContact, updateRestartPolicy } from "@switchboard/domain/connectors";
import { notFound } from "@switchboard/domain/errors";
import { labelFiltersSchema, labelsSchema, setLabels } from "@switchboard/domain/labels";
import { usingConnect } from "../connect-context";
import { connectorProcedure, createTRPCRouter, protectedProcedure } from "../trpc";
import { contactInput } from "./team";

const id = z.string().min(1).max(100);

/** `connector.board`'s input; the board's event stream validates its query with it too. */
export const boardInput = z.object({
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE, `At most ${MAX_PAGE_SIZE} rows per page.`).default(50),
  state: z.enum([...HEALTH_STATES, "UNKNOWN"]).optional(),
  teamId: id.optional(),
  clusterId: id.optional(),
  search: z.string().trim().max(200).optional(),
  /** The board's `label` URL parameters: every one must match. */
  labels: labelFiltersSchema.optional(),
  /** The board's `drift=1`: only DRIFTED connectors. */
  drifted: z.boolean().optional(),
  mine: z.boolean().optional(),
  groupBy: z.enum(["team", "cluster"]).optional(),
  sort: z.object({ column: z.enum(BOARD_SORT_COLUMNS), direction: z.enum(["asc", "desc"]) }).optional(),
});

const restartPolicy = z.object({
  autoRestart: z.boolean(),
  maxRestarts: z.number().int("A whole number.").min(0, "At least 0.").max(100, "At most 100."),
  backoffSeconds: z.number().int("A whole number.").min(1, "At least 1 second.").max(86_400, "At most one day (86400 s)."),
});

export const connectorRouter = createTRPCRouter({
  /** The board: one page of connectors with health, plus counts per state. */
  board: protectedProcedure.input(boardInput).query(({ ctx, input }) => boardPage(ctx.db, ctx.user, input)),

  /** The connector page: masked config, health, revisions with diffs, incidents, open changes. */
  byId: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => connectorDetail(ctx.db, ctx.user, input.id)),

  /** The connector's status read from its cluster now, with each task's state and failed tasks' traces. */
  liveStatus: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const connector = await loadLiveConnector(ctx.db, input.id);
    const cluster = await getCluster(ctx.db, connector.clusterId);
    if (!cluster) throw notFound("The connector's cluster no longer exists.");
    try {
      return await usingConnect(ctx, cluster, (connect) => liveStatus(ctx.db, connector, connect));
    } catch (err) {
      return { ok: false as const, error: err instanceof Error ? err.message : "No client could be made for the cluster." };
    }
  }),

  setRestartPolicy: connectorProcedure.input(restartPolicy).mutation(({ ctx, input: { id: _id, ...policy } }) => updateRestartPolicy(ctx.db, ctx.user, ctx.connector, policy)),

  /** Labels live only in Switchboard (the cluster never sees them): an audited setting for those who may act for the team, not a change request. */
  setLabels: connectorProcedure.input(z.object({ labels: labelsSchema })).mutation(({ ctx, input }) => setLabels(ctx.db, ctx.user, ctx.connector, input.labels)),

  addContact: connectorProcedure.input(z.object({ contact: contactInput })).mutation(({ ctx, input }) => addConnectorContact(ctx.db, ctx.user, ctx.connector, input.contact)),

  removeContact: connectorProcedure.input(z.object({ contactId: id })).mutation(async ({ ctx, input }) => {
    await removeConnectorContact(ctx.db, ctx.user, ctx.connector, input.contactId);
    return { ok: true as const };
  }),
});
