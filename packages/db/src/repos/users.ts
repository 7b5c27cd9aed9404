/**
 * Users. Password hashes never leave this file: callers verify passwords through `verifyPassword`.
 * Also the sign-in throttle, kept in the database so every process of one deployment shares it.
 */
import bcrypt from "bcryptjs";
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Db, DbOrTx } from "../client";
import type { Role } from "../enums";
import { DbError } from "../errors";
import { withAudit } from "./audit";

export const userSelect = { id: true, email: true, name: true, role: true, disabled: true, createdAt: true } as const;

export type User = { id: string; email: string; name: string; role: Role; disabled: boolean; createdAt: Date };

/** The signed-in user as the API needs it: the public fields plus the ids of the user's teams. */
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamIds: string[];
  /**
   * Set when the caller is an API token limited to some teams: it may act for these teams only,
   * whatever its role (approvers and admins otherwise act for every team).
   */
  scopeTeamIds?: string[];
};

export const BCRYPT_ROUNDS = 10;

/**
 * A bcrypt hash (same cost) of a password nobody has: an unknown email, a disabled or OIDC-only
 * account still costs one comparison, so the time a sign-in takes does not tell which emails exist.
 */
export const DUMMY_PASSWORD_HASH = "$2b$10$QPVAxk637muN/jl09NzeWO1qFeISbhImGjej8zQZ4V1Ml001bXGke";

/** An OIDC identity: the issuer and the subject it gives the user, never the email alone. */
export type OidcIdentity = { issuer: string; subject: string };

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Hashes a password with bcrypt. */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_ROUNDS);
}

export function findUserByEmail(db: DbOrTx, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email: normalizeEmail(email) }, select: userSelect });
}

export function getUser(db: DbOrTx, id: string): Promise<User | null> {
  return db.user.findUnique({ where: { id }, select: userSelect });
}

export function listUsers(db: DbOrTx): Promise<User[]> {
  return db.user.findMany({ select: userSelect, orderBy: { email: "asc" } });
}

/**
 * The user with the given email if the password matches and the account is enabled; else null.
 * Always exactly one bcrypt comparison (against {@link DUMMY_PASSWORD_HASH} when there is no hash).
 */
export async function verifyPassword(db: DbOrTx, email: string, password: string): Promise<User | null> {
  const row = await db.user.findUnique({ where: { email: normalizeEmail(email) }, select: { ...userSelect, passwordHash: true } });
  const matches = await bcrypt.compare(password, row?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!row || row.disabled || row.passwordHash === null || !matches) return null;
  const { passwordHash: _hash, ...user } = row;
  return user;
}

/**
 * Emails of the enabled users whose password is `password` (one comparison per user with a
 * password), e.g. to find accounts still on the demo password.
 */
export async function findEnabledUsersWithPassword(db: DbOrTx, password: string): Promise<string[]> {
  const rows = await db.user.findMany({ where: { disabled: false, passwordHash: { not: null } }, select: { email: true, passwordHash: true }, orderBy: { email: "asc" } });
  const found: string[] = [];
  for (const row of rows) if (await bcrypt.compare(password, row.passwordHash as string)) found.push(row.email);
  return found;
}

/** The session view of an enabled user (with team ids); null when missing or disabled. */
export async function getSessionUser(db: DbOrTx, id: string): Promise<SessionUser | null> {
  return (await getSessionState(db, id))?.user ?? null;
}

/**
 * The session view of an enabled user with the user's session version (bumped whenever their
 * sessions must end); null when missing or disabled.
 */
export async function getSessionState(db: DbOrTx, id: string): Promise<{ user: SessionUser; sessionVersion: number } | null> {
  const row = await db.user.findUnique({ where: { id }, select: { ...userSelect, sessionVersion: true, memberships: { select: { teamId: true } } } });
  if (!row || row.disabled) return null;
  return {
    user: { id: row.id, email: row.email, name: row.name, role: row.role, teamIds: row.memberships.map((m) => m.teamId) },
    sessionVersion: row.sessionVersion,
  };
}

export type CreateUserInput = { email: string; name: string; role: Role; password?: string; oidc?: OidcIdentity };

/** Creates a user; without a password the user can only sign in through OIDC. */
export async function createUser(db: DbOrTx, actorId: string | null, input: CreateUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return withAudit(
    db,
    async (tx) => {
      if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new DbError("CONFLICT", `A user with email ${email} exists.`);
      return tx.user.create({
        data: { email, name: input.name, role: input.role, passwordHash, oidcIssuer: input.oidc?.issuer, oidcSubject: input.oidc?.subject },
        select: userSelect,
      });
    },
    (user) => ({ actorId, action: "user.create", entityType: "user", entityId: user.id, after: { ...user, oidcIssuer: input.oidc?.issuer ?? null } }),
  );
}

/** The user an OIDC identity belongs to (disabled or not); null when no user has it. */
export function findUserByOidcIdentity(db: DbOrTx, identity: OidcIdentity): Promise<User | null> {
  return db.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } }, select: userSelect });
}

/**
 * Links an OIDC identity to a user who has none yet. A user already linked to an identity is never
 * re-linked (CONFLICT): that takes an admin.
 */
export async function linkOidcIdentity(db: DbOrTx, userId: string, identity: OidcIdentity): Promise<User> {
  return withAudit(
    db,
    async (tx) => {
      const { count } = await tx.user.updateMany({ where: { id: userId, oidcIssuer: null, oidcSubject: null }, data: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } });
      if (count === 0) throw new DbError("CONFLICT", "This account is already linked to another single sign-on identity.");
      return tx.user.findUniqueOrThrow({ where: { id: userId }, select: userSelect });
    },
    (user) => ({ actorId: null, action: "user.linkOidc", entityType: "user", entityId: user.id, after: { issuer: identity.issuer } }),
  );
}

export type UpdateUserInput = { name?: string; role?: Role; disabled?: boolean; password?: string };

/**
 * Updates a user. A new password, a disable or a role change bumps the session version, which ends
 * every session the user holds.
 */
export async function updateUser(db: DbOrTx, actorId: string | null, id: string, input: UpdateUserInput): Promise<User> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return withAudit(
    db,
    async (tx) => {
      const before = await tx.user.findUnique({ where: { id }, select: userSelect });
      if (!before) throw new DbError("NOT_FOUND", "No such user.");
      const endSessions =
        passwordHash !== undefined || (input.disabled === true && !before.disabled) || (input.role !== undefined && input.role !== before.role);
      const after = await tx.user.update({
        where: { id },
        data: { name: input.name, role: input.role, disabled: input.disabled, passwordHash, sessionVersion: endSessions ? { increment: 1 } : undefined },
        select: userSelect,
      });
      return { before, after, endSessions };
    },
    ({ before, after, endSessions }) => ({
      actorId,
      action: "user.update",
      entityType: "user",
      entityId: id,
      before,
      after: { ...after, passwordChanged: passwordHash !== undefined, sessionsEnded: endSessions },
    }),
  ).then((r) => r.after);
}

/** Sign-in limits: failures per account (email) and per client address, each over 15 minutes. */
export const LOGIN_LIMITS = {
  account: { points: 5, durationSeconds: 15 * 60 },
  address: { points: 20, durationSeconds: 15 * 60 },
} as const;

export type LoginThrottle = {
  /**
   * Counts a sign-in attempt for the account and the address before the password is checked, so
   * attempts made in parallel are all counted. Null when the attempt may go on; otherwise the
   * milliseconds until one will be allowed again.
   */
  begin(email: string, address: string | null): Promise<number | null>;
  /** After a successful sign-in: the account's count starts again and the attempt does not count against the address. */
  succeeded(email: string, address: string | null): Promise<void>;
};

const throttles = new WeakMap<Db, LoginThrottle>();

/** Refused attempts reject with a RateLimiterRes; anything else is a real error. */
async function consume(limiter: RateLimiterPrisma, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (err) {
    if (err instanceof RateLimiterRes) return Math.max(err.msBeforeNext, 1);
    throw err;
  }
}

/**
 * The sign-in throttle of a database (rate-limiter-flexible's Prisma store, on the
 * `RateLimiterFlexible` table), one per client.
 */
export function loginThrottle(db: Db): LoginThrottle {
  const existing = throttles.get(db);
  if (existing) return existing;
  const limiter = (prefix: string, limit: { points: number; durationSeconds: number }) =>
    new RateLimiterPrisma({ storeClient: db, keyPrefix: prefix, points: limit.points, duration: limit.durationSeconds });
  const account = limiter("login-account", LOGIN_LIMITS.account);
  const address = limiter("login-address", LOGIN_LIMITS.address);
  const throttle: LoginThrottle = {
    async begin(email, clientAddress) {
      // An address over its limit is refused before the account is counted, so spraying from one
      // address does not also lock the accounts it sprays.
      const addressWait = clientAddress ? await consume(address, clientAddress) : null;
      if (addressWait !== null) return addressWait;
      return consume(account, normalizeEmail(email));
    },
    async succeeded(email, clientAddress) {
      await account.delete(normalizeEmail(email));
      if (clientAddress) await address.reward(clientAddress, 1);
    },
  };
  throttles.set(db, throttle);
  return throttle;
}
