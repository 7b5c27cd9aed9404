/** Incidents (a connector or task FAILED, or drift), newest first; any signed-in user may read them. */
import { z } from "zod";
import { INCIDENT_STATES } from "@switchboard/db/enums";
import { listIncidents } from "@switchboard/db/repos/health";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(100);

export const incidentInput = z.object({
  state: z.enum(INCIDENT_STATES).optional(),
  clusterId: id.optional(),
  connectorId: id.optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

export const incidentRouter = createTRPCRouter({
  list: protectedProcedure.input(incidentInput).query(async ({ ctx, input }) => {
    const { items, total } = await listIncidents(ctx.db, input);
    return { items, total, page: input.page, pageSize: input.pageSize };
  }),
});
