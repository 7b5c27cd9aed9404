import { ConnectError } from "@switchboard/engine/port";

/** A failure the user can fix (bad option, unreadable file): printed as one line plus a hint, exit 1. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export type ErrorDescription = { message: string; hint?: string };

const CAUSES: Array<[RegExp, string]> = [
  [/ECONNREFUSED/, "connection refused"],
  [/ENOTFOUND|EAI_AGAIN/, "host not found"],
  [/EHOSTUNREACH|ENETUNREACH/, "host unreachable"],
  [/ECONNRESET/, "connection reset"],
  [/certificate|CERT_|SSL|TLS/i, "TLS handshake failed"],
];

/**
 * Turns anything thrown into one line (without "error: ") and an optional hint. Never includes a
 * stack trace: the CLI's users need what went wrong and what to do about it.
 */
export function describeError(err: unknown, connectUrls: readonly string[] = []): ErrorDescription {
  if (err instanceof CliError) return err.hint ? { message: err.message, hint: err.hint } : { message: err.message };
  if (err instanceof ConnectError) return describeConnectError(err, connectUrls);
  if (err instanceof Error) return { message: err.message || err.name };
  return { message: String(err) };
}

function describeConnectError(err: ConnectError, urls: readonly string[]): ErrorDescription {
  if (err.code === "UNREACHABLE" || err.code === "TIMEOUT") {
    const workers = unansweredWorkers(err.message);
    if (workers.length > 0) {
      const where = workers.map((w) => `${w.worker}: ${plainCause(w.detail)}`).join("; ");
      return {
        message: `cannot reach Kafka Connect at ${where}`,
        hint:
          err.code === "TIMEOUT"
            ? "the worker did not answer in time; check it is up, or raise --timeout"
            : "check the --connect URLs (or SWITCHBOARD_CONNECT) and that the workers are running",
      };
    }
    const where = err.worker ?? urls.join(", ");
    return {
      message: where ? `cannot reach Kafka Connect at ${where}: ${err.message}` : err.message,
      hint: "check the --connect URLs and that the workers are running",
    };
  }
  if (err.code === "UNAUTHORIZED") {
    return { message: err.message, hint: "check --user/--password (or SWITCHBOARD_CONNECT_USER/_PASSWORD)" };
  }
  if (err.code === "LEADER_UNAVAILABLE" || err.code === "CONFLICT_REBALANCE") {
    return { message: err.message, hint: "the Connect group had no leader (a worker died or the group is rebalancing) for longer than the retry budget; check the workers' health, then run the command again" };
  }
  return { message: err.message };
}

/** Reads `worker (detail)` pairs from the connect client's "no Kafka Connect worker answered: ..." message. */
function unansweredWorkers(message: string): Array<{ worker: string; detail: string }> {
  const marker = "no Kafka Connect worker answered: ";
  const at = message.indexOf(marker);
  if (at < 0) return [];
  const out: Array<{ worker: string; detail: string }> = [];
  for (const m of message.slice(at + marker.length).matchAll(/(https?:\/\/\S+) \((.*?)\)(?:, |$)/g)) {
    out.push({ worker: m[1] ?? "", detail: m[2] ?? "" });
  }
  return out;
}

function plainCause(detail: string): string {
  for (const [pattern, text] of CAUSES) if (pattern.test(detail)) return text;
  return detail;
}
