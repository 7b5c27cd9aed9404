/**
 * The one logger factory: JSON lines through pino, each stamped with the current request id, and no
 * secret in any of them. Three layers, because a secret can arrive three ways: under a known field
 * (pino's `redact` paths), under any secret-looking key of an object handed to the logger (the engine's
 * `maskDocument`), or inside free text such as an error message or a task trace (the engine's
 * `redactText`, which finds URL user info, password parameters, Authorization headers, JSON members).
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import { MASK, maskDocument, redactDeep, redactText } from "@switchboard/engine/secrets";
import type { LogLevel } from "./log-levels";
import { currentRequestId } from "./request-context";

export type Logger = PinoLogger;


export type LoggerOptions = {
  /** Which part of Switchboard writes the line (`web`, `worker`): the `name` field. */
  name: string;
  /** Default `info`; tests pass `silent`. */
  level?: LogLevel;
  /** Where lines go; default stdout. Tests capture lines here. */
  destination?: DestinationStream;
};

// Fields that hold credentials wherever they appear in a log object (one level deep or in headers).
const REDACT_PATHS = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  "req.headers.authorization",
  "req.headers.cookie",
];

/** An error as a plain object (type, message, stack, code) with credentials redacted in every string. */
function serializeError(err: Error): Record<string, unknown> {
  return redactDeep(pino.stdSerializers.err(err) as unknown as Record<string, unknown>);
}

/** A log object made safe: errors serialized and redacted, everything else through the document masker. */
function maskLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  const withErrors = Object.fromEntries(Object.entries(obj).map(([key, value]) => [key, value instanceof Error ? serializeError(value) : value]));
  return maskDocument(withErrors) as Record<string, unknown>;
}

/** Creates a logger; `child({ ... })` adds fields to every line of the child. */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    name: opts.name,
    level: opts.level ?? "info",
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: MASK },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: maskLogObject,
    },
    hooks: {
      // Messages are free text: an error message or a trace may quote a URL with its password.
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (first instanceof Error && typeof rest[0] !== "string") {
          return method.apply(this, [first, redactText(first.message)] as Parameters<typeof method>);
        }
        const safe = args.map((a: unknown) => (typeof a === "string" ? redactText(a) : a));
        return method.apply(this, safe as Parameters<typeof method>);
      },
    },
  };
  // Without a destination pino writes to stdout synchronously, so no line is lost when the process exits.
  const logger = opts.destination ? pino(options, opts.destination) : pino(options);
  // pino's bindings formatter does not apply to children, yet their fields are on every line they
  // write: mask them on the way in. Children inherit this method, grandchildren too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, maskDocument(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}
