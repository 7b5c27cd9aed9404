import bcrypt from "bcryptjs";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "../testing";
import {
  BCRYPT_ROUNDS,
  createUser,
  DUMMY_PASSWORD_HASH,
  findEnabledUsersWithPassword,
  findUserByOidcIdentity,
  getSessionState,
  LOGIN_LIMITS,
  linkOidcIdentity,
  loginThrottle,
  updateUser,
  verifyPassword,
} from "./users";

const t = await createTestDb();
afterAll(() => t.cleanup());
afterEach(() => vi.restoreAllMocks());

let n = 0;
/** A fresh user per test, so tests share the database without sharing accounts. */
async function newUser(password = "the-right-password", role: "viewer" | "admin" = "viewer") {
  n += 1;
  return createUser(t.db, null, { email: `user${n}@example.com`, name: `User ${n}`, role, password });
}

const versionOf = async (id: string) => (await getSessionState(t.db, id))?.sessionVersion;

describe("verifyPassword", () => {
  it("runs exactly one bcrypt comparison for an unknown email, against a dummy hash of the same cost", async () => {
    const compare = vi.spyOn(bcrypt, "compare");
    expect(await verifyPassword(t.db, "nobody@example.com", "some-password")).toBeNull();
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare).toHaveBeenCalledWith("some-password", DUMMY_PASSWORD_HASH);
    expect(bcrypt.getRounds(DUMMY_PASSWORD_HASH)).toBe(BCRYPT_ROUNDS);
  });

  it("runs exactly one comparison for a known email too, whether the password is right or wrong", async () => {
    const user = await newUser();
    const compare = vi.spyOn(bcrypt, "compare");
    expect(await verifyPassword(t.db, user.email, "wrong-password")).toBeNull();
    expect(await verifyPassword(t.db, user.email, "the-right-password")).toMatchObject({ id: user.id });
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it("runs one comparison for a disabled account and for an OIDC-only account, and refuses both", async () => {
    const disabled = await newUser();
    await updateUser(t.db, null, disabled.id, { disabled: true });
    n += 1;
    const oidcOnly = await createUser(t.db, null, { email: `user${n}@example.com`, name: "OIDC", role: "viewer" });
    const compare = vi.spyOn(bcrypt, "compare");
    expect(await verifyPassword(t.db, disabled.email, "the-right-password")).toBeNull();
    expect(await verifyPassword(t.db, oidcOnly.email, "anything-at-all")).toBeNull();
    expect(compare).toHaveBeenCalledTimes(2);
  });
});

describe("updateUser ends sessions", () => {
  it("bumps the session version when the password changes", async () => {
    const user = await newUser();
    const before = await versionOf(user.id);
    await updateUser(t.db, null, user.id, { password: "a-brand-new-password" });
    expect(await versionOf(user.id)).toBe((before ?? 0) + 1);
  });

  it("bumps the session version when the user is disabled, and when the role changes", async () => {
    const user = await newUser();
    await updateUser(t.db, null, user.id, { role: "approver" });
    expect(await versionOf(user.id)).toBe(1);
    await updateUser(t.db, null, user.id, { disabled: true });
    expect((await t.db.user.findUnique({ where: { id: user.id } }))?.sessionVersion).toBe(2);
  });

  it("leaves the session version alone for a rename, or a role or state set to what it already is", async () => {
    const user = await newUser();
    await updateUser(t.db, null, user.id, { name: "Renamed", role: "viewer", disabled: false });
    expect(await versionOf(user.id)).toBe(0);
  });

  it("never returns the session version or the hash from the public user shape", async () => {
    const user = await newUser();
    const updated = await updateUser(t.db, null, user.id, { password: "another-new-password" });
    expect(Object.keys(updated)).not.toContain("sessionVersion");
    expect(JSON.stringify(updated)).not.toContain("passwordHash");
  });
});

describe("OIDC identities", () => {
  const identity = { issuer: "https://idp.example.com", subject: "subject-1" };

  it("finds a user by issuer and subject, never by the subject alone", async () => {
    const user = await newUser();
    await linkOidcIdentity(t.db, user.id, identity);
    expect(await findUserByOidcIdentity(t.db, identity)).toMatchObject({ id: user.id });
    expect(await findUserByOidcIdentity(t.db, { issuer: "https://other.example.com", subject: "subject-1" })).toBeNull();
  });

  it("refuses to link a user who already has another identity", async () => {
    const user = await newUser();
    await linkOidcIdentity(t.db, user.id, { issuer: "https://idp.example.com", subject: "subject-2" });
    await expect(linkOidcIdentity(t.db, user.id, { issuer: "https://idp.example.com", subject: "subject-3" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await findUserByOidcIdentity(t.db, { issuer: "https://idp.example.com", subject: "subject-2" })).toMatchObject({ id: user.id });
  });

  it("creates a user carrying an identity", async () => {
    const created = await createUser(t.db, null, { email: "new-oidc@example.com", name: "New", role: "viewer", oidc: { issuer: "https://idp.example.com", subject: "subject-4" } });
    expect(await findUserByOidcIdentity(t.db, { issuer: "https://idp.example.com", subject: "subject-4" })).toMatchObject({ id: created.id, role: "viewer" });
  });
});

describe("findEnabledUsersWithPassword", () => {
  it("lists the enabled users whose password is the given one", async () => {
    const a = await newUser("shared-password");
    const b = await newUser("shared-password");
    await newUser("a-different-password");
    await updateUser(t.db, null, b.id, { disabled: true });
    expect(await findEnabledUsersWithPassword(t.db, "shared-password")).toEqual([a.email]);
  });
});

describe("loginThrottle", () => {
  it("refuses the attempt after the account's limit of failures, whatever the password, and tells how long", async () => {
    const throttle = loginThrottle(t.db);
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) expect(await throttle.begin("Throttled@Example.com", `10.0.0.${i}`)).toBeNull();
    const wait = await throttle.begin("throttled@example.com", "10.0.1.1");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(LOGIN_LIMITS.account.durationSeconds * 1000);
  });

  it("starts an account's count again after a successful sign-in", async () => {
    const throttle = loginThrottle(t.db);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < LOGIN_LIMITS.account.points - 1; i++) expect(await throttle.begin("often-wrong@example.com", "10.0.2.1")).toBeNull();
      expect(await throttle.begin("often-wrong@example.com", "10.0.2.1")).toBeNull();
      await throttle.succeeded("often-wrong@example.com", "10.0.2.1");
    }
  });

  it("refuses an address after its limit of failures across accounts, and lets other addresses through", async () => {
    const throttle = loginThrottle(t.db);
    for (let i = 0; i < LOGIN_LIMITS.address.points; i++) expect(await throttle.begin(`spray${i}@example.com`, "10.0.3.1")).toBeNull();
    expect(await throttle.begin("spray-next@example.com", "10.0.3.1")).toBeGreaterThan(0);
    expect(await throttle.begin("spray-next@example.com", "10.0.3.2")).toBeNull();
  });

  it("counts attempts made at the same time, so parallel guesses cannot slip past the limit", async () => {
    const throttle = loginThrottle(t.db);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => throttle.begin("parallel@example.com", `10.0.4.${i}`)));
    expect(results.filter((r) => r === null)).toHaveLength(LOGIN_LIMITS.account.points);
  });

  it("keeps its counts in the database, so another client (another process) sees them", async () => {
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) await loginThrottle(t.db).begin("shared@example.com", "10.0.5.1");
    const { createDb } = await import("../client");
    const other = createDb(t.url);
    try {
      expect(await loginThrottle(other).begin("shared@example.com", "10.0.5.2")).toBeGreaterThan(0);
    } finally {
      await other.$disconnect();
    }
  });
});
