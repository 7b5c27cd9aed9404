/** Typed errors of the data layer; the API maps `code` to a TRPCError. */
export type DbErrorCode = "NOT_FOUND" | "CONFLICT" | "INVALID_STATE" | "FORBIDDEN";

export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DbError";
  }
}
