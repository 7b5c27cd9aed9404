import { z } from "zod";
import { HEALTH_STATES } from "@switchboard/db/enums";
import { BOARD_SORT_COLUMNS, MAX_PAGE_SIZE } from "@switchboard/db/repos/connectors";
import { mapDomainErrors } from "../domain-errors";
import { authorProcedure, createTRPCRouter, protectedProcedure } from "../trpc";
import { addConnectorContact, boardPage, connectorDetail, liveStatus, removeConnectorContact, updateRestartPolicy } from "../use-cases/connector";
import { contactInput } from "./team";

const id = z.string().min(1).max(100);

const boardInput = z.object({
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE, `At most ${MAX_PAGE_SIZE} rows per page.`).default(50),
  state: z.enum([...HEALTH_STATES, "UNKNOWN"]).optional(),
  teamId: id.optional(),
  clusterId: id.optional(),
  search: z.string().trim().max(200).optional(),
  mine: z.boolean().optional(),
  groupBy: z.enum(["team", "cluster"]).optional(),
  sort: z.object({ column: z.enum(BOARD_SORT_COLUMNS), direction: z.enum(["asc", "desc"]) }).optional(),
});

const restartPolicy = z.object({
  id,
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
  liveStatus: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => liveStatus(ctx, input.id)),

  setRestartPolicy: authorProcedure.input(restartPolicy).mutation(({ ctx, input: { id: connectorId, ...policy } }) =>
    mapDomainErrors(() => updateRestartPolicy(ctx.db, ctx.user, connectorId, policy)),
  ),

  addContact: authorProcedure.input(z.object({ id, contact: contactInput })).mutation(({ ctx, input }) =>
    mapDomainErrors(() => addConnectorContact(ctx.db, ctx.user, input.id, input.contact)),
  ),

  removeContact: authorProcedure.input(z.object({ id, contactId: id })).mutation(async ({ ctx, input }) => {
    await mapDomainErrors(() => removeConnectorContact(ctx.db, ctx.user, input.id, input.contactId));
    return { ok: true as const };
  }),
});
