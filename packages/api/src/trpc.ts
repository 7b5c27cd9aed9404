/**
 * tRPC context and procedure builders. Routers never read the session themselves: the builders
 * check the caller once (signed in, role, team membership) and hand a typed `ctx.user` on.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { getDb, type Db } from "@switchboard/db/client";

import type { Role } from "@switchboard/db/enums";
import type { SessionUser } from "@switchboard/db/repos/users";

export type { Role, SessionUser };

export type ContextInner = { db: Db; user: SessionUser | null };

/** Context without a request: used by tests through `createCaller` (with a test database), and by the HTTP adapter. */
export function createContextInner(opts: { user: SessionUser | null; db?: Db }): ContextInner {
  return { db: opts.db ?? getDb(), user: opts.user };
}

const t = initTRPC.context<ContextInner>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field errors for forms; never a stack trace.
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
        stack: undefined,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { user: ctx.user } });
});

const RANK: Record<Role, number> = { viewer: 0, owner: 1, approver: 2, admin: 3 };

/** Callers whose role is one of `roles` (admins always pass). */
export function roleProcedure(...roles: Role[]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (ctx.user.role !== "admin" && !roles.includes(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${roles.join(" or ")} role.` });
    }
    return next();
  });
}

export const adminProcedure = roleProcedure("admin");
export const approverProcedure = roleProcedure("approver");
/** Writers of change requests: owners (for their teams), approvers and admins. */
export const authorProcedure = roleProcedure("owner", "approver");

export function hasRoleAtLeast(user: SessionUser, role: Role): boolean {
  return RANK[user.role] >= RANK[role];
}
