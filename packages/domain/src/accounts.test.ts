import { createUser, findUserByOidcIdentity, getSessionState, LOGIN_LIMITS, updateUser } from "@switchboard/db/repos/users";
import { DEMO_PASSWORD } from "@switchboard/db/seed";
import { createTestDb } from "@switchboard/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { demoPasswordStartupProblem, loadSessionUser, signInWithOidc, signInWithPassword } from "./accounts";

const t = await createTestDb();
afterAll(() => t.cleanup());

const ISSUER = "https://idp.example.com";
const PASSWORD = "correct-horse-battery";

let n = 0;
/** A fresh local account per test, so throttle counts and links never carry over between tests. */
async function localUser(opts: { password?: string; disabled?: boolean } = {}) {
  n += 1;
  const user = await createUser(t.db, null, { email: `person${n}@example.com`, name: `Person ${n}`, role: "owner", password: opts.password ?? PASSWORD });
  if (opts.disabled) await updateUser(t.db, null, user.id, { disabled: true });
  return user;
}

const attempt = (email: string, password: string, clientAddress: string | null = "192.0.2.1", demoMode = false) => ({ email, password, clientAddress, demoMode });

describe("signInWithPassword", () => {
  it("signs in with the right password and hands out the user's session version", async () => {
    const user = await localUser();
    expect(await signInWithPassword(attempt(user.email, PASSWORD), t.db)).toMatchObject({ ok: true, user: { id: user.id, role: "owner" }, sessionVersion: 0 });
  });

  it("gives one answer for a wrong password, an unknown email and a disabled account", async () => {
    const user = await localUser();
    const disabled = await localUser({ disabled: true });
    expect(await signInWithPassword(attempt(user.email, "wrong-password"), t.db)).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(attempt("nobody-here@example.com", PASSWORD), t.db)).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(attempt(disabled.email, PASSWORD), t.db)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses the attempt after five failures for one account, even with the right password, from any address", async () => {
    const user = await localUser();
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) {
      expect(await signInWithPassword(attempt(user.email, `wrong-${i}`, `198.51.100.${i}`), t.db)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await signInWithPassword(attempt(user.email.toUpperCase(), PASSWORD, "203.0.113.9"), t.db)).toEqual({ ok: false, reason: "throttled", retryAfterMinutes: 15 });
  });

  it("throttles unknown emails like known ones, so the throttle does not tell which exist", async () => {
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) await signInWithPassword(attempt("ghost@example.com", `wrong-${i}`, `198.51.100.${50 + i}`), t.db);
    expect(await signInWithPassword(attempt("ghost@example.com", "anything", "203.0.113.10"), t.db)).toMatchObject({ reason: "throttled" });
  });

  it("starts the account's count again after a successful sign-in", async () => {
    const user = await localUser();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LOGIN_LIMITS.account.points - 1; i++) await signInWithPassword(attempt(user.email, "wrong", "192.0.2.77"), t.db);
      expect(await signInWithPassword(attempt(user.email, PASSWORD, "192.0.2.77"), t.db)).toMatchObject({ ok: true });
    }
  });

  it("refuses an address after twenty failures across accounts, while other addresses still sign in", async () => {
    const user = await localUser();
    for (let i = 0; i < LOGIN_LIMITS.address.points; i++) await signInWithPassword(attempt(`sprayed${i}@example.com`, "wrong", "192.0.2.200"), t.db);
    expect(await signInWithPassword(attempt(user.email, PASSWORD, "192.0.2.200"), t.db)).toMatchObject({ ok: false, reason: "throttled" });
    expect(await signInWithPassword(attempt(user.email, PASSWORD, "192.0.2.201"), t.db)).toMatchObject({ ok: true });
  });

  it("refuses the demo password outside demo mode, even for an account that has it, and accepts it in demo mode", async () => {
    const demo = await localUser({ password: DEMO_PASSWORD });
    expect(await signInWithPassword(attempt(demo.email, DEMO_PASSWORD, "192.0.2.90", false), t.db)).toEqual({ ok: false, reason: "demo-password" });
    expect(await signInWithPassword(attempt(demo.email, DEMO_PASSWORD, "192.0.2.90", true), t.db)).toMatchObject({ ok: true });
  });
});

describe("loadSessionUser", () => {
  it("accepts a session carrying the user's current version", async () => {
    const user = await localUser();
    expect(await loadSessionUser(user.id, 0, t.db)).toMatchObject({ id: user.id });
  });

  it("rejects a session issued before a password change, a role change or a disable", async () => {
    for (const change of [{ password: "another-password-1" }, { role: "viewer" as const }, { disabled: true }]) {
      const user = await localUser();
      const signed = await signInWithPassword(attempt(user.email, PASSWORD, "192.0.2.30"), t.db);
      if (!signed.ok) throw new Error("sign-in failed");
      await updateUser(t.db, null, user.id, change);
      expect(await loadSessionUser(user.id, signed.sessionVersion, t.db)).toBeNull();
    }
  });

  it("rejects a session without a version (issued before versions existed)", async () => {
    const user = await localUser();
    expect(await loadSessionUser(user.id, undefined, t.db)).toBeNull();
  });

  it("accepts a new sign-in after the password change", async () => {
    const user = await localUser();
    await updateUser(t.db, null, user.id, { password: "the-new-password" });
    const signed = await signInWithPassword(attempt(user.email, "the-new-password", "192.0.2.31"), t.db);
    if (!signed.ok) throw new Error("sign-in failed");
    expect(await loadSessionUser(user.id, signed.sessionVersion, t.db)).toMatchObject({ id: user.id });
  });
});

describe("signInWithOidc", () => {
  let s = 0;
  const subject = () => `sub-${++s}`;

  it("signs in the user linked to the issuer and subject, whatever email the token now carries", async () => {
    const user = await localUser();
    const sub = subject();
    expect(await signInWithOidc(ISSUER, { sub, email: user.email, email_verified: true }, t.db)).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await signInWithOidc(ISSUER, { sub, email: "changed-at-the-idp@example.com", email_verified: false }, t.db)).toMatchObject({ ok: true, user: { id: user.id } });
  });

  it("links a local account with the same email only when the provider verified the email", async () => {
    const user = await localUser();
    const sub = subject();
    expect(await signInWithOidc(ISSUER, { sub, email: user.email.toUpperCase(), email_verified: true }, t.db)).toMatchObject({ ok: true, user: { id: user.id, role: "owner" } });
    expect(await findUserByOidcIdentity(t.db, { issuer: ISSUER, subject: sub })).toMatchObject({ id: user.id });
  });

  it("refuses to link by email alone: missing, false or a string 'true' is not verified", async () => {
    const user = await localUser();
    for (const email_verified of [undefined, false, "true", 1]) {
      const sub = subject();
      expect(await signInWithOidc(ISSUER, { sub, email: user.email, email_verified }, t.db)).toEqual({ ok: false, reason: "email-not-verified" });
      expect(await findUserByOidcIdentity(t.db, { issuer: ISSUER, subject: sub })).toBeNull();
    }
  });

  it("never re-links an account already linked to another identity", async () => {
    const user = await localUser();
    await signInWithOidc(ISSUER, { sub: subject(), email: user.email, email_verified: true }, t.db);
    expect(await signInWithOidc("https://other-idp.example.com", { sub: subject(), email: user.email, email_verified: true }, t.db)).toEqual({ ok: false, reason: "linked-elsewhere" });
  });

  it("creates a viewer carrying the identity when no account matches", async () => {
    const sub = subject();
    const result = await signInWithOidc(ISSUER, { sub, email: `newcomer-${sub}@example.com`, email_verified: false, name: "New Comer" }, t.db);
    expect(result).toMatchObject({ ok: true, user: { role: "viewer", name: "New Comer" } });
    expect(await findUserByOidcIdentity(t.db, { issuer: ISSUER, subject: sub })).toMatchObject({ role: "viewer" });
  });

  it("refuses a disabled account, linked or matched by email", async () => {
    const linked = await localUser();
    const sub = subject();
    await signInWithOidc(ISSUER, { sub, email: linked.email, email_verified: true }, t.db);
    await updateUser(t.db, null, linked.id, { disabled: true });
    expect(await signInWithOidc(ISSUER, { sub, email: linked.email, email_verified: true }, t.db)).toEqual({ ok: false, reason: "disabled" });

    const byEmail = await localUser({ disabled: true });
    const other = subject();
    expect(await signInWithOidc(ISSUER, { sub: other, email: byEmail.email, email_verified: true }, t.db)).toEqual({ ok: false, reason: "disabled" });
    expect(await findUserByOidcIdentity(t.db, { issuer: ISSUER, subject: other })).toBeNull();
  });

  it("refuses a token without an email when no account is linked", async () => {
    expect(await signInWithOidc(ISSUER, { sub: subject() }, t.db)).toEqual({ ok: false, reason: "no-email" });
  });

  it("gives the session version, so ending sessions works for single sign-on too", async () => {
    const user = await localUser();
    const signed = await signInWithOidc(ISSUER, { sub: subject(), email: user.email, email_verified: true }, t.db);
    if (!signed.ok) throw new Error("sign-in failed");
    expect(signed.sessionVersion).toBe((await getSessionState(t.db, user.id))?.sessionVersion);
  });
});

describe("demoPasswordStartupProblem", () => {
  it("names the enabled accounts still on the demo password in production outside demo mode, and says what to do", async () => {
    const other = await createTestDb();
    try {
      await createUser(other.db, null, { email: "admin@example.com", name: "Admin", role: "admin", password: DEMO_PASSWORD });
      await createUser(other.db, null, { email: "changed@example.com", name: "Changed", role: "viewer", password: "not-the-demo-one" });
      const off = await createUser(other.db, null, { email: "off@example.com", name: "Off", role: "viewer", password: DEMO_PASSWORD });
      await updateUser(other.db, null, off.id, { disabled: true });
      const problem = await demoPasswordStartupProblem({ production: true, demoMode: false }, other.db);
      expect(problem).toContain("admin@example.com");
      expect(problem).not.toContain("changed@example.com");
      expect(problem).not.toContain("off@example.com");
      expect(problem).toMatch(/new password or disable/);
      expect(await demoPasswordStartupProblem({ production: true, demoMode: true }, other.db)).toBeNull();
      expect(await demoPasswordStartupProblem({ production: false, demoMode: false }, other.db)).toBeNull();
    } finally {
      await other.cleanup();
    }
  });

  it("lets production start once no enabled account has the demo password", async () => {
    const other = await createTestDb();
    try {
      await createUser(other.db, null, { email: "admin@example.com", name: "Admin", role: "admin", password: "a-real-password" });
      expect(await demoPasswordStartupProblem({ production: true, demoMode: false }, other.db)).toBeNull();
    } finally {
      await other.cleanup();
    }
  });
});
