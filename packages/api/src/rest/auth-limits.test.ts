/**
 * Attacks on authentication itself: guessing tokens from one address is slowed (30 failures a
 * minute, then 429 before any token is checked), every failure is audited without the token's
 * secret, and other addresses and the per-token limit are unaffected.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken, revokeToken } from "@switchboard/domain/api-tokens";
import { buildWorld, type World } from "../routers/change-request.fixture";
import { AUTH_FAILURE_LIMIT } from "./openapi";
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

const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
const ownerToken = async () => (await createToken(t.db, w.users.owner, { name: "ci", expiresInDays: 30, role: "owner" })).secret;
/** A well-formed token with the id of a real one and a guessed secret. */
const forge = (real: string, n: number) => `${real.slice(0, 21)}${String(n).padStart(43, "A").slice(-43)}`;

describe("failed authentications per client address", () => {
  it("answers 429 with Retry-After to the 31st bad token from one address, and then refuses even a good token from it before checking it", async () => {
    const good = await ownerToken();
    expect(AUTH_FAILURE_LIMIT.points).toBe(30);
    for (let i = 0; i < AUTH_FAILURE_LIMIT.points; i++) {
      const answer = await rest.call(forge(good, i), "GET", "/clusters", from("203.0.113.9"));
      expect(answer.status).toBe(401);
    }
    const limited = await rest.call(forge(good, 99), "GET", "/clusters", from("203.0.113.9"));
    expect(limited.status).toBe(429);
    expect(limited.body.error).toEqual({ code: "TOO_MANY_REQUESTS", message: "Too many failed authentications from this address; wait and try again." });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // A guess that happens to be right is not even checked: the answer cannot tell the attacker.
    expect((await rest.call(good, "GET", "/clusters", from("203.0.113.9"))).status).toBe(429);
  });

  it("leaves a good token from another address unaffected", async () => {
    const good = await ownerToken();
    for (let i = 0; i <= AUTH_FAILURE_LIMIT.points; i++) await rest.call(`nope-${i}`, "GET", "/clusters", from("203.0.113.9"));
    expect((await rest.call(null, "GET", "/clusters", from("203.0.113.9"))).status).toBe(429);
    expect((await rest.call(good, "GET", "/clusters", from("198.51.100.20"))).status).toBe(200);
    expect((await rest.call("nope", "GET", "/clusters", from("198.51.100.20"))).status).toBe(401);
  });

  it("counts the address the proxy saw (the last X-Forwarded-For entry), not one the client wrote before it", async () => {
    for (let i = 0; i < AUTH_FAILURE_LIMIT.points; i++) {
      // A client rotating the first entry is still one address.
      expect((await rest.call("nope", "GET", "/clusters", from(`10.0.0.${i}, 203.0.113.9`))).status).toBe(401);
    }
    expect((await rest.call("nope", "GET", "/clusters", from("10.9.9.9, 203.0.113.9"))).status).toBe(429);
  });

  it("counts missing, malformed, unknown, revoked and expired tokens alike", async () => {
    const client = createRestClient(t.db, { connectFor: () => w.fake, authFailureLimit: { points: 5, durationSeconds: 60 } });
    const { token, secret: revoked } = await createToken(t.db, w.users.owner, { name: "r", expiresInDays: 30, role: "owner" });
    await revokeToken(t.db, w.users.owner, token.id);
    const expired = (await createToken(t.db, w.users.owner, { name: "e", expiresInDays: 1, role: "owner" }, new Date(Date.now() - 3 * 86_400_000))).secret;
    for (const bad of [null, "garbage", forge(revoked, 1), revoked, expired]) expect((await client.call(bad, "GET", "/clusters", from("203.0.113.9"))).status).toBe(401);
    expect((await client.call(await ownerToken(), "GET", "/clusters", from("203.0.113.9"))).status).toBe(429);
  });
});

describe("the audit of failed authentications", () => {
  it("records each failure as api.unauthorized with the reason and at most the token's id, never its secret", async () => {
    const { token, secret } = await createToken(t.db, w.users.owner, { name: "ci", expiresInDays: 30, role: "owner" });
    await revokeToken(t.db, w.users.owner, token.id);
    const guessed = forge(secret, 7);
    await rest.call(guessed, "GET", "/clusters", from("203.0.113.9"));
    await rest.call(secret, "GET", "/connectors", { ...from("203.0.113.9"), query: { search: "x" } });
    await rest.call(null, "GET", "/clusters", { headers: { authorization: `Basic ${secret}`, "x-forwarded-for": "203.0.113.9" } });
    await rest.call("not-a-token-at-all", "GET", "/clusters", from("203.0.113.9"));

    const events = (await listAuditEvents(t.db, { pageSize: 100 })).items.filter((e) => e.action === "api.unauthorized");
    expect(events.map((e) => [e.actorId, e.entityId, e.after]).reverse()).toEqual([
      [null, token.id, { reason: "unknown", tokenId: token.id, address: "203.0.113.9", method: "GET", path: "/api/v1/clusters" }],
      [null, token.id, { reason: "revoked", tokenId: token.id, address: "203.0.113.9", method: "GET", path: "/api/v1/connectors" }],
      [null, "none", { reason: "missing", tokenId: null, address: "203.0.113.9", method: "GET", path: "/api/v1/clusters" }],
      [null, "none", { reason: "malformed", tokenId: null, address: "203.0.113.9", method: "GET", path: "/api/v1/clusters" }],
    ]);
    const everything = JSON.stringify(await t.db.auditEvent.findMany());
    for (const s of [secret, guessed]) expect(everything).not.toContain(s.slice(22));
  });
});

describe("the per-token limit", () => {
  it("is the handler's setting, counted per token and apart from failed authentications", async () => {
    const client = createRestClient(t.db, { connectFor: () => w.fake, rateLimit: { points: 3, durationSeconds: 60 } });
    const good = await ownerToken();
    for (let i = 0; i < 3; i++) expect((await client.call(good, "GET", "/clusters", from("203.0.113.9"))).status).toBe(200);
    const limited = await client.call(good, "GET", "/clusters", from("203.0.113.9"));
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toBe("Too many requests with this token; wait and try again.");
    // Going over a token's own limit is not a failed authentication: the address may still use other tokens.
    expect((await client.call(await ownerToken(), "GET", "/clusters", from("203.0.113.9"))).status).toBe(200);
  });
});
