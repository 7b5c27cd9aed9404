import { z } from "zod";
import { NOTIFICATION_STATUSES } from "@switchboard/db/enums";
import { countUnread, listDeliveries, listInboxPage, markRead } from "@switchboard/db/repos/notifications";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";
import { maskWebhookUrl } from "@switchboard/engine/secrets";

const page = z.number().int().min(1).max(100_000).default(1);
const PAGE_SIZE = 50;

export const notificationRouter = createTRPCRouter({
  /** The caller's in-app notifications, unread first. */
  inbox: protectedProcedure.input(z.object({ page, unreadOnly: z.boolean().optional() })).query(async ({ ctx, input }) => {
    const { items, total } = await listInboxPage(ctx.db, ctx.user.id, { page: input.page, pageSize: PAGE_SIZE, unreadOnly: input.unreadOnly });
    return {
      items: items.map((n) => ({ id: n.id, subject: n.subject, body: n.body, incidentId: n.incidentId, teamId: n.teamId, createdAt: n.createdAt, readAt: n.readAt })),
      total,
      page: input.page,
      pageSize: PAGE_SIZE,
    };
  }),

  unreadCount: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => countUnread(ctx.db, ctx.user.id)),

  /** Marks the caller's own notifications read; ids of other users' notifications are ignored. */
  markRead: protectedProcedure
    .input(z.union([z.object({ ids: z.array(z.string().min(1).max(100)).min(1, "Give at least one id.").max(500) }), z.object({ all: z.literal(true) })]))
    .mutation(async ({ ctx, input }) => ({ marked: await markRead(ctx.db, ctx.user.id, "ids" in input ? input.ids : undefined) })),

  /** Email and webhook deliveries with their status, attempts and last error (admin). */
  deliveries: adminProcedure.input(z.object({ page, status: z.enum(NOTIFICATION_STATUSES).optional() })).query(async ({ ctx, input }) => {
    const { items, total } = await listDeliveries(ctx.db, { page: input.page, pageSize: PAGE_SIZE, status: input.status });
    return {
      items: items.map((n) => ({
        id: n.id,
        channel: n.channel,
        recipient: n.channel === "webhook" ? maskWebhookUrl(n.recipient) : n.recipient,
        subject: n.subject,
        status: n.status,
        attempts: n.attempts,
        maxAttempts: n.maxAttempts,
        lastError: n.lastError,
        nextAttemptAt: n.nextAttemptAt,
        sentAt: n.sentAt,
        createdAt: n.createdAt,
        teamId: n.teamId,
        incidentId: n.incidentId,
      })),
      total,
      page: input.page,
      pageSize: PAGE_SIZE,
    };
  }),
});
