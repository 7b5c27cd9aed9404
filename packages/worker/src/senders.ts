/**
 * Outbound delivery: email over SMTP (nodemailer) and webhook POSTs to allowed targets only. One
 * attempt each; retries are the caller's business.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import nodemailer from "nodemailer";
import {
  resolveWebhookTarget,
  systemLookup,
  WebhookRefused,
  type HostLookup,
  type ResolvedAddress,
  type WebhookAllowlist,
  type WebhookTarget,
} from "@switchboard/domain/webhooks";

export type EmailMessage = { to: string; subject: string; text: string };
export type EmailSender = (message: EmailMessage) => Promise<void>;
export type WebhookSender = (url: string, jsonBody: string) => Promise<void>;

const TIMEOUT_MS = 10_000;
/** A webhook gets less: a receiver that holds the connection open must not hold up the delivery pass. */
const WEBHOOK_TIMEOUT_MS = 5_000;

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

/**
 * A webhook sender that posts only to targets the webhook rule allows (`@switchboard/domain/webhooks`).
 * The rule is checked again at every delivery, since a name may resolve elsewhere than when the
 * contact was added (DNS rebinding), and the connection is pinned to exactly the addresses that
 * were checked: the socket's `lookup` answers with them instead of asking DNS a second time, and a
 * literal IP is connected to as written. Redirects are not followed; the answer's body is never
 * read, and an error names the status and the host only (never the path, which may hold a token).
 */
export function createWebhookSender(opts: { allowlist: WebhookAllowlist; timeoutMs?: number; lookup?: HostLookup }): WebhookSender {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return async (url, jsonBody) => {
    const host = safeHost(url);
    const deadline = AbortSignal.timeout(timeoutMs);
    let target: Awaited<ReturnType<typeof resolveWebhookTarget>>;
    try {
      target = await abortable(resolveWebhookTarget(url, opts.allowlist, opts.lookup ?? systemLookup), deadline);
    } catch (err) {
      if (err instanceof WebhookRefused) throw err;
      throw new Error(`webhook ${host} unreachable: ${describe(err, timeoutMs)}`);
    }
    let status: number;
    try {
      status = await postPinned(target, jsonBody, deadline);
    } catch (err) {
      throw new Error(`webhook ${host} unreachable: ${describe(err, timeoutMs)}`);
    }
    if (status >= 300 && status < 400) throw new Error(`webhook ${host} answered HTTP ${status} (redirects are not followed)`);
    if (status < 200 || status >= 300) throw new Error(`webhook ${host} answered HTTP ${status}`);
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `no answer within ${timeoutMs / 1000} s`;
  return err instanceof Error ? err.message : String(err);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** POSTs `body` to the target over a fresh connection to one of its checked addresses; resolves with the status code. */
function postPinned(target: WebhookTarget & { addresses: ResolvedAddress[] }, body: string, signal: AbortSignal): Promise<number> {
  const addresses = target.addresses.map((a) => ({ address: a.address, family: a.family }));
  // Called by the socket instead of dns.lookup (not at all for a literal IP, which was checked as
  // written): it can only ever answer with the addresses the rule accepted.
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    const first = addresses[0] as { address: string; family: number };
    if (options.all) (callback as unknown as (err: null, all: typeof addresses) => void)(null, addresses);
    else callback(null, first.address, first.family);
  };
  const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      {
        method: "POST",
        hostname: target.hostname,
        port: target.port,
        path: `${target.url.pathname}${target.url.search}`,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        agent: false,
        lookup: pinnedLookup,
        signal,
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        // The body is never read nor kept: a receiver's answer is not ours to store or echo.
        res.destroy();
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
