/**
 * Attacks on the cancel, plan and validate routes: only who may cancel cancels (once), the plan never
 * shows a secret, and validating a state file creates nothing and answers problems as sync does.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import type { SessionUser } from "@switchboard/domain/policy";
import { buildWorld, FILE_SINK, ledgerUpdate, SECRET, type World } from "../routers/change-request.fixture";
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

const tokenOf = async (user: SessionUser, teamIds: string[] = []) => (await createToken(t.db, user, { name: "t", expiresInDays: 30, role: user.role, teamIds })).secret;
const ledgerDraft = async (overrides: Record<string, string> = {}) => (await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: "More tasks", items: [ledgerUpdate(w, overrides)] })).id;
const cancel = (token: string, id: string) => rest.call(token, "POST", "/change-requests/{id}/cancel", { params: { id } });

describe("POST /change-requests/{id}/cancel", () => {
  it("is refused to a viewer, to another team's owner and to an approver who did not write it; the author cancels once", async () => {
    const id = await ledgerDraft();
    await w.caller("owner").changeRequest.submit({ id });
    for (const user of [w.users.viewer, w.users.otherOwner, w.users.approver]) {
      const answer = await cancel(await tokenOf(user), id);
      expect([user.email, answer.status, answer.body.error?.code]).toEqual([user.email, 403, "FORBIDDEN"]);
    }
    expect((await w.caller("owner").changeRequest.byId({ id })).status).toBe("in_review");

    const author = await tokenOf(w.users.owner);
    expect((await cancel(author, id)).body).toEqual({ status: "cancelled" });
    const replayed = await cancel(author, id);
    expect(replayed.status).toBeGreaterThanOrEqual(400);
    expect(replayed.status).toBeLessThan(500);
    expect((await w.caller("owner").changeRequest.byId({ id })).status).toBe("cancelled");
  });

  it("answers 404 for an unknown change request", async () => {
    expect((await cancel(await tokenOf(w.users.owner), "nope")).body.error).toEqual({ code: "NOT_FOUND", message: "No such change request." });
  });
});

describe("GET /change-requests/{id}/plan", () => {
  it("plans against the live cluster and never shows a secret, old or new", async () => {
    const NEW = "n3w-ledger-token-value";
    const id = await ledgerDraft({ "ledger.api.token": NEW });
    const answer = await rest.call(await tokenOf(w.users.viewer), "GET", "/change-requests/{id}/plan", { params: { id } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, source: "live", actions: [{ kind: "update", name: "payments-ledger" }] });
    const changes = answer.body.actions[0].changes as Array<{ key: string; sensitive?: boolean; before?: string; after?: string }>;
    expect(changes).toEqual(expect.arrayContaining([{ op: "change", key: "tasks.max", before: "1", after: "2" }, { op: "change", key: "ledger.api.token", sensitive: true }]));
    expect(answer.text).not.toContain(SECRET);
    expect(answer.text).not.toContain(NEW);
  });

  it("answers ok: false, not an error, when the cluster does not answer", async () => {
    const id = await ledgerDraft();
    w.fake.failNext("listConnectors", new Error("connection refused"), { times: Infinity });
    const answer = await rest.call(await tokenOf(w.users.owner), "GET", "/change-requests/{id}/plan", { params: { id } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: false, reason: "unreachable" });
  });
});

describe("POST /clusters/{id}/validate", () => {
  const entry = (name: string, extra: Record<string, unknown> = {}) => ({ nameSpace: "payments", connectorName: name, connectorConfig: { "connector.class": FILE_SINK, "tasks.max": "1", topics: "t", file: "/tmp/x" }, paused: false, ownerName: "Olive", ownerEmail: "olive@example.com", ...extra });
  const validate = async (token: string, text: string, teamId = w.payments.id) => rest.call(token, "POST", "/clusters/{id}/validate", { params: { id: w.prod.id }, body: { text, teamId } });
  const counts = async () => [await t.db.changeRequest.count(), await t.db.connector.count(), await t.db.contact.count()];

  it("answers what a valid file would change and creates nothing", async () => {
    const before = await counts();
    const answer = await validate(await tokenOf(w.users.owner), JSON.stringify({ connectors: [entry("orders-sink")] }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ valid: true, create: ["orders-sink"], update: [], unchanged: [], entries: [{ action: "create", name: "orders-sink", team: "payments", changedKeys: expect.any(Array) }] });
    expect(await counts()).toEqual(before);
  });

  it("answers 400 with the loader's messages and lines, as sync does: an unknown field, a duplicate naming both places", async () => {
    const token = await tokenOf(w.users.owner);
    const typo = JSON.stringify({ connectors: [entry("a", { pausedd: true })] }, null, 2);
    const unknown = await validate(token, typo);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("BAD_REQUEST");
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ message: expect.stringContaining('unknown field "pausedd"'), line: expect.any(Number), column: expect.any(Number) })]);

    const dup = await validate(token, JSON.stringify({ connectors: [entry("a"), { ...entry("a"), nameSpace: "other" }] }, null, 2));
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.map((d: { message: string }) => d.message).join("\n")).toMatch(/duplicate connector name "a".*first defined at .*:\d+:\d+/);

    const broken = await validate(token, "{ nope");
    expect(broken.status).toBe(400);
    expect(broken.body.error.details[0]).toMatchObject({ line: 1 });
    expect(await t.db.changeRequest.count()).toBe(0);
  });

  it("is refused to a viewer's token, and refuses a team-limited token's file that changes another team's connector", async () => {
    const viewer = await validate(await tokenOf(w.users.viewer), JSON.stringify({ connectors: [entry("orders-sink")] }));
    expect(viewer.status).toBe(403);

    const scoped = await tokenOf(w.users.owner, [w.payments.id]);
    const clicks = { nameSpace: "analytics", connectorName: "analytics-clicks", connectorConfig: { "connector.class": FILE_SINK, "tasks.max": "3", topics: "analytics.clicks", file: "/tmp/clicks.txt" }, paused: false, ownerName: "A", ownerEmail: "a@example.com" };
    const answer = await validate(scoped, JSON.stringify({ connectors: [clicks] }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].message).toContain("you are not a member of team analytics");
    expect(await t.db.changeRequest.count()).toBe(0);
  });

  it("answers 404 for an unknown cluster and 400 for an unknown team, never a 500", async () => {
    const token = await tokenOf(w.users.owner);
    const text = JSON.stringify({ connectors: [entry("orders-sink")] });
    expect((await rest.call(token, "POST", "/clusters/{id}/validate", { params: { id: "nope" }, body: { text, teamId: w.payments.id } })).status).toBe(404);
    expect((await validate(token, text, "nope")).status).toBe(400);
    expect((await rest.call(token, "POST", "/clusters/{id}/validate", { params: { id: w.prod.id }, body: { text: 42, teamId: w.payments.id } })).body.error.details[0].path).toBe("text");
  });
});
