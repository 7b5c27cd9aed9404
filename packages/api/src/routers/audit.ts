import { z } from "zod";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { adminProcedure, createTRPCRouter } from "../trpc";
import { maskDocument } from "@switchboard/engine/secrets";

const PAGE_SIZE = 50;

export const auditRouter = createTRPCRouter({
  /** The audit log, newest first; before/after documents pass through the masker once more. */
  list: adminProcedure
    .input(z.object({ entityType: z.string().trim().max(50).optional(), entityId: z.string().trim().max(100).optional(), page: z.number().int().min(1).max(100_000).default(1) }))
    .query(async ({ ctx, input }) => {
      const { items, total } = await listAuditEvents(ctx.db, {
        entityType: input.entityType || undefined,
        entityId: input.entityId || undefined,
        page: input.page,
        pageSize: PAGE_SIZE,
      });
      return { items: items.map((e) => ({ ...e, before: maskDocument(e.before), after: maskDocument(e.after) })), total, page: input.page, pageSize: PAGE_SIZE };
    }),
});
