/**
 * Personal API tokens: `sbt_<id>_<secret>`, sent as `Authorization: Bearer`. The id finds the row;
 * the secret (32 random bytes) is kept only as its SHA-256. A slow password hash (bcrypt) protects
 * guessable human passwords; a 256-bit random secret cannot be guessed, so one SHA-256 is as safe
 * and keeps every API call cheap. A token never does more than its user: its role and teams are
 * capped at creation and intersected again with the user's current ones at every call.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import { ROLES, type Role } from "@switchboard/db/enums";
import { createApiToken, findApiTokenForAuth, getApiToken, listApiTokens, revokeApiToken, touchApiToken, type ApiToken } from "@switchboard/db/repos/api-tokens";
import { badRequest, forbidden, notFound } from "./errors";
import { hasRoleAtLeast, type SessionUser } from "./policy";

export type { ApiToken };

export const TOKEN_MAX_DAYS = 365;
const TOKEN_PATTERN = /^sbt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(100, "At most 100 characters."),
  expiresInDays: z.number().int("A whole number of days.").min(1, "At least 1 day.").max(TOKEN_MAX_DAYS, `At most ${TOKEN_MAX_DAYS} days.`),
  role: z.enum(ROLES),
  /** Teams the token may act for; empty: all of the user's teams. */
  teamIds: z.array(z.string().min(1).max(100)).max(100).default([]),
});

export type CreateTokenInput = z.input<typeof createTokenInput>;

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * Creates a token for the signed-in user, with a role at most theirs and teams among theirs. The
 * secret is in the answer once and nowhere else.
 */
export async function createToken(db: DbOrTx, user: SessionUser, raw: CreateTokenInput, now: Date = new Date()): Promise<{ token: ApiToken; secret: string }> {
  const input = createTokenInput.parse(raw);
  if (user.scopeTeamIds !== undefined) throw forbidden("An API token cannot create tokens.");
  if (!hasRoleAtLeast(user, input.role)) throw forbidden(`A token's role cannot be above yours (${user.role}).`);
  const foreign = input.teamIds.filter((t) => !user.teamIds.includes(t));
  if (foreign.length > 0) throw badRequest("A token can only be limited to teams you belong to.");
  const id = randomBytes(8).toString("hex");
  const secret = `sbt_${id}_${randomBytes(32).toString("base64url")}`;
  const token = await createApiToken(db, user.id, {
    id,
    userId: user.id,
    name: input.name,
    prefix: `sbt_${id}`,
    secretHash: sha256(secret).toString("hex"),
    role: input.role,
    teamIds: [...new Set(input.teamIds)],
    expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000),
  });
  return { token, secret };
}

export function listMyTokens(db: DbOrTx, user: SessionUser): Promise<ApiToken[]> {
  return listApiTokens(db, { userId: user.id });
}

export function listAllTokens(db: DbOrTx, user: SessionUser): Promise<ApiToken[]> {
  if (user.role !== "admin") throw forbidden("Only admins see everyone's tokens.");
  return listApiTokens(db);
}

/** Revokes a token: its user's own, or anyone's for an admin (audited under the one who revoked it). */
export async function revokeToken(db: DbOrTx, user: SessionUser, id: string): Promise<ApiToken> {
  const token = await getApiToken(db, id);
  if (!token || (token.userId !== user.id && user.role !== "admin")) throw notFound("No such token.");
  return revokeApiToken(db, user.id, id);
}

export type TokenAuth =
  | { ok: true; user: SessionUser; token: { id: string; name: string } }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" | "user-disabled" };

const RANK: readonly Role[] = ["viewer", "owner", "approver", "admin"];
const lowerRole = (a: Role, b: Role): Role => (RANK.indexOf(a) <= RANK.indexOf(b) ? a : b);
const DUMMY_HASH = sha256("no such token");

/**
 * Who a bearer token acts as, now: role = min(token's, user's current), teams = the token's still
 * among the user's current memberships. Records the use (at most once a minute).
 */
export async function authenticateToken(db: DbOrTx, bearer: string, now: Date = new Date()): Promise<TokenAuth> {
  const match = TOKEN_PATTERN.exec(bearer);
  if (!match) return { ok: false, reason: "malformed" };
  const found = await findApiTokenForAuth(db, match[1] as string);
  const expected = found ? Buffer.from(found.secretHash, "hex") : DUMMY_HASH;
  const given = sha256(bearer);
  if (!found || expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "unknown" };
  const { token, user } = found;
  if (token.revokedAt) return { ok: false, reason: "revoked" };
  if (token.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  if (user.disabled) return { ok: false, reason: "user-disabled" };
  await touchApiToken(db, token.id, now);
  const teamIds = token.teamIds.length === 0 ? user.teamIds : token.teamIds.filter((t) => user.teamIds.includes(t));
  const scoped = token.teamIds.length > 0;
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: lowerRole(token.role, user.role), teamIds, ...(scoped ? { scopeTeamIds: teamIds } : {}) },
    token: { id: token.id, name: token.name },
  };
}
