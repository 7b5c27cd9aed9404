/** Users. Password hashes never leave this file: callers verify passwords through `verifyPassword`. */
import bcrypt from "bcryptjs";
import type { DbOrTx } from "../client";
import type { Role } from "../enums";
import { DbError } from "../errors";
import { withAudit } from "./audit";

export const userSelect = { id: true, email: true, name: true, role: true, disabled: true, createdAt: true } as const;

export type User = { id: string; email: string; name: string; role: Role; disabled: boolean; createdAt: Date };

/** The signed-in user as the API needs it: the public fields plus the ids of the user's teams. */
export type SessionUser = { id: string; email: string; name: string; role: Role; teamIds: string[] };

const BCRYPT_ROUNDS = 10;
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

/** The user with the given email if the password matches and the account is enabled; else null. */
export async function verifyPassword(db: DbOrTx, email: string, password: string): Promise<User | null> {
  const row = await db.user.findUnique({ where: { email: normalizeEmail(email) }, select: { ...userSelect, passwordHash: true } });
  if (!row || row.disabled || row.passwordHash === null) return null;
  if (!(await bcrypt.compare(password, row.passwordHash))) return null;
  const { passwordHash: _hash, ...user } = row;
  return user;
}

/** The session view of an enabled user (with team ids); null when missing or disabled. */
export async function getSessionUser(db: DbOrTx, id: string): Promise<SessionUser | null> {
  const row = await db.user.findUnique({ where: { id }, select: { ...userSelect, memberships: { select: { teamId: true } } } });
  if (!row || row.disabled) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, teamIds: row.memberships.map((m) => m.teamId) };
}

export type CreateUserInput = { email: string; name: string; role: Role; password?: string };

/** Creates a user; without a password the user can only sign in through OIDC. */
export async function createUser(db: DbOrTx, actorId: string | null, input: CreateUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return withAudit(
    db,
    async (tx) => {
      if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new DbError("CONFLICT", `A user with email ${email} exists.`);
      return tx.user.create({ data: { email, name: input.name, role: input.role, passwordHash }, select: userSelect });
    },
    (user) => ({ actorId, action: "user.create", entityType: "user", entityId: user.id, after: user }),
  );
}

/**
 * The user for an OIDC sign-in: found by email, or created as a viewer. Returns null for a disabled
 * account.
 */
export async function upsertOidcUser(db: DbOrTx, input: { email: string; name: string }): Promise<User | null> {
  const existing = await findUserByEmail(db, input.email);
  if (existing) return existing.disabled ? null : existing;
  return createUser(db, null, { email: input.email, name: input.name, role: "viewer" });
}

export type UpdateUserInput = { name?: string; role?: Role; disabled?: boolean; password?: string };

export async function updateUser(db: DbOrTx, actorId: string | null, id: string, input: UpdateUserInput): Promise<User> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return withAudit(
    db,
    async (tx) => {
      const before = await tx.user.findUnique({ where: { id }, select: userSelect });
      if (!before) throw new DbError("NOT_FOUND", "No such user.");
      const after = await tx.user.update({ where: { id }, data: { name: input.name, role: input.role, disabled: input.disabled, passwordHash }, select: userSelect });
      return { before, after };
    },
    ({ before, after }) => ({ actorId, action: "user.update", entityType: "user", entityId: id, before, after: { ...after, passwordChanged: passwordHash !== undefined } }),
  ).then((r) => r.after);
}
