/**
 * A local SMTP server and a local webhook receiver for the browser tests: the app under test sends
 * real email over SMTP and real webhooks over HTTP to them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string[]; subject: string; text: string; at: number };
export type ReceivedWebhook = { path: string; body: unknown; at: number };

export async function startSmtpReceiver(port: number): Promise<{ mails: ReceivedMail[]; close: () => Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            at: Date.now(),
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The SWITCHBOARD_WEBHOOK_ALLOWLIST entry that lets the app post to the receiver on `port` (loopback is refused otherwise). */
export function webhookAllowlistEntry(port: number): string {
  return `127.0.0.1:${port}`;
}

/** A webhook receiver on 127.0.0.1:`port`; the app reaches it only through {@link webhookAllowlistEntry}. */
export async function startWebhookReceiver(port: number): Promise<{ hooks: ReceivedWebhook[]; url: string; close: () => Promise<void> }> {
  const hooks: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = Buffer.concat(chunks).toString("utf8");
      }
      hooks.push({ path: req.url ?? "/", body, at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { hooks, url: `http://127.0.0.1:${bound}/hooks/switchboard`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
