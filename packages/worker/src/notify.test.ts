import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listNotifications } from "@switchboard/db/repos/notifications";
import { addContact } from "@switchboard/db/repos/teams";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { pollClusterHealth } from "./monitor";
import { deliverDueNotifications } from "./notify";
import { parseWebhookAllowlist } from "@switchboard/domain/webhooks";
import { env } from "./env";
import { createEmailSender, createWebhookSender } from "./senders";
import { defaultServices } from "./services";
import { buildWorkerWorld, SECRET, silentLog, type WorkerWorld } from "./worker.fixture";

type Mail = { from: string; to: string[]; data: string };

/** Enough of quoted-printable (RFC 2045) to read a message's text in assertions. */
function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A real SMTP server on a free loopback port that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data: decodeQuotedPrintable(Buffer.concat(chunks).toString("utf8")),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A real HTTP webhook receiver; `status` decides what it answers. */
async function startReceiver(): Promise<{ url: string; bodies: unknown[]; setStatus: (s: number) => void; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/B000/token`,
    bodies,
    setStatus: (s) => (status = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let t: TestDb;
let w: WorkerWorld;

beforeAll(async () => {
  smtp = await startSmtp();
  receiver = await startReceiver();
});
afterAll(async () => {
  await smtp.close();
  await receiver.close();
});
beforeEach(async () => {
  t = await createTestDb();
  smtp.mails.length = 0;
  receiver.bodies.length = 0;
  receiver.setStatus(200);
  w = await buildWorkerWorld(t.db, { webhookUrl: receiver.url });
});
afterEach(() => t.cleanup());

/** The local receiver is on loopback: deliveries reach it only because the allowlist names it. */
const services = () => ({
  sendEmail: createEmailSender({ url: `smtp://127.0.0.1:${smtp.port}`, from: "Switchboard <switchboard@example.com>" }),
  postWebhook: createWebhookSender({ allowlist: parseWebhookAllowlist(new URL(receiver.url).host) }),
  log: silentLog,
});

/** A task failure seen by the monitor: the incident's notifications are created, not yet sent. */
async function failAndPoll(trace = "java.lang.RuntimeException: sink exploded\n\tat Mock.put") {
  w.fake.failTask("payments-sink", 0, trace);
  await pollClusterHealth({ db: t.db, connectFor: () => w.fake, publicUrl: "http://switchboard.test", log: silentLog }, w.cluster);
}

describe("deliverDueNotifications", () => {
  it("sends the incident's emails over SMTP and posts the Slack-compatible webhook body", async () => {
    await failAndPoll();
    const result = await deliverDueNotifications(t.db, services());
    expect(result).toEqual({ sent: 3, failed: 0 });

    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(["payments-oncall@example.com", "sink-owner@example.com"]);
    const mail = smtp.mails[0];
    expect(mail?.from).toBe("switchboard@example.com");
    expect(mail?.data).toMatch(/^Subject: \[Switchboard\] payments-sink is FAILED on prod$/m);
    expect(mail?.data).toContain("java.lang.RuntimeException: sink exploded");

    expect(receiver.bodies).toHaveLength(1);
    const body = receiver.bodies[0] as { text: string; blocks: Array<{ type: string }> };
    expect(body.text).toBe(`payments-sink is FAILED on prod (team payments): java.lang.RuntimeException: sink exploded http://switchboard.test/connectors/${w.connector.id}`);
    expect(body.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "actions"]);

    const { items } = await listNotifications(t.db, { channel: "email" });
    expect(items.every((n) => n.status === "sent" && n.attempts === 1 && n.sentAt !== null)).toBe(true);
    // Nothing is due any more: a second pass sends nothing twice.
    expect(await deliverDueNotifications(t.db, services())).toEqual({ sent: 0, failed: 0 });
    expect(receiver.bodies).toHaveLength(1);
  });

  it("retries a webhook answering 500, keeps the failure visible, and sends it once the receiver recovers", async () => {
    receiver.setStatus(500);
    await failAndPoll();
    const now = new Date();
    expect(await deliverDueNotifications(t.db, services(), now, { retryMinTimeoutMs: 1 })).toEqual({ sent: 2, failed: 1 });
    // One attempt plus two quick retries within the pass.
    expect(receiver.bodies).toHaveLength(3);
    const failing = (await listNotifications(t.db, { channel: "webhook" })).items[0];
    expect(failing).toMatchObject({ status: "pending", attempts: 1 });
    expect(failing?.lastError).toContain("answered HTTP 500");
    // The URL's path may hold a token: errors name the host only.
    expect(failing?.lastError).not.toContain("token");
    expect(failing?.nextAttemptAt?.getTime()).toBeGreaterThan(now.getTime());

    // Not due before its backoff ends.
    expect(await deliverDueNotifications(t.db, services(), now)).toEqual({ sent: 0, failed: 0 });
    receiver.setStatus(200);
    expect(await deliverDueNotifications(t.db, services(), failing?.nextAttemptAt ?? now)).toEqual({ sent: 1, failed: 0 });
    expect((await listNotifications(t.db, { channel: "webhook" })).items[0]).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("gives up after the last attempt and marks the notification failed", async () => {
    receiver.setStatus(503);
    await failAndPoll();
    let now = new Date();
    for (let i = 0; i < 5; i++) {
      await deliverDueNotifications(t.db, services(), now, { retryMinTimeoutMs: 1 });
      now = new Date(now.getTime() + 2 * 3_600_000);
    }
    expect((await listNotifications(t.db, { channel: "webhook" })).items[0]).toMatchObject({ status: "failed", attempts: 5 });
    expect((await listNotifications(t.db, { status: "failed" })).total).toBe(1);
  });

  it("records an email failure when SMTP is not configured", async () => {
    await failAndPoll();
    await deliverDueNotifications(t.db, { ...services(), sendEmail: createEmailSender({ url: undefined, from: "x@example.com" }) }, new Date(), { retryMinTimeoutMs: 1 });
    const emails = (await listNotifications(t.db, { channel: "email" })).items;
    expect(emails.every((n) => n.status === "pending" && n.lastError?.includes("SMTP_URL"))).toBe(true);
  });

  it("never sends a secret value in an email or webhook", async () => {
    await failAndPoll(`java.sql.SQLException: bad password ${SECRET}\n\tat Driver.connect`);
    await deliverDueNotifications(t.db, services());
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails.map((m) => m.data).join("\n")).not.toContain(SECRET);
    expect(JSON.stringify(receiver.bodies)).not.toContain(SECRET);
    expect(JSON.stringify(receiver.bodies)).toContain("bad password (sensitive)");
  });
});

describe("webhook targets at delivery time", () => {
  it("does not post to a loopback receiver the allowlist does not name, and records the refusal", async () => {
    await failAndPoll();
    const unlisted = { ...services(), postWebhook: createWebhookSender({ allowlist: parseWebhookAllowlist("127.0.0.1:1,10.0.0.0/8") }) };
    expect(await deliverDueNotifications(t.db, unlisted, new Date(), { retryMinTimeoutMs: 1 })).toEqual({ sent: 2, failed: 1 });
    expect(receiver.bodies).toHaveLength(0);
    const refused = (await listNotifications(t.db, { channel: "webhook" })).items[0];
    expect(refused).toMatchObject({ status: "pending", attempts: 1 });
    expect(refused?.lastError).toMatch(/^The webhook host 127\.0\.0\.1:\d+ is 127\.0\.0\.1, a loopback address\./);
    expect(refused?.lastError).toContain("SWITCHBOARD_WEBHOOK_ALLOWLIST");
    expect(refused?.lastError).not.toContain("token");
  });

  it("is refused by the production sender when the operator has allowed nothing", async () => {
    expect(env.SWITCHBOARD_WEBHOOK_ALLOWLIST).toEqual([]);
    await failAndPoll();
    await deliverDueNotifications(t.db, { ...services(), postWebhook: defaultServices().postWebhook }, new Date(), { retryMinTimeoutMs: 1 });
    expect(receiver.bodies).toHaveLength(0);
    expect((await listNotifications(t.db, { channel: "webhook" })).items[0]?.lastError).toMatch(/a loopback address/);
  });

  it("checks again at delivery: a stored contact whose name now resolves to loopback is refused (DNS rebinding)", async () => {
    await addContact(t.db, null, { kind: "webhook", target: `http://hooks.rebind.test:${new URL(receiver.url).port}/hooks/T000/B000/token`, teamId: w.team.id });
    await failAndPoll();
    // When the contact was added the name pointed elsewhere; now it answers with the receiver's address.
    const rebound = createWebhookSender({ allowlist: [], lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
    await deliverDueNotifications(t.db, { ...services(), postWebhook: rebound }, new Date(), { retryMinTimeoutMs: 1 });
    expect(receiver.bodies).toHaveLength(0);
    const refused = (await listNotifications(t.db, { channel: "webhook" })).items.find((n) => n.recipient.includes("rebind"));
    expect(refused?.lastError).toMatch(/hooks\.rebind\.test:\d+ resolves to 127\.0\.0\.1, a loopback address/);
  });
});
