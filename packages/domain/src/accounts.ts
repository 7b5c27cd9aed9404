/**
 * Sign-in use cases for next-auth: the web app never touches the database itself.
 */
import { getDb } from "@switchboard/db/client";
import { getSessionUser, upsertOidcUser as upsertOidcUserRow, verifyPassword } from "@switchboard/db/repos/users";
import type { SessionUser } from "./policy";

/** The session user for an email and password; null when wrong, unknown or disabled. */
export async function authenticateUser(email: string, password: string): Promise<SessionUser | null> {
  const user = await verifyPassword(getDb(), email, password);
  return user ? getSessionUser(getDb(), user.id) : null;
}

/** Reloads the user on every request, so a role change or a disabled account applies at once. */
export function loadSessionUser(userId: string): Promise<SessionUser | null> {
  return getSessionUser(getDb(), userId);
}

/** The user behind an OIDC sign-in, created as a viewer the first time. Throws for a disabled account. */
export async function upsertOidcUser(profile: { email: string; name?: string | null; sub: string }): Promise<SessionUser> {
  const user = await upsertOidcUserRow(getDb(), { email: profile.email, name: profile.name?.trim() || profile.email });
  const session = user && (await getSessionUser(getDb(), user.id));
  if (!session) throw new Error("This account is disabled.");
  return session;
}
