import { DEMO_PASSWORD } from "@switchboard/db/seed";
import { createTestDb } from "@switchboard/db/testing";
import { loadSessionUser, signInWithPassword } from "@switchboard/domain/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, outcome, PASSWORD, type World } from "./board-admin.fixture";

const t = await createTestDb();
let w: World;
beforeAll(async () => {
  w = await buildWorld(t.db);
});
afterAll(() => t.cleanup());

let n = 0;
/** A user the admin creates, signed in once: the session version their session carries. */
async function signedInUser() {
  n += 1;
  const user = await w.caller("admin").user.create({ email: `member${n}@example.com`, name: `Member ${n}`, role: "owner", password: "first-password" });
  const signed = await signInWithPassword({ email: user.email, password: "first-password", clientAddress: "192.0.2.1", demoMode: false }, t.db);
  if (!signed.ok) throw new Error(`sign-in failed: ${signed.reason}`);
  expect(await loadSessionUser(user.id, signed.sessionVersion, t.db)).toMatchObject({ id: user.id });
  return { user, sessionVersion: signed.sessionVersion };
}

describe("user.update ends the user's sessions", () => {
  it("when an admin changes the password; the new password signs in, the old one does not", async () => {
    const { user, sessionVersion } = await signedInUser();
    await w.caller("admin").user.update({ id: user.id, password: "second-password" });
    expect(await loadSessionUser(user.id, sessionVersion, t.db)).toBeNull();
    expect(await signInWithPassword({ email: user.email, password: "first-password", clientAddress: "192.0.2.2", demoMode: false }, t.db)).toMatchObject({ ok: false });
    expect(await signInWithPassword({ email: user.email, password: "second-password", clientAddress: "192.0.2.2", demoMode: false }, t.db)).toMatchObject({ ok: true });
  });

  it("when an admin disables the user, or changes their role", async () => {
    for (const change of [{ disabled: true }, { role: "viewer" as const }]) {
      const { user, sessionVersion } = await signedInUser();
      await w.caller("admin").user.update({ id: user.id, ...change });
      expect(await loadSessionUser(user.id, sessionVersion, t.db)).toBeNull();
    }
  });

  it("but not when an admin only renames the user", async () => {
    const { user, sessionVersion } = await signedInUser();
    await w.caller("admin").user.update({ id: user.id, name: "Renamed Member" });
    expect(await loadSessionUser(user.id, sessionVersion, t.db)).toMatchObject({ name: "Renamed Member" });
  });
});

describe("user passwords", () => {
  it("refuses the demo password for a new or a changed password", async () => {
    expect(await outcome(() => w.caller("admin").user.create({ email: "demo-pass@example.com", name: "D", role: "viewer", password: DEMO_PASSWORD }))).toBe("BAD_REQUEST");
    expect(await outcome(() => w.caller("admin").user.update({ id: w.users.viewer.id, password: DEMO_PASSWORD }))).toBe("BAD_REQUEST");
  });

  it("only admins change another user's password", async () => {
    for (const actor of ["viewer", "owner", "approver"] as const) {
      expect(await outcome(() => w.caller(actor).user.update({ id: w.users.viewer.id, password: "taken-over-1" }))).toBe("FORBIDDEN");
    }
    expect(await signInWithPassword({ email: w.users.viewer.email, password: PASSWORD, clientAddress: "192.0.2.3", demoMode: false }, t.db)).toMatchObject({ ok: true });
  });
});
