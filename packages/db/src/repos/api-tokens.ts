/**
 * Personal API tokens. The secret's hash never leaves this file except to `findApiTokenForAuth`,
 * which the domain compares in constant time. Also the per-token request limiter (in the database,
 * so every replica shares the count).
 */
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import type { Db, DbOrTx } from "../client";
import type { Role } from "../enums";
import { DbError } from "../errors";
import { withAudit } from "./audit";

const tokenSelect = {
  id: true,
  userId: true,
  name: true,
  prefix: true,
  role: true,
  teamIdsJson: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
  user: { select: { email: true, name: true } },
} as const;

export type ApiToken = {
  id: string;
  userId: string;
  user: { email: string; name: string };
  name: string;
  prefix: string;
  role: Role;
  /** Teams the token is limited to; empty: all of its user's teams. */
  teamIds: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

const teamIds = z.array(z.string());
type Row = Omit<ApiToken, "teamIds"> & { teamIdsJson: string };
const toToken = ({ teamIdsJson, ...row }: Row): ApiToken => ({ ...row, teamIds: teamIds.parse(JSON.parse(teamIdsJson)) });
/** What the audit log keeps of a token: never its hash. */
const audited = (t: ApiToken) => ({ id: t.id, userId: t.userId, name: t.name, prefix: t.prefix, role: t.role, teamIds: t.teamIds, expiresAt: t.expiresAt, revokedAt: t.revokedAt });

export type CreateApiTokenInput = { id: string; userId: string; name: string; prefix: string; secretHash: string; role: Role; teamIds: string[]; expiresAt: Date };

export function createApiToken(db: DbOrTx, actorId: string, input: CreateApiTokenInput): Promise<ApiToken> {
  const { teamIds: teams, ...rest } = input;
  return withAudit(
    db,
    async (tx) => toToken(await tx.apiToken.create({ data: { ...rest, teamIdsJson: JSON.stringify(teams) }, select: tokenSelect })),
    (token) => ({ actorId, action: "apiToken.create", entityType: "apiToken", entityId: token.id, after: audited(token) }),
  );
}

/** Tokens, newest first: one user's, or everyone's (for admins). */
export async function listApiTokens(db: DbOrTx, opts: { userId?: string } = {}): Promise<ApiToken[]> {
  const rows = await db.apiToken.findMany({ where: { userId: opts.userId }, select: tokenSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 });
  return rows.map(toToken);
}

export async function getApiToken(db: DbOrTx, id: string): Promise<ApiToken | null> {
  const row = await db.apiToken.findUnique({ where: { id }, select: tokenSelect });
  return row ? toToken(row) : null;
}

/** A token with its secret's hash and its user as they are now, for authentication only. */
export async function findApiTokenForAuth(db: DbOrTx, id: string) {
  const row = await db.apiToken.findUnique({
    where: { id },
    select: { ...tokenSelect, secretHash: true, user: { select: { id: true, email: true, name: true, role: true, disabled: true, memberships: { select: { teamId: true } } } } },
  });
  if (!row) return null;
  const { secretHash, user, teamIdsJson, ...token } = row;
  return {
    token: { ...token, teamIds: teamIds.parse(JSON.parse(teamIdsJson)) },
    secretHash,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, disabled: user.disabled, teamIds: user.memberships.map((m) => m.teamId) },
  };
}

/** Revokes a token (once: revoking again changes nothing and writes no event). */
export async function revokeApiToken(db: DbOrTx, actorId: string, id: string, now: Date = new Date()): Promise<ApiToken> {
  return withAudit(
    db,
    async (tx) => {
      const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedById: actorId } });
      const token = await tx.apiToken.findUnique({ where: { id }, select: tokenSelect });
      if (!token) throw new DbError("NOT_FOUND", "No such token.");
      return { token: toToken(token), changed: count === 1 };
    },
    ({ token, changed }) => (changed ? { actorId, action: "apiToken.revoke", entityType: "apiToken", entityId: id, after: audited(token) } : []),
  ).then((r) => r.token);
}

/** Records a use, at most once per `everyMs` per token, so a busy token does not write on every call. */
export async function touchApiToken(db: DbOrTx, id: string, now: Date, everyMs = 60_000): Promise<void> {
  await db.apiToken.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - everyMs) } }] }, data: { lastUsedAt: now } });
}

export type RequestLimit = { points: number; durationSeconds: number };

/** Consumes one request of a token's budget: null when allowed, else the milliseconds until the next one is. */
export type TokenRateLimiter = (tokenId: string) => Promise<number | null>;

/** The per-token request limiter of a database (rate-limiter-flexible's Prisma store, as the sign-in throttle). */
export function tokenRateLimiter(db: Db, limit: RequestLimit): TokenRateLimiter {
  const limiter = new RateLimiterPrisma({ storeClient: db, keyPrefix: "api-token", points: limit.points, duration: limit.durationSeconds });
  return async (tokenId) => {
    try {
      await limiter.consume(tokenId);
      return null;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(err.msBeforeNext, 1);
      throw err;
    }
  };
}

/** Failed API authentications per client address: an address over its limit is refused before its token is checked. */
export type AuthFailureThrottle = {
  /** Milliseconds until the address may try again when it has used up its failures, else null. */
  blocked(address: string): Promise<number | null>;
  /** Counts a failed authentication; the wait when this one was over the limit, else null. */
  failed(address: string): Promise<number | null>;
};

/** The failed-authentication throttle of a database (the same Prisma store, so every replica shares the count). */
export function authFailureThrottle(db: Db, limit: RequestLimit): AuthFailureThrottle {
  const limiter = new RateLimiterPrisma({ storeClient: db, keyPrefix: "api-auth-failure", points: limit.points, duration: limit.durationSeconds });
  return {
    async blocked(address) {
      const res = await limiter.get(address);
      return res && res.consumedPoints >= limit.points ? Math.max(res.msBeforeNext, 1) : null;
    },
    async failed(address) {
      try {
        await limiter.consume(address);
        return null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return Math.max(err.msBeforeNext, 1);
        throw err;
      }
    },
  };
}
