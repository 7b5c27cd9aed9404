/**
 * Named leases for duties that one process at a time must hold across all workers and replicas
 * (e.g. consuming one cluster's status topic). A holder renews its lease before it expires; when it
 * dies, the lease expires and another process acquires it.
 */
import type { DbOrTx } from "../client";

/**
 * Acquires the lease `key` for `holder` for `ttlMs`, or renews it when `holder` already has it.
 * True when `holder` now holds it; false while another holder's lease is unexpired (so a holder that
 * lost its lease cannot renew it back). One INSERT ... ON CONFLICT DO UPDATE ... WHERE statement, so
 * the check and the write are atomic on SQLite and PostgreSQL alike.
 */
export async function acquireLease(db: DbOrTx, key: string, holder: string, ttlMs: number, now: Date = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO "Lease" ("key", "holder", "expiresAt", "updatedAt") VALUES (${key}, ${holder}, ${expiresAt}, ${now})
    ON CONFLICT ("key") DO UPDATE SET "holder" = excluded."holder", "expiresAt" = excluded."expiresAt", "updatedAt" = excluded."updatedAt"
    WHERE "Lease"."holder" = excluded."holder" OR "Lease"."expiresAt" < ${now}
    RETURNING "holder"`;
  return rows[0]?.holder === holder;
}

/** Gives the lease up at once (a clean stop), so another process need not wait for it to expire. */
export async function releaseLease(db: DbOrTx, key: string, holder: string): Promise<boolean> {
  const { count } = await db.lease.deleteMany({ where: { key, holder } });
  return count === 1;
}

/** Who holds `key` now (null when nobody does or the lease has expired). */
export async function leaseHolder(db: DbOrTx, key: string, now: Date = new Date()): Promise<string | null> {
  const row = await db.lease.findFirst({ where: { key, expiresAt: { gte: now } }, select: { holder: true } });
  return row?.holder ?? null;
}
