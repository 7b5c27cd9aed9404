/**
 * Append-only audit log. Mutations write their event in the same transaction as the change, so a
 * failed mutation leaves neither.
 */
import { inTransaction, type DbOrTx, type Tx } from "../client";

export type AuditEventInput = {
  /** Null for the system (worker, monitor). */
  actorId: string | null;
  /** `<entity>.<verb>`, e.g. `connector.create`, `changeRequest.approve`. */
  action: string;
  entityType: string;
  entityId: string;
  /** Plain objects from public selects only: never secrets. */
  before?: unknown;
  after?: unknown;
};

export const auditEventSelect = {
  id: true,
  actorId: true,
  action: true,
  entityType: true,
  entityId: true,
  beforeJson: true,
  afterJson: true,
  createdAt: true,
  actor: { select: { id: true, name: true, email: true } },
} as const;

export type AuditEvent = {
  id: string;
  actorId: string | null;
  actor: { id: string; name: string; email: string } | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
};

const toJson = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Writes audit events with the given (transaction) client. */
export async function writeAudit(tx: DbOrTx, events: AuditEventInput | AuditEventInput[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  await tx.auditEvent.createMany({
    data: list.map((e) => ({
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      beforeJson: toJson(e.before),
      afterJson: toJson(e.after),
    })),
  });
}

/**
 * Runs `mutate` and writes the audit event(s) `describe` derives from its result, in one transaction
 * (the caller's, when given a transaction client). If either throws, nothing is written.
 */
export function withAudit<T>(
  db: DbOrTx,
  mutate: (tx: Tx) => Promise<T>,
  describe: (result: T) => AuditEventInput | AuditEventInput[],
): Promise<T> {
  return inTransaction(db, async (tx) => {
    const result = await mutate(tx);
    await writeAudit(tx, describe(result));
    return result;
  });
}

/** Audit events, newest first, optionally for one entity. */
export async function listAuditEvents(
  db: DbOrTx,
  opts: { entityType?: string; entityId?: string; actorId?: string; page?: number; pageSize?: number } = {},
): Promise<{ items: AuditEvent[]; total: number }> {
  const pageSize = Math.min(opts.pageSize ?? 50, 500);
  const page = Math.max(opts.page ?? 1, 1);
  const where = { entityType: opts.entityType, entityId: opts.entityId, actorId: opts.actorId };
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({ where, select: auditEventSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page - 1) * pageSize, take: pageSize }),
    db.auditEvent.count({ where }),
  ]);
  return {
    total,
    items: rows.map(({ beforeJson, afterJson, ...r }) => ({
      ...r,
      before: beforeJson === null ? null : (JSON.parse(beforeJson) as unknown),
      after: afterJson === null ? null : (JSON.parse(afterJson) as unknown),
    })),
  };
}
