/**
 * Notifications: in-app (delivered on creation), email and webhook (delivered by the worker, retried
 * with backoff; failures stay visible with their last error).
 */
import { inTransaction, type DbOrTx } from "../client";
import type { NotificationChannel, NotificationStatus } from "../enums";
import type { Prisma } from "../generated/prisma/client";

export const notificationSelect = {
  id: true,
  incidentId: true,
  teamId: true,
  userId: true,
  channel: true,
  recipient: true,
  subject: true,
  body: true,
  status: true,
  attempts: true,
  maxAttempts: true,
  lastError: true,
  nextAttemptAt: true,
  sentAt: true,
  readAt: true,
  createdAt: true,
} as const satisfies Prisma.NotificationSelect;

export type Notification = Prisma.NotificationGetPayload<{ select: typeof notificationSelect }>;

export type NotificationInput = {
  channel: NotificationChannel;
  /** Email address, webhook URL, or the user id for in-app. */
  recipient: string;
  subject: string;
  body: string;
  incidentId?: string | null;
  teamId?: string | null;
  /** Required for in-app. */
  userId?: string | null;
  maxAttempts?: number;
};

/** Creates notifications; in-app ones are sent at once, the others wait for delivery. */
export async function createNotifications(db: DbOrTx, inputs: NotificationInput[], now: Date = new Date()): Promise<number> {
  const { count } = await db.notification.createMany({
    data: inputs.map((n) => ({
      channel: n.channel,
      recipient: n.recipient,
      subject: n.subject,
      body: n.body,
      incidentId: n.incidentId ?? null,
      teamId: n.teamId ?? null,
      userId: n.userId ?? null,
      maxAttempts: n.maxAttempts,
      ...(n.channel === "inapp" ? { status: "sent" as const, sentAt: now } : { nextAttemptAt: now }),
    })),
  });
  return count;
}

/** Email and webhook notifications due for a delivery attempt, oldest first. */
export function dueNotifications(db: DbOrTx, now: Date = new Date(), take = 50): Promise<Notification[]> {
  return db.notification.findMany({
    where: { status: "pending", channel: { not: "inapp" }, nextAttemptAt: { lte: now } },
    select: notificationSelect,
    orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
    take,
  });
}

/**
 * Takes one due notification for a delivery attempt: pushes its `nextAttemptAt` `leaseMs` ahead, so
 * another worker's pass does not deliver it too. True for exactly one caller. The attempt's outcome
 * (`markNotificationSent` / `markNotificationFailed`) then replaces that time.
 */
export async function claimNotificationDelivery(db: DbOrTx, id: string, leaseMs: number, now: Date = new Date()): Promise<boolean> {
  const { count } = await db.notification.updateMany({
    where: { id, status: "pending", nextAttemptAt: { lte: now } },
    data: { nextAttemptAt: new Date(now.getTime() + leaseMs) },
  });
  return count === 1;
}

export async function markNotificationSent(db: DbOrTx, id: string, now: Date = new Date()): Promise<void> {
  await db.notification.update({ where: { id }, data: { status: "sent", sentAt: now, attempts: { increment: 1 }, lastError: null, nextAttemptAt: null } });
}

/** Delay before the next delivery attempt after `attempts` failures: 30s, 1m, 2m, ... capped at 1h. */
export function notificationBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);
}

/** Records a failed delivery: retried later while attempts remain, else failed. Returns the new status. */
export function markNotificationFailed(db: DbOrTx, id: string, error: string, now: Date = new Date()): Promise<NotificationStatus> {
  return inTransaction(db, async (tx) => {
    const n = await tx.notification.update({ where: { id }, data: { attempts: { increment: 1 }, lastError: error }, select: { attempts: true, maxAttempts: true } });
    const retry = n.attempts < n.maxAttempts;
    await tx.notification.update({
      where: { id },
      data: retry ? { nextAttemptAt: new Date(now.getTime() + notificationBackoffMs(n.attempts)) } : { status: "failed", nextAttemptAt: null },
    });
    return retry ? "pending" : "failed";
  });
}

/** A user's in-app notifications, newest first. */
export function listInbox(db: DbOrTx, userId: string, opts: { unreadOnly?: boolean; take?: number } = {}): Promise<Notification[]> {
  return db.notification.findMany({
    where: { userId, channel: "inapp", ...(opts.unreadOnly ? { readAt: null } : {}) },
    select: notificationSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(opts.take ?? 50, 200),
  });
}

export function countUnread(db: DbOrTx, userId: string): Promise<number> {
  return db.notification.count({ where: { userId, channel: "inapp", readAt: null } });
}

/** Marks a user's in-app notifications read (all of them when `ids` is omitted). */
export async function markRead(db: DbOrTx, userId: string, ids?: string[], now: Date = new Date()): Promise<number> {
  const { count } = await db.notification.updateMany({ where: { userId, channel: "inapp", readAt: null, ...(ids ? { id: { in: ids } } : {}) }, data: { readAt: now } });
  return count;
}

/** Notifications for the delivery view (e.g. failed ones of a team), newest first. */
export async function listNotifications(
  db: DbOrTx,
  q: { teamIds?: string[]; status?: NotificationStatus; channel?: NotificationChannel; incidentId?: string; page?: number; pageSize?: number } = {},
): Promise<{ items: Notification[]; total: number }> {
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const where: Prisma.NotificationWhereInput = {
    status: q.status,
    channel: q.channel,
    incidentId: q.incidentId,
    ...(q.teamIds ? { teamId: { in: q.teamIds } } : {}),
  };
  const [items, total] = await Promise.all([
    db.notification.findMany({ where, select: notificationSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (Math.max(q.page ?? 1, 1) - 1) * pageSize, take: pageSize }),
    db.notification.count({ where }),
  ]);
  return { items, total };
}

/** One page of a user's in-app notifications: unread first, then newest first. */
export async function listInboxPage(
  db: DbOrTx,
  userId: string,
  q: { unreadOnly?: boolean; page?: number; pageSize?: number } = {},
): Promise<{ items: Notification[]; total: number }> {
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const where: Prisma.NotificationWhereInput = { userId, channel: "inapp", ...(q.unreadOnly ? { readAt: null } : {}) };
  const [items, total] = await Promise.all([
    db.notification.findMany({
      where,
      select: notificationSelect,
      orderBy: [{ readAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }, { id: "desc" }],
      skip: (Math.max(q.page ?? 1, 1) - 1) * pageSize,
      take: pageSize,
    }),
    db.notification.count({ where }),
  ]);
  return { items, total };
}

/** Email and webhook deliveries (not in-app), newest first, for the admin delivery view. */
export async function listDeliveries(
  db: DbOrTx,
  q: { status?: NotificationStatus; page?: number; pageSize?: number } = {},
): Promise<{ items: Notification[]; total: number }> {
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const where: Prisma.NotificationWhereInput = { channel: { not: "inapp" }, status: q.status };
  const [items, total] = await Promise.all([
    db.notification.findMany({ where, select: notificationSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (Math.max(q.page ?? 1, 1) - 1) * pageSize, take: pageSize }),
    db.notification.count({ where }),
  ]);
  return { items, total };
}
