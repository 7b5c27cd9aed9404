/**
 * The board's live change stream, for the web app's server-sent events route (a plain route rather
 * than a tRPC subscription: tRPC 11 answers every SSE subscription with 200 and puts a refusal inside
 * the stream, while an anonymous request here must be refused with 401 before anything streams).
 * The sign-in rule is protectedProcedure's, the same as for the board query.
 */
import { TRPCError } from "@trpc/server";
import { boardChanges } from "@switchboard/domain/connectors";
import type { ContextInner } from "./trpc";

export type { BoardChange } from "@switchboard/domain/board-snapshot";

/** Change signals (`{ version }`) until `signal` aborts; UNAUTHORIZED without a signed-in user. */
export function boardEvents(ctx: ContextInner, signal: AbortSignal) {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return boardChanges(ctx.db, ctx.user, signal);
}
