/**
 * The signed-in user's API tokens (settings page). Tokens cannot manage tokens: these procedures
 * are for browser sessions, and the REST API does not expose them.
 */
import { z } from "zod";
import { createToken, createTokenInput, listAllTokens, listMyTokens, revokeToken } from "@switchboard/domain/api-tokens";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

export const tokenRouter = createTRPCRouter({
  /** The caller's tokens, newest first (never a secret or its hash). */
  list: protectedProcedure.query(({ ctx }) => listMyTokens(ctx.db, ctx.user)),

  /** Everyone's tokens, for admins (to revoke one). */
  listAll: adminProcedure.query(({ ctx }) => listAllTokens(ctx.db, ctx.user)),

  /** A new token; its secret is in this answer and never again. */
  create: protectedProcedure.input(createTokenInput).mutation(({ ctx, input }) => createToken(ctx.db, ctx.user, input)),

  /** Revokes one of the caller's tokens, or anyone's for an admin. */
  revoke: protectedProcedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(({ ctx, input }) => revokeToken(ctx.db, ctx.user, input.id)),
});
