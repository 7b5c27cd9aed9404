/**
 * Outbound delivery: email over SMTP (nodemailer) and webhook POSTs. One attempt each; retries are
 * the caller's business.
 */
import nodemailer from "nodemailer";

export type EmailMessage = { to: string; subject: string; text: string };
export type EmailSender = (message: EmailMessage) => Promise<void>;
export type WebhookSender = (url: string, jsonBody: string) => Promise<void>;

const TIMEOUT_MS = 10_000;

/**
 * An SMTP sender for `url` (`smtp://host:port`, `smtps://user:pass@host`, options as query
 * parameters, e.g. `?ignoreTLS=true`). Without a URL every send fails with a clear message, so the
 * notification shows why it was not delivered.
 */
export function createEmailSender(opts: { url: string | undefined; from: string }): EmailSender {
  if (!opts.url) {
    return async () => {
      throw new Error("email is not configured: set SMTP_URL (e.g. smtp://127.0.0.1:2525)");
    };
  }
  const transport = nodemailer.createTransport(withTimeouts(opts.url), { from: opts.from });
  return async (message) => {
    await transport.sendMail({ from: opts.from, to: message.to, subject: message.subject, text: message.text });
  };
}

/** nodemailer waits minutes by default; a stuck server should fail the attempt instead. Explicit values win. */
function withTimeouts(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  for (const key of ["connectionTimeout", "greetingTimeout", "socketTimeout"]) {
    if (!url.searchParams.has(key)) url.searchParams.set(key, String(TIMEOUT_MS));
  }
  return url.toString();
}

/** POSTs a JSON body; any answer but 2xx is an error naming the status and the host (never the path, which may hold a token). */
export const postWebhook: WebhookSender = async (url, jsonBody) => {
  const host = new URL(url).host;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: jsonBody,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    throw new Error(`webhook ${host} unreachable${cause}`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new Error(`webhook ${host} answered HTTP ${res.status}`);
};
