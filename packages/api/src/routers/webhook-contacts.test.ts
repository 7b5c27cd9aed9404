/**
 * Server-side request forgery through team webhooks: a team or connector contact may not point
 * Switchboard at loopback, link-local, private or reserved addresses (another team's Connect REST
 * API, a cloud metadata endpoint) unless the operator's allowlist names the target.
 */
import { createTestDb } from "@switchboard/db/testing";
import { listConnectorContacts, listTeamContacts } from "@switchboard/db/repos/teams";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ZodError } from "zod";
import { buildWorld, type Actor, type World } from "./board-admin.fixture";

const t = await createTestDb();
let w: World;
beforeAll(async () => {
  // The operator's setting, read once on first use (modules are fresh in each test file).
  vi.stubEnv("SWITCHBOARD_WEBHOOK_ALLOWLIST", "127.0.0.1:3999, 10.20.0.0/16");
  w = await buildWorld(t.db);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await t.cleanup();
});

/** The field error a refused contact answers with (BAD_REQUEST from input validation). */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  let err: unknown;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  expect(err, "the contact was accepted").toBeDefined();
  const e = err as { code?: string; cause?: unknown };
  expect(e.code).toBe("BAD_REQUEST");
  expect(e.cause).toBeInstanceOf(ZodError);
  return ((e.cause as ZodError).flatten().fieldErrors as Record<string, string[] | undefined>).contact?.join(" ") ?? "";
}

const addTeamWebhook = (actor: Actor, target: string) => w.caller(actor).team.addContact({ teamId: w.payments.id, contact: { kind: "webhook", target } });
const addConnectorWebhook = (actor: Actor, target: string) => w.caller(actor).connector.addContact({ id: w.connector.id, contact: { kind: "webhook", target } });

const REFUSED: Array<[target: string, addressClass: RegExp]> = [
  ["http://127.0.0.1:18083/connectors/x/restart", /a loopback address/],
  ["http://169.254.169.254/latest/meta-data", /a link-local address/],
  ["http://[::1]/", /a loopback address/],
  ["http://localhost:9/", /a loopback address/],
  ["http://2130706433/", /a loopback address/],
  ["http://0x7f.1/", /a loopback address/],
  ["http://[::ffff:127.0.0.1]:18083/", /a loopback address/],
  ["http://[::ffff:a9fe:a9fe]/latest/meta-data", /a link-local address/],
  ["https://192.168.1.10/hook", /a private/],
  ["http://[fd00::1]/", /a private/],
  ["http://100.64.0.1/", /carrier-grade NAT/],
  ["http://0.0.0.0:18083/", /an unspecified address/],
  ["http://127.0.0.1:4000/", /a loopback address/],
  ["http://10.21.0.1/", /a private/],
];

describe("webhook contacts (SSRF)", () => {
  it.each(REFUSED)("refuses %s for a team and names the address class and how to allow it", async (target, addressClass) => {
    const message = await refusal(() => addTeamWebhook("owner", target));
    expect(message).toMatch(addressClass);
    expect(message).toContain("SWITCHBOARD_WEBHOOK_ALLOWLIST");
  });

  it.each(REFUSED.slice(0, 5))("refuses %s for a connector too", async (target, addressClass) => {
    expect(await refusal(() => addConnectorWebhook("owner", target))).toMatch(addressClass);
  });

  it("stores none of the refused targets", async () => {
    const targets = [...(await listTeamContacts(t.db, w.payments.id)), ...(await listConnectorContacts(t.db, w.connector.id))].map((c) => c.target);
    for (const [target] of REFUSED) expect(targets).not.toContain(target);
  });

  it("refuses them for an admin as well: the allowlist is the operator's, not an account's", async () => {
    expect(await refusal(() => addTeamWebhook("admin", "http://169.254.169.254/latest/meta-data"))).toMatch(/a link-local address/);
  });

  it("refuses credentials in the URL and schemes other than http(s)", async () => {
    expect(await refusal(() => addTeamWebhook("owner", "https://user:secret@hooks.example.com/x"))).toMatch(/credentials/);
    expect(await refusal(() => addTeamWebhook("owner", "file:///etc/passwd"))).toMatch(/http\(s\)/);
  });

  it("never echoes the URL's path (it may hold a token) in the refusal", async () => {
    expect(await refusal(() => addTeamWebhook("owner", "http://127.0.0.1:18083/hooks/T0/B0/token-abc"))).not.toContain("token-abc");
  });

  it("accepts a target the allowlist names by host and port, or by a CIDR containing its address", async () => {
    const byHost = await addTeamWebhook("owner", "http://127.0.0.1:3999/hooks/switchboard");
    expect(byHost).toMatchObject({ kind: "webhook" });
    const byCidr = await addConnectorWebhook("owner", "http://10.20.3.4:8080/hook");
    expect(byCidr).toMatchObject({ kind: "webhook" });
    expect((await listTeamContacts(t.db, w.payments.id)).map((c) => c.target)).toContain("http://127.0.0.1:3999/hooks/switchboard");
  });
});
