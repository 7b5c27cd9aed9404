/**
 * Sign-in use cases for next-auth: the web app never touches the database itself. Each takes the
 * database last (default: the process-wide client) so tests can hand in their own.
 */
import { getDb, type Db } from "@switchboard/db/client";
import { DbError } from "@switchboard/db/errors";
import {
  createUser,
  findEnabledUsersWithPassword,
  findUserByEmail,
  findUserByOidcIdentity,
  getSessionState,
  linkOidcIdentity,
  loginThrottle,
  verifyPassword,
} from "@switchboard/db/repos/users";
import { DEMO_PASSWORD } from "@switchboard/db/seed";
import type { SessionUser } from "./policy";

/** A signed-in user and the session version their session must carry from now on. */
export type SignedIn = { ok: true; user: SessionUser; sessionVersion: number };

/** Why a sign-in was refused; the web app turns each into a sentence. */
export type SignInRefusal =
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMinutes: number }
  | { ok: false; reason: "demo-password" }
  | { ok: false; reason: "disabled" }
  | { ok: false; reason: "no-email" }
  | { ok: false; reason: "email-not-verified" }
  | { ok: false; reason: "linked-elsewhere" };

export type SignInResult = SignedIn | SignInRefusal;

export type PasswordAttempt = {
  email: string;
  password: string;
  /** The client's address as the web app determined it; null when unknown (then only the account is throttled). */
  clientAddress: string | null;
  /** Demo mode accepts the demo password; outside it that password never signs anyone in. */
  demoMode: boolean;
};

async function signedIn(db: Db, userId: string): Promise<SignInResult> {
  const state = await getSessionState(db, userId);
  return state ? { ok: true, ...state } : { ok: false, reason: "disabled" };
}

/**
 * Email and password sign-in, throttled per account and per client address (the attempt is counted
 * before the password is checked; a success starts the account's count again). Wrong email, wrong
 * password and a disabled account are one answer, and cost one bcrypt comparison each.
 */
export async function signInWithPassword(attempt: PasswordAttempt, db: Db = getDb()): Promise<SignInResult> {
  const throttle = loginThrottle(db);
  const waitMs = await throttle.begin(attempt.email, attempt.clientAddress);
  if (waitMs !== null) return { ok: false, reason: "throttled", retryAfterMinutes: Math.max(1, Math.ceil(waitMs / 60_000)) };
  if (!attempt.demoMode && attempt.password === DEMO_PASSWORD) return { ok: false, reason: "demo-password" };
  const user = await verifyPassword(db, attempt.email, attempt.password);
  const state = user && (await getSessionState(db, user.id));
  if (!state) return { ok: false, reason: "invalid" };
  await throttle.succeeded(attempt.email, attempt.clientAddress);
  return { ok: true, ...state };
}

/**
 * The user behind a session, reloaded on every request so a role change or a disabled account
 * applies at once. Null when the user is gone or disabled, or when the session carries another
 * session version than the user's: a password change, a disable or a role change ended it.
 */
export async function loadSessionUser(userId: string, sessionVersion: number | undefined, db: Db = getDb()): Promise<SessionUser | null> {
  const state = await getSessionState(db, userId);
  return state && state.sessionVersion === sessionVersion ? state.user : null;
}

/** The claims of an OIDC ID token (or userinfo) that sign-in reads; anything else is ignored. */
export type OidcClaims = { sub: string; email?: unknown; email_verified?: unknown; name?: unknown };

const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);

/**
 * OIDC sign-in. The user linked to (issuer, subject) signs in. Otherwise a local account with the
 * same email is linked, but only when the provider says it verified that email
 * (`email_verified === true`): else anyone able to register that email at the provider would take
 * the account over. A local account already linked to another identity is never re-linked. Without
 * any match a viewer carrying the identity is created. Disabled accounts are refused.
 */
export async function signInWithOidc(issuer: string, claims: OidcClaims, db: Db = getDb()): Promise<SignInResult> {
  const identity = { issuer, subject: claims.sub };
  const linked = await findUserByOidcIdentity(db, identity);
  if (linked) return signedIn(db, linked.id);

  const email = text(claims.email);
  if (!email) return { ok: false, reason: "no-email" };
  const local = await findUserByEmail(db, email);
  if (local) {
    if (local.disabled) return { ok: false, reason: "disabled" };
    if (claims.email_verified !== true) return { ok: false, reason: "email-not-verified" };
    try {
      await linkOidcIdentity(db, local.id, identity);
    } catch (err) {
      if (err instanceof DbError && err.code === "CONFLICT") return { ok: false, reason: "linked-elsewhere" };
      throw err;
    }
    return signedIn(db, local.id);
  }

  const created = await createUser(db, null, { email, name: text(claims.name) ?? email, role: "viewer", oidc: identity });
  return signedIn(db, created.id);
}

/**
 * Why a production server must not start: enabled accounts still on the demo password (which only
 * demo mode accepts). Null when it may start: outside production, in demo mode, or when no enabled
 * account has that password.
 */
export async function demoPasswordStartupProblem(opts: { production: boolean; demoMode: boolean }, db: Db = getDb()): Promise<string | null> {
  if (!opts.production || opts.demoMode) return null;
  const emails = await findEnabledUsersWithPassword(db, DEMO_PASSWORD);
  if (emails.length === 0) return null;
  return (
    `Refusing to start: ${emails.length === 1 ? "this enabled account still has" : "these enabled accounts still have"} the demo password ` +
    `"${DEMO_PASSWORD}": ${emails.join(", ")}. Start once with SWITCHBOARD_DEMO=1, sign in as an admin and, in Admin → Users, ` +
    "give each of them a new password or disable it; then start again without SWITCHBOARD_DEMO. (For a demo, keep SWITCHBOARD_DEMO=1.)"
  );
}
