/**
 * Attacks on API tokens through the REST handler: a token never does more than its user, its role,
 * its teams, its expiry and its revocation allow, checked at every call.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMember } from "@switchboard/db/repos/teams";
import { updateUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken, revokeToken, type CreateTokenInput } from "@switchboard/domain/api-tokens";
import type { SessionUser } from "@switchboard/domain/policy";
import { buildWorld, ledgerUpdate, type World } from "../routers/change-request.fixture";
import { createRestClient } from "./rest-client.fixture";

let t: TestDb;
let w: World;
let rest: ReturnType<typeof createRestClient>;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorld(t.db);
  rest = createRestClient(t.db, { connectFor: () => w.fake });
});
afterEach(() => t.cleanup());

const tokenOf = async (user: SessionUser, input: Partial<CreateTokenInput> = {}, now?: Date) =>
  (await createToken(t.db, user, { name: "t", expiresInDays: 30, role: user.role, ...input }, now)).secret;

/** A draft on prod touching the ledger connector (payments), written by `author`'s session. */
async function ledgerDraft(author: "owner" | "approver" = "owner"): Promise<string> {
  const { id } = await w.caller(author).changeRequest.create({ clusterId: w.prod.id, title: "More tasks", items: [ledgerUpdate(w)] });
  return id;
}

const createBody = (w: World, connectorId: string) => ({
  clusterId: w.prod.id,
  title: "Pause it",
  items: [{ action: "pause", connectorId }],
});

describe("authentication", () => {
  it("answers 401 without a token, with a malformed one, or with a wrong secret, and never echoes the token", async () => {
    const good = await tokenOf(w.users.owner);
    const forged = `${good.slice(0, -4)}AAAA`;
    for (const [token, message] of [
      [null, "Send an API token: Authorization: Bearer <token>."],
      ["not-a-token", "The token is not valid."],
      [forged, "The token is not valid."],
    ] as const) {
      const answer = await rest.call(token, "GET", "/clusters");
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: "UNAUTHORIZED", message } });
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
      if (token) expect(answer.text).not.toContain(token);
    }
    const basic = await rest.call(null, "GET", "/clusters", { headers: { authorization: `Basic ${good}` } });
    expect(basic.status).toBe(401);
    expect((await rest.call(good, "GET", "/clusters")).status).toBe(200);
  });

  it("answers 401 to an expired token, a revoked one and one whose user is disabled", async () => {
    const created = new Date(Date.now() - 3 * 86_400_000);
    const expired = await tokenOf(w.users.owner, { expiresInDays: 1 }, created);
    expect((await rest.call(expired, "GET", "/clusters")).body.error).toEqual({ code: "UNAUTHORIZED", message: "The token has expired." });

    const { token, secret: revoked } = await createToken(t.db, w.users.owner, { name: "r", expiresInDays: 30, role: "owner" });
    expect((await rest.call(revoked, "GET", "/clusters")).status).toBe(200);
    await revokeToken(t.db, w.users.owner, token.id);
    expect((await rest.call(revoked, "GET", "/clusters")).body.error).toEqual({ code: "UNAUTHORIZED", message: "The token was revoked." });

    const disabledUsers = await tokenOf(w.users.otherOwner);
    await updateUser(t.db, w.users.admin.id, w.users.otherOwner.id, { disabled: true });
    expect((await rest.call(disabledUsers, "GET", "/clusters")).body.error).toEqual({ code: "UNAUTHORIZED", message: "The token's user is disabled." });
  });

  it("stores only a hash of the token", async () => {
    const { token, secret } = await createToken(t.db, w.users.owner, { name: "ci", expiresInDays: 30, role: "owner" });
    const rows = JSON.stringify(await t.db.apiToken.findMany());
    expect(rows).not.toContain(secret.split("_")[2]);
    expect(token.prefix).toBe(`sbt_${token.id}`);
    expect(JSON.stringify(await t.db.auditEvent.findMany())).not.toContain(secret.split("_")[2]);
  });
});

describe("role", () => {
  it("a viewer's token cannot mutate", async () => {
    const viewer = await tokenOf(w.users.viewer);
    const create = await rest.call(viewer, "POST", "/change-requests", { body: createBody(w, w.ledger.id) });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe("FORBIDDEN");
    const id = await ledgerDraft();
    await w.caller("owner").changeRequest.submit({ id });
    expect((await rest.call(viewer, "POST", "/change-requests/{id}/reviews", { params: { id }, body: { decision: "comment", comment: "hi" } })).status).toBe(403);
    expect((await rest.call(viewer, "POST", "/change-requests/{id}/deploy", { params: { id } })).status).toBe(403);
  });

  it("a token made with a lower role than its user's acts with that role", async () => {
    const readOnly = await tokenOf(w.users.owner, { role: "viewer" });
    expect((await rest.call(readOnly, "GET", "/me")).body.user.role).toBe("viewer");
    expect((await rest.call(readOnly, "POST", "/change-requests", { body: createBody(w, w.ledger.id) })).status).toBe(403);
  });

  it("a token whose user was demoted loses the role at once", async () => {
    const id = await ledgerDraft();
    await w.caller("owner").changeRequest.submit({ id });
    const approver = await tokenOf(w.users.approver);
    await updateUser(t.db, w.users.admin.id, w.users.approver.id, { role: "owner" });
    expect((await rest.call(approver, "GET", "/me")).body.user.role).toBe("owner");
    const approve = await rest.call(approver, "POST", "/change-requests/{id}/reviews", { params: { id }, body: { decision: "approve" } });
    expect(approve.status).toBe(403);
    expect((await w.caller("owner").changeRequest.byId({ id })).approvals.count).toBe(0);
  });

  it("the author's token cannot approve the author's change", async () => {
    const id = await ledgerDraft("approver");
    await w.caller("approver").changeRequest.submit({ id });
    const author = await tokenOf(w.users.approver);
    const approve = await rest.call(author, "POST", "/change-requests/{id}/reviews", { params: { id }, body: { decision: "approve" } });
    expect(approve.status).toBe(403);
    expect(approve.body.error.message).toContain("you cannot approve it");
    expect((await rest.call(await tokenOf(w.users.approver2), "POST", "/change-requests/{id}/reviews", { params: { id }, body: { decision: "approve" } })).status).toBe(200);
  });

  it("a token cannot be made with a role above its user's or teams outside the user's", async () => {
    await expect(createToken(t.db, w.users.owner, { name: "x", expiresInDays: 30, role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createToken(t.db, w.users.owner, { name: "x", expiresInDays: 30, role: "owner", teamIds: [w.analytics.id] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(w.caller("owner").token.create({ name: "x", expiresInDays: 400, role: "owner" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("teams", () => {
  it("a team-scoped token cannot touch another team, even when its user can", async () => {
    // The approver may act for every team; as a member of payments it may limit a token to payments.
    await addMember(t.db, null, w.payments.id, w.users.approver.id);
    const user = { ...w.users.approver, teamIds: [w.payments.id] };
    const scoped = await tokenOf(user, { teamIds: [w.payments.id] });
    const whole = await tokenOf(user);

    expect((await rest.call(scoped, "POST", "/change-requests", { body: createBody(w, w.clicks.id) })).status).toBe(403);
    expect((await rest.call(scoped, "POST", "/change-requests", { body: createBody(w, w.ledger.id) })).status).toBe(201);
    expect((await rest.call(whole, "POST", "/change-requests", { body: createBody(w, w.clicks.id) })).status).toBe(201);

    // Reviewing another team's change is touching it too.
    const { id } = await w.caller("otherOwner").changeRequest.create({ clusterId: w.prod.id, title: "Pause clicks", items: [{ action: "pause", connectorId: w.clicks.id }] });
    await w.caller("otherOwner").changeRequest.submit({ id });
    const approve = await rest.call(scoped, "POST", "/change-requests/{id}/reviews", { params: { id }, body: { decision: "approve" } });
    expect(approve.status).toBe(403);
    expect(approve.body.error.message).toContain("limited to teams");
    expect((await rest.call(whole, "POST", "/change-requests/{id}/reviews", { params: { id }, body: { decision: "approve" } })).status).toBe(200);
  });

  it("a team-scoped token loses a team its user leaves", async () => {
    const scoped = await tokenOf(w.users.owner, { teamIds: [w.payments.id] });
    expect((await rest.call(scoped, "GET", "/me")).body.user.teamIds).toEqual([w.payments.id]);
    await t.db.membership.deleteMany({ where: { userId: w.users.owner.id } });
    expect((await rest.call(scoped, "GET", "/me")).body.user.teamIds).toEqual([]);
    expect((await rest.call(scoped, "POST", "/change-requests", { body: createBody(w, w.ledger.id) })).status).toBe(403);
  });
});
