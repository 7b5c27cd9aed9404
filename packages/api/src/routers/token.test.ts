import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { buildWorld, type World } from "./change-request.fixture";

let t: TestDb;
let w: World;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorld(t.db);
});
afterEach(() => t.cleanup());

describe("token router", () => {
  it("creates a token whose secret is answered once, lists it without the secret, and revokes it with an audit event", async () => {
    const owner = w.caller("owner");
    const { token, secret } = await owner.token.create({ name: "ci", expiresInDays: 30, role: "owner", teamIds: [w.payments.id] });
    expect(secret).toMatch(new RegExp(`^${token.prefix}_[A-Za-z0-9_-]{43}$`));
    const listed = await owner.token.list();
    expect(listed).toEqual([expect.objectContaining({ id: token.id, name: "ci", role: "owner", teamIds: [w.payments.id], revokedAt: null, lastUsedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(-43));
    expect(await w.caller("otherOwner").token.list()).toEqual([]);

    await owner.token.revoke({ id: token.id });
    expect((await owner.token.list())[0]?.revokedAt).toBeInstanceOf(Date);
    const events = (await listAuditEvents(t.db, { entityType: "apiToken", entityId: token.id })).items.map((e) => [e.action, e.actorId]);
    expect(events.sort()).toEqual([
      ["apiToken.create", w.users.owner.id],
      ["apiToken.revoke", w.users.owner.id],
    ]);
  });

  it("lets only the token's user or an admin revoke it, and only admins list everyone's", async () => {
    const { token } = await w.caller("owner").token.create({ name: "ci", expiresInDays: 30, role: "viewer" });
    await expect(w.caller("otherOwner").token.revoke({ id: token.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(w.caller("approver").token.listAll()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await w.caller("admin").token.listAll()).map((x) => x.id)).toEqual([token.id]);
    await w.caller("admin").token.revoke({ id: token.id });
    const [event] = (await listAuditEvents(t.db, { entityType: "apiToken", entityId: token.id })).items.filter((e) => e.action === "apiToken.revoke");
    expect(event?.actorId).toBe(w.users.admin.id);
    await expect(w.caller("anonymous").token.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
