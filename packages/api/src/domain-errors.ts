/**
 * The one place where domain errors become tRPC errors: a DbError's code maps to the matching tRPC
 * code with its message; a ConnectError says the cluster could not do it. Anything else is rethrown
 * untouched (tRPC reports it as an internal error without details).
 */
import { TRPCError } from "@trpc/server";
import { DbError, type DbErrorCode } from "@switchboard/db/errors";
import { ConnectError } from "@switchboard/engine/port";

const DB_CODES: Record<DbErrorCode, TRPCError["code"]> = {
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID_STATE: "PRECONDITION_FAILED",
  FORBIDDEN: "FORBIDDEN",
};

/** Converts a known domain error to a TRPCError; other values are returned unchanged. */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof TRPCError) return err;
  if (err instanceof DbError) return new TRPCError({ code: DB_CODES[err.code], message: err.message, cause: err });
  if (err instanceof ConnectError) {
    const code = err.code === "NOT_FOUND" ? "NOT_FOUND" : err.code === "BAD_REQUEST" ? "BAD_REQUEST" : err.code === "TIMEOUT" ? "TIMEOUT" : "BAD_GATEWAY";
    return new TRPCError({ code, message: `Kafka Connect: ${err.message}`, cause: err });
  }
  return err;
}

/** Runs `fn`, turning domain errors into TRPCErrors. */
export async function mapDomainErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTRPCError(err);
  }
}

/** A NOT_FOUND TRPCError with the given message. */
export function notFound(message: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message });
}
